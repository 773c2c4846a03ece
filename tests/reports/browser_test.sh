#!/usr/bin/env bash
# Opens reports in headless Chromium and checks the rendered DOM: every chart
# present, drawn and carrying data, nothing wider than 1280 px, labels
# readable, and input text shown as text (nothing it holds runs or becomes
# markup). Leaves a screenshot of each page and of each chart in SHOTS_DIR,
# and the replay page printed to PDF.
# Usage: browser_test.sh FAULTLINE_BINARY SOURCE_DIR SHOTS_DIR
set -u
faultline=$1
source_dir=$2
shots=$3
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "FAIL chromium is not installed; tools/setup.sh installs Debian's chromium"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
cd "$source_dir"

chromium_run() {
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --mute-audio \
    --no-first-run --user-data-dir="$work/profile" "$@" 2>/dev/null
}

# check_report NAME DIR "CHART IDS" 'JSON ARRAY OF LITERALS'
check_report() {
  local name=$1 dir=$2 charts=$3 literals=$4
  local page=$work/$name.html
  # The check is a script, which the page's policy rightly forbids: the copy
  # drops the policy line and adds the check before </body>.
  {
    sed -e '/Content-Security-Policy/d' -e '/<\/body>/,$d' "$dir/index.html"
    printf "<script data-charts=\"%s\" data-literals='%s'>\n" "$charts" "$literals"
    cat "$source_dir/tests/reports/dom_check.js"
    printf '</script>\n</body>\n</html>\n'
  } >"$page"
  chromium_run --window-size=1280,900 --dump-dom "file://$page" >"$work/$name.dom"
  local results
  results=$(sed -n '/<pre id="faultline-check">/,/<\/pre>/p' "$work/$name.dom")
  if [ -z "$results" ]; then
    echo "FAIL $name: the check did not run"
    failures=$((failures + 1))
    return
  fi
  local ok notok
  ok=$(grep -c '^ok ' <<<"$results")
  notok=$(grep -c '^not ok ' <<<"$results")
  grep '^not ok ' <<<"$results" | sed "s/^/FAIL $name: /"
  passes=$((passes + ok))
  failures=$((failures + notok))

  mkdir -p "$shots/$name"
  local height
  height=$(sed -n 's/^height \([0-9]*\)$/\1/p' <<<"$results")
  chromium_run --window-size="1280,${height:-2000}" --screenshot="$shots/$name/page.png" \
    "file://$dir/index.html" >/dev/null
  while read -r _ id figure_height; do
    # Only this chart, as a reader scrolled to it would see it.
    sed -e "s|</style>|body > * { display: none !important; } body > #chart-$id { display: block !important; }</style>|" \
      "$dir/index.html" >"$work/$name-$id.html"
    chromium_run --window-size="1280,$((figure_height + 60))" \
      --screenshot="$shots/$name/$id.png" "file://$work/$name-$id.html" >/dev/null
  done < <(grep '^figure ' <<<"$results")
}

webex=scenarios/webex-2018-09-25.yaml
"$faultline" replay "$webex" --report "$work/replay" >/dev/null 2>&1
check_report replay "$work/replay" "affected-users status gantt crew-busy milestones" '[]'
# Printed, as for a review: the print style sheet applies and every chart
# lands in the PDF.
chromium_run --no-pdf-header-footer --print-to-pdf="$shots/replay/page.pdf" \
  "file://$work/replay/index.html" >/dev/null
pages=$(grep -a -o '/Count [0-9]*' "$shots/replay/page.pdf" 2>/dev/null | head -n 1 | cut -d' ' -f2)
if head -c 5 "$shots/replay/page.pdf" 2>/dev/null | grep -q '%PDF-' && [ "${pages:-0}" -ge 3 ]; then
  passes=$((passes + 1))
else
  echo "FAIL replay: printing to PDF gave no document of 3 pages or more"
  failures=$((failures + 1))
fi
"$faultline" simulate "$webex" --runs 500 --threads 2 --quiet --report "$work/simulate" \
  >/dev/null 2>&1
check_report simulate "$work/simulate" "affected-users tenant-users-back downtime crew-busy milestones" '[]'
"$faultline" compare "$webex" --strategy as-written --strategy most-users-first \
  --strategy critical-path --runs 300 --threads 2 --report "$work/compare" >/dev/null 2>&1
check_report compare "$work/compare" "differences means affected-users" '[]'

"$faultline" replay "$webex" --fidelity network --report "$work/network" >/dev/null 2>&1
check_report network "$work/network" \
  "affected-users status gantt crew-busy request-success request-latency milestones" '[]'
hostile=tests/reports/fixtures/hostile.yaml
"$faultline" replay "$hostile" --report "$work/hostile" >/dev/null 2>&1
check_report hostile "$work/hostile" "affected-users status gantt crew-busy milestones" \
  '["<script>window.pwned=1</script>", "=HYPERLINK(\"http://example.invalid\",\"click\")", "<b>crew</b>", "Restore <em>it</em>"]'
"$faultline" simulate "$hostile" --runs 50 --quiet --report "$work/hostile-simulate" \
  >/dev/null 2>&1
check_report hostile-simulate "$work/hostile-simulate" \
  "affected-users downtime crew-busy milestones" '["<script>window.pwned=1</script>"]'

echo "browser: $passes passed, $failures failed; screenshots in $shots"
[ "$failures" -eq 0 ]
