#!/usr/bin/env bash
# Set up, build (Release) and replay the shipped Webex 2018 scenario:
# prints the timeline and writes the report out/webex-2018/ (index.html,
# summary.md, timeline.csv, result.json).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release -j2
build/release/tools/faultline replay scenarios/webex-2018-09-25.yaml --report out/webex-2018
