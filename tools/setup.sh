#!/usr/bin/env bash
# Installs every Debian package Faultline needs to build and test.
# Idempotent: asks apt only for what is missing, and refreshes the package
# lists only when something is.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
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
  chromium fonts-dejavu-core fonts-liberation  # the browser test of the HTML reports
)

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
