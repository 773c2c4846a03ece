# The test scripts' checks: expect_exit runs a command and compares its
# exit code (its output left in $work/stdout and $work/stderr), check runs
# a test command; both count into $passes and $failures, which finish
# prints. Sourced by prologue.sh and ../mpi/mpi_test.sh, which set $work.
failures=0
passes=0

expect_exit() {
  local expected=$1 name=$2
  shift 2
  "$@" >"$work/stdout" 2>"$work/stderr"
  local actual=$?
  if [ "$actual" -ne "$expected" ]; then
    echo "FAIL $name: exit $actual, expected $expected"
    sed 's/^/  stderr: /' "$work/stderr" | head -n 5
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL $name"; failures=$((failures + 1)); fi
}

# finish NAME: prints the counts; its status, the script's last, is
# failure if any check failed.
finish() {
  echo "$1: $passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
