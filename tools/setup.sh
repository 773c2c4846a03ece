#!/usr/bin/env bash
# Installs every Debian package Faultline needs to build and test; with
# --sanitize, also what tools/test.sh --sanitize needs (clang, its sanitizer
# and libFuzzer runtimes, llvm-symbolizer for readable reports).
# Idempotent: asks apt only for what is missing, and refreshes the package
# lists only when something is.
set -euo pipefail

sanitize=0
for arg in "$@"; do
  case $arg in
    --sanitize) sanitize=1 ;;
    *)
      echo "usage: tools/setup.sh [--sanitize]" >&2
      exit 2
      ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config
  help2man  # the man page, made at build time
  libboost-graph-dev
  libeigen3-dev
  libyaml-cpp-dev
  libcli11-dev
  nlohmann-json3-dev
  libfmt-dev
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libsimgrid-dev  # network fidelity
  libssl-dev  # SHA-256 of the files a Monte Carlo shard read
  chromium fonts-dejavu-core fonts-liberation  # the browser test of the HTML reports
  python3  # the CLI test reads JSON outputs with it
  graphviz  # the CLI test renders analyze --dot with Graphviz's dot
  groff-base  # the CLI test renders the man page
  python3-jsonschema python3-yaml  # the schema test validates every fixture
  prometheus  # promtool checks the --prom metrics
  pybind11-dev python3-dev  # the faultline Python module
  libopenmpi-dev openmpi-bin  # mpirun faultline simulate: runs spread over ranks
)
if [ "$sanitize" -eq 1 ]; then
  # clang-14 is Debian 12's clang; libclang-rt-14-dev holds the ASan, UBSan
  # and libFuzzer runtimes; llvm-14 holds llvm-symbolizer.
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
