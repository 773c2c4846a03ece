# The start of the command-line test scripts, sourced by each with its
# arguments FAULTLINE_BINARY SOURCE_DIR: sets $faultline, $source_dir,
# $fixtures (the loader's fixtures) and $work (a folder removed at exit),
# sources the checks and works from the source folder.
set -u
faultline=$1
source_dir=$2
fixtures=$source_dir/tests/loader/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$source_dir"
