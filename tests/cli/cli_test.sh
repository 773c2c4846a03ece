#!/usr/bin/env bash
# The command line's promises: exit codes, nothing written for bad input,
# byte-identical output for the same input.
# Usage: cli_test.sh FAULTLINE_BINARY SOURCE_DIR
set -u
faultline=$1
source_dir=$2
fixtures=$source_dir/tests/loader/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=checks.sh
source "$(dirname "$0")/checks.sh"

cd "$source_dir"

expect_exit 0 "validate accepts the shipped files" \
  "$faultline" validate topologies/webex-2018.yaml scenarios/webex-2018-09-25.yaml \
  scenarios/webex-dc-us-loss.yaml topologies/saas-tenants.yaml scenarios/mass-deletion.yaml
expect_exit 2 "validate rejects a broken file among good ones" \
  "$faultline" validate topologies/webex-2018.yaml "$fixtures/unknown_key.yaml"
check "validate prints the diagnostic with its location" \
  grep -q "unknown_key.yaml:5:5: error: unknown key 'deploymnets'" "$work/stderr"

expect_exit 2 "replay of an invalid scenario" \
  "$faultline" replay "$fixtures/runbook_cycle.yaml" --json "$work/bad.json"
check "nothing written for invalid input" test ! -e "$work/bad.json"

echo '{"old": true}' >"$work/kept.json"
expect_exit 2 "replay of an empty file" "$faultline" replay "$fixtures/empty.yaml" --json "$work/kept.json"
check "an earlier result is left as it was" grep -q '"old": true' "$work/kept.json"

expect_exit 2 "analyze of a binary file" "$faultline" analyze "$fixtures/binary.yaml"

# A run that goes on past what its users' loss can be counted for: see
# the fixtures' comments.
countable=tests/replay/fixtures/countable
expect_exit 2 "a simulation whose runs outlast what can be counted" \
  "$faultline" simulate "$countable/slow_rebuild.yaml" --runs 4 --threads 2 --json "$work/uncountable.json"
check "says how far it went and what horizon to give" grep -q \
  "faultline: error: a run went on to T0+40d, past T0+35d14h57s345ms: .* give the scenario a horizon of at most 35d14h57s345ms" \
  "$work/stderr"
check "and writes nothing" test ! -e "$work/uncountable.json"
expect_exit 0 "the same with that horizon" \
  "$faultline" simulate "$countable/slow_rebuild_within.yaml" --runs 4 --threads 2 --json "$work/countable.json"
# A study without a horizon runs its nominal run once, to span its sampling
# grid over twice its length; it used to replay it, keeping a timeline line
# per event. Here db's fix fails all but once in a billion and is retried
# every 10 s (an attempt and a delay of 5 s each) up to the default 30 days:
# some 259,000 attempts, whose timeline took it past 150 MB of address
# space; the study itself needs some 80. (Not under ASan, which reserves
# terabytes of address space.) Written here, as every scenario under tests/
# is also replayed by the RunParts tests, timeline and all.
mkdir -p "$work/retried"
cp tests/monte_carlo/fixtures/estate.yaml "$work/retried/"
cat >"$work/retried/scenario.yaml" <<'YAML'
topology: estate.yaml
start: "2024-01-01 00:00"
time_zone: UTC
faults:
  - {id: db-lost, at: T0, kind: outage, service: db}
runbook:
  - {id: fix, action: restore, service: db, duration: 5s, success: 0.000000001,
     retries: unlimited, retry_delay: 5s}
YAML
if [ -z "${ASAN_OPTIONS-}" ]; then
  expect_exit 0 "a study of a step retried for a month, within 150 MB" \
    bash -c 'ulimit -v 150000 && exec "$@"' limited \
    "$faultline" simulate "$work/retried/scenario.yaml" --runs 1 --threads 1
fi
# A deployment that falls over a millisecond after it passes its threshold
# and restarts a millisecond later, for two hours: millions of timeline
# entries, more than 1 GB of address space gives.
mkdir -p "$work/crash_loop"
cat >"$work/crash_loop/estate.yaml" <<'YAML'
regions: [{id: a}, {id: b}]
services:
  - id: web
    redundancy: active-active
    overload: {threshold: 1.2, after: 1ms, restarts_after: 1ms}
    deployments:
      - {region: a, instances: 10, capacity: 1000}
      - {region: b, instances: 10, capacity: 1000}
user_groups:
  - {id: everyone, users: 1500, region: a, time_zone: UTC, activity: always, uses: [web]}
YAML
cat >"$work/crash_loop/scenario.yaml" <<'YAML'
topology: estate.yaml
start: "2024-01-10 09:00"
time_zone: UTC
horizon: 2h
faults:
  - {id: a-lost, at: T0, kind: delete-instances, region: a}
runbook:
  - {id: rebuild-a, action: rebuild, region: a, duration: 2h}
YAML
if [ -z "${ASAN_OPTIONS-}" ]; then
  expect_exit 1 "a replay whose timeline outgrows memory" \
    bash -c 'ulimit -v 1000000 && exec "$@"' limited \
    "$faultline" replay "$work/crash_loop/scenario.yaml" --json "$work/crash_loop.json"
  check "says so, and what most often takes it" grep -q \
    "faultline: out of memory .* A replay keeps every entry of its timeline" "$work/stderr"
  check "and writes nothing" test ! -e "$work/crash_loop.json"
fi
expect_exit 2 "a step retried without limit at one instant" \
  "$faultline" replay tests/loader/fixtures/retries_at_one_instant.yaml --json "$work/instant.json"
check "is refused where it says so, and why" grep -q \
  "retries_at_one_instant.yaml:12:64: error: retries of step 'a' are unlimited, but neither an attempt nor the retry_delay takes any time" \
  "$work/stderr"
check "and nothing is written" test ! -e "$work/instant.json"
expect_exit 2 "a horizon longer than the users can be counted for" \
  "$faultline" replay "$countable/long_horizon.yaml"
check "is refused where it is written" grep -q "long_horizon.yaml:9:10: error: a horizon of 100d is too long" "$work/stderr"
expect_exit 2 "an unknown subcommand" "$faultline" frobnicate
expect_exit 2 "a missing argument" "$faultline" replay
expect_exit 0 "help" "$faultline" --help

expect_exit 0 "replay of the Webex scenario" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --json "$work/a.json"
check "the replay prints the timeline" grep -q "FAULT  vm-deletion: 456 instances deleted" "$work/stdout"
expect_exit 0 "a second replay" "$faultline" replay scenarios/webex-2018-09-25.yaml --json "$work/b.json"
check "two replays write byte-identical JSON" cmp -s "$work/a.json" "$work/b.json"
check "the JSON carries its schema version" grep -q '"schema_version": 11' "$work/a.json"
check "and the version of Faultline that made it" grep -q \
  "\"faultline_version\": \"$("$faultline" --version | cut -d' ' -f2)\"" "$work/a.json"

expect_exit 0 "the mass-deletion example replays" "$faultline" replay scenarios/mass-deletion.yaml
check "it deletes 300 of the 2000 organisations" \
  grep -q "FAULT  cleanup-script: 300 of 2000 tenants lose tenant-store (35,109 users)" "$work/stdout"
check "the replay prints the tenants out over time" grep -q "^Tenants out" "$work/stdout"
expect_exit 0 "the mass-deletion example simulates by day on 1 thread" "$faultline" simulate \
  scenarios/mass-deletion.yaml --runs 400 --threads 1 --sample-every 1d --json "$work/deletion-1.json"
check "its report gives the share of users back each day" \
  grep -q "^tenants' users back (of the most out at once in each run, from then on)" "$work/stdout"
expect_exit 0 "the mass-deletion example simulates by day on 2 threads" "$faultline" simulate \
  scenarios/mass-deletion.yaml --runs 400 --threads 2 --sample-every 1d --json "$work/deletion-2.json"
check "the daily curve is byte-identical for 1 and 2 threads" \
  cmp -s "$work/deletion-1.json" "$work/deletion-2.json"
check "the JSON has one point a day over the 14-day horizon" \
  test "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tenant_users_back_over_time"]))' "$work/deletion-1.json")" = 15
expect_exit 0 "the mass deletion replays at state fidelity" "$faultline" replay \
  scenarios/mass-deletion.yaml
grep "^  all users " "$work/stdout" >"$work/deletion-state-users"
expect_exit 0 "and at network fidelity" "$faultline" replay \
  scenarios/mass-deletion.yaml --fidelity network
check "where its tenants' users are cut off as at state fidelity (the estate carries its load)" \
  diff <(grep "^  all users " "$work/stdout") "$work/deletion-state-users"

degradation=tests/replay/fixtures/degradation
expect_exit 0 "packet loss at a boundary replays" "$faultline" replay "$degradation/cascade.yaml"
check "the lossy region's deployment fails its health check" \
  grep -q "CHECK  api@east: health check fails (probes lose 20%): out of rotation" "$work/stdout"
check "and the other region falls over under the load it takes" \
  grep -q "CRASH  api@west: fell over under load" "$work/stdout"
expect_exit 2 "network fidelity refuses a degradation" "$faultline" replay \
  "$degradation/deep.yaml" --fidelity network
check "and says why" grep -q "is a degradation, which network fidelity does not model" \
  "$work/stderr"
expect_exit 2 "a degradation that degrades nothing is refused" "$faultline" validate \
  "$degradation/bad_degradation.yaml"
check "with its place in the file" \
  grep -q "bad_degradation.yaml:6:5: error: fault 'nothing' degrades nothing" "$work/stderr"

expect_exit 0 "analyze of the Webex topology" \
  "$faultline" analyze topologies/webex-2018.yaml --json "$work/analysis.json"
expect_exit 0 "the what-if replays" "$faultline" replay scenarios/webex-dc-us-loss.yaml
check "losing North America topples Europe's meeting servers" \
  grep -q "CRASH  meetings@webex-dc-eu: fell over under load" "$work/stdout"
check "calling fails over to Europe" \
  grep -q "SWITCH calling: now serving from calling@webex-dc-eu" "$work/stdout"
expect_exit 0 "the what-if simulates on 1 thread" "$faultline" simulate \
  scenarios/webex-dc-us-loss.yaml --runs 300 --threads 1 --json "$work/what-if-1.json"
expect_exit 0 "the what-if simulates on 2 threads" "$faultline" simulate \
  scenarios/webex-dc-us-loss.yaml --runs 300 --threads 2 --json "$work/what-if-2.json"
check "failovers and overloads are byte-identical for 1 and 2 threads" \
  cmp -s "$work/what-if-1.json" "$work/what-if-2.json"

network="$source_dir/tests/network/fixtures"
expect_exit 0 "a replay at network fidelity" \
  "$faultline" replay "$network/thin_wan.yaml" --fidelity network --window 10m --json "$work/net-a.json"
check "it prints the request metrics" grep -q "Requests at network fidelity (windows of 10m" "$work/stdout"
check "its JSON says so" grep -q '"fidelity": "network"' "$work/net-a.json"
expect_exit 0 "a second one" \
  "$faultline" replay "$network/thin_wan.yaml" --fidelity network --window 10m --json "$work/net-b.json"
check "two network replays write byte-identical JSON" cmp -s "$work/net-a.json" "$work/net-b.json"
check "and that the platform carries its load with nothing failed" \
  grep -q "^Baseline  With nothing failed, every service served at least 99%" "$work/stdout"
# Ctrl-C reaches the whole process group, SimGrid's child included, which
# used to end without an answer ('internal error', exit 1): the child lets
# the parent act, which finishes the replay under way, writes it whole and
# exits 130. Sent a second in, of some 8 s at 100 ms steps.
interrupt_group_after() {  # interrupt_group_after SECONDS COMMAND...: its exit code
  local seconds=$1
  shift
  setsid "$@" >"$work/stdout" 2>"$work/stderr" &
  local pid=$!
  sleep "$seconds"
  kill -INT -- "-$pid"
  wait "$pid"
}
expect_exit 130 "Ctrl-C during a network replay" interrupt_group_after 1 \
  "$faultline" replay "$network/thin_wan.yaml" --fidelity network --step 100ms --json "$work/net-int.json"
check "writes the replay whole" python3 -c \
  "import json, sys; sys.exit(0 if json.load(open('$work/net-int.json'))['fidelity'] == 'network' else 1)"
expect_exit 0 "a network replay of an estate too small for its load" \
  "$faultline" replay "$network/short_baseline.yaml" --fidelity network
check "warns on standard error" \
  grep -q "warning: with nothing failed, the platform does not carry its load" "$work/stderr"
check "and first thing in its output" \
  sh -c "head -n 1 '$work/stdout' | grep -q '^WARNING   With nothing failed, 2 of the services'"
expect_exit 0 "a network simulation of it" \
  "$faultline" simulate "$network/short_baseline.yaml" --fidelity network --runs 2 \
  --json "$work/short-sim.json"
check "has the baseline in its JSON" grep -q '"healthy": false' "$work/short-sim.json"
expect_exit 2 "an unknown fidelity" "$faultline" replay "$network/thin_wan.yaml" --fidelity packet
expect_exit 2 "a step that is no duration" \
  "$faultline" replay "$network/thin_wan.yaml" --fidelity network --step soon --json "$work/net-c.json"
check "says what a step looks like" grep -q "such as 1h, 15m or 1s, found 'soon'" "$work/stderr"
check "and writes nothing" test ! -e "$work/net-c.json"
expect_exit 2 "a window shorter than a step" \
  "$faultline" replay "$network/thin_wan.yaml" --fidelity network --step 10m --window 1m
check "says which must be longer" grep -q "must be at least --step (10m)" "$work/stderr"
# The Webex replay lasts 14 days: a 1 ms step would make 1.2e9 steps.
expect_exit 2 "a step too fine for the run" "$faultline" replay scenarios/webex-2018-09-25.yaml \
  --fidelity network --step 1ms --window 1h --json "$work/net-d.json"
check "says how many steps it would make" \
  grep -q "makes 1209600000 steps, more than the 50000000 a network run takes" "$work/stderr"
check "and writes nothing" test ! -e "$work/net-d.json"
for threads in 1 2; do
  expect_exit 0 "a simulation at network fidelity on $threads thread(s)" \
    "$faultline" simulate "$network/thin_wan.yaml" --fidelity network --runs 5 --threads "$threads" \
    --json "$work/net-sim-$threads.json"
done
check "is byte-identical for 1 and 2 threads" cmp -s "$work/net-sim-1.json" "$work/net-sim-2.json"
check "and says at which fidelity" grep -q '"fidelity": "network"' "$work/net-sim-1.json"
expect_exit 0 "a network simulation's report" "$faultline" simulate "$network/thin_wan.yaml" \
  --fidelity network --runs 2 --report "$work/net-sim-report"
check "its summary says at which fidelity" \
  grep -q "Monte Carlo, 2 runs, seed 1, at network fidelity" "$work/net-sim-report/summary.md"
expect_exit 2 "a confidence target at network fidelity" \
  "$faultline" simulate "$network/thin_wan.yaml" --fidelity network --until-ci 0.05
check "asks for a number of runs instead" grep -q "give the number of runs" "$work/stderr"
expect_exit 0 "replay takes a strategy" "$faultline" replay scenarios/webex-2018-09-25.yaml \
  --strategy weighted-shortest-first --json "$work/wspt.json"
check "the strategy is in the JSON" grep -q '"strategy": "weighted-shortest-first"' "$work/wspt.json"
expect_exit 2 "an unknown strategy is bad input" "$faultline" simulate \
  scenarios/webex-2018-09-25.yaml --strategy fastest --runs 10 --json "$work/none-strategy.json"
check "the unknown strategy is named with the choices" \
  grep -q "unknown --strategy 'fastest'; expected one of as-written" "$work/stderr"
check "nothing written for an unknown strategy" test ! -e "$work/none-strategy.json"
for command in replay simulate; do
  expect_exit 2 "$command refuses --strategy priority for a scenario without a priority list" \
    "$faultline" $command "$fixtures/good_scenario.yaml" --strategy priority --json "$work/none-priority.json"
  check "$command says the list is missing" grep -q "good_scenario.yaml: --strategy priority: the priority strategy follows the scenario.s .priority. list" "$work/stderr"
  check "$command wrote nothing without the list" test ! -e "$work/none-priority.json"
done
expect_exit 2 "compare refuses --strategy priority without a priority list" "$faultline" compare \
  "$fixtures/good_scenario.yaml" --strategy priority --strategy as-written --runs 10
expect_exit 0 "compare runs strategies on one scenario" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy as-written --strategy weighted-shortest-first \
  --runs 200 --threads 1 --json "$work/compare-1.json"
check "compare ranks the variants" grep -q "Ranking by mean user-hours lost" "$work/stdout"
expect_exit 0 "compare on 2 threads" "$faultline" compare scenarios/webex-2018-09-25.yaml \
  --strategy as-written --strategy weighted-shortest-first --runs 200 --threads 2 \
  --json "$work/compare-2.json"
check "compare writes byte-identical JSON for 1 and 2 threads" \
  cmp -s "$work/compare-1.json" "$work/compare-2.json"
expect_exit 0 "compare judges every pair of three strategies" "$faultline" compare \
  tests/runbook/fixtures/three_jobs_uncertain.yaml --strategy as-written \
  --strategy shortest-first --strategy weighted-shortest-first --runs 300 \
  --json "$work/compare-3.json" --report "$work/compare-3"
check "with Holm's correction in the text" grep -q "adjusted by Holm's method over the 3 pairs" \
  "$work/stdout"
check "and the JSON: three pairs for each of three metrics" python3 -c '
import json, sys
pairs = json.load(open(sys.argv[1]))["pairs"]
assert len(pairs) == 9, len(pairs)
assert all(p["p_holm"] >= p["p_value"] for p in pairs)
assert {(p["a"], p["b"]) for p in pairs} == {("as-written", "shortest-first"),
  ("as-written", "weighted-shortest-first"), ("shortest-first", "weighted-shortest-first")}' \
  "$work/compare-3.json"
expect_exit 0 "compare takes two scenarios" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml scenarios/webex-dc-us-loss.yaml --runs 50
expect_exit 2 "compare needs two variants" "$faultline" compare scenarios/webex-2018-09-25.yaml \
  --strategy as-written --json "$work/none-compare.json"
check "compare says what it needs" grep -q "two --strategy or more, or two scenarios" "$work/stderr"
check "nothing written for a one-variant compare" test ! -e "$work/none-compare.json"
expect_exit 2 "compare rejects two scenarios under two strategies" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml scenarios/webex-dc-us-loss.yaml --strategy as-written \
  --strategy critical-path --runs 10
check "analyze writes JSON" grep -q '"blast_radius"' "$work/analysis.json"
expect_exit 0 "analyze with lists of one" "$faultline" analyze tests/graph/fixtures/layered.yaml \
  --list-limit 1 --json "$work/listed.json"
check "the text counts what it does not list" \
  grep -q "^  db  *3  *1,000  auth and 2 more$" "$work/stdout"
expect_exit 0 "analyze with no lists" "$faultline" analyze tests/graph/fixtures/layered.yaml \
  --list-limit 0
check "says how many it did not list" grep -q "^  db  *3  *1,000  3 not listed$" "$work/stdout"
check "and so does the JSON" python3 -c '
import json, sys
db = json.load(open(sys.argv[1]))["blast_radius"][1]
assert db["services_lost_count"] == 3 and db["services_lost"] == ["auth"], db' "$work/listed.json"
expect_exit 0 "analyze of a service down at its peak with nothing lost" \
  "$faultline" analyze tests/graph/fixtures/down_at_peak.yaml --json "$work/down-at-peak.json"
check "a WARNING names it" grep -q "^WARNING: in major outage at the busiest hour .*: small\." \
  "$work/stdout"
check "and so does the JSON, beside no single point of failure" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert a["down_at_peak"] == ["small"], a["down_at_peak"]
assert a["single_points_of_failure"][0]["spofs"] == [], a["single_points_of_failure"]' \
  "$work/down-at-peak.json"
expect_exit 2 "analyze with a negative list limit, which listed everything" \
  "$faultline" analyze tests/graph/fixtures/layered.yaml --list-limit=-100
check "says which option and what it takes" grep -q -- "--list-limit: Value -100 not in range" \
  "$work/stderr"

# The service graph for other tools: Graphviz renders the DOT, and the
# GraphML holds one node per service and one edge per dependency.
expect_exit 0 "analyze writes the graph as DOT and GraphML" "$faultline" analyze \
  topologies/webex-2018.yaml --json "$work/webex-analysis.json" --dot "$work/webex.dot" \
  --graphml "$work/webex.graphml"
check "Graphviz renders the DOT" dot -Tsvg "$work/webex.dot" -o "$work/webex.svg"
check "the drawing names the services" grep -q '<title>room&#45;history</title>' "$work/webex.svg"
check "the GraphML has every service and dependency" python3 -c '
import json, sys, xml.etree.ElementTree as ET
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
graph = ET.parse(sys.argv[1]).getroot().find("g:graph", ns)
analysis = json.load(open(sys.argv[2]))
services = len(analysis["blast_radius"])
nodes, edges = graph.findall("g:node", ns), graph.findall("g:edge", ns)
assert len(nodes) == services, (len(nodes), services)
assert len(edges) > services / 2, len(edges)' "$work/webex.graphml" "$work/webex-analysis.json"
check "soft dependencies are dashed" grep -q 'kind=soft, style=dashed' "$work/webex.dot"
expect_exit 0 "the DOT can go to standard output" "$faultline" analyze \
  tests/graph/fixtures/layered.yaml --dot -
check "with the text for people on standard error" grep -q '^digraph G {$' "$work/stdout"
check "and the analysis there" grep -q '^Blast radius' "$work/stderr"
expect_exit 2 "two outputs cannot both take standard output" "$faultline" analyze \
  tests/graph/fixtures/layered.yaml --dot - --graphml - --json "$work/two-stdout.json"
check "and nothing is written then" test ! -e "$work/two-stdout.json"
expect_exit 1 "an unwritable DOT path" "$faultline" analyze tests/graph/fixtures/layered.yaml \
  --dot /proc/faultline/graph.dot --graphml "$work/still.graphml"
check "the other outputs are still written" grep -q '<graphml' "$work/still.graphml"

expect_exit 0 "schema prints the topology format's JSON Schema" "$faultline" schema topology
check "the schema the shipped topologies name" cmp -s "$work/stdout" schemas/topology.schema.json
expect_exit 0 "and the scenario format's" "$faultline" schema scenario
check "the schema the shipped scenarios name" cmp -s "$work/stdout" schemas/scenario.schema.json
check "every shipped file names its schema for yaml-language-server" bash -c '
  for f in topologies/*.yaml; do head -1 "$f" | grep -qx "# yaml-language-server: \$schema=../schemas/topology.schema.json" || exit 1; done
  for f in scenarios/*.yaml; do head -1 "$f" | grep -qx "# yaml-language-server: \$schema=../schemas/scenario.schema.json" || exit 1; done'
expect_exit 2 "schema of a format that does not exist" "$faultline" schema runbook
check "names the formats there are" grep -q "topology,scenario" "$work/stderr"

expect_exit 0 "replay writes the runbook's step graph" "$faultline" replay \
  scenarios/webex-2018-09-25.yaml --dot "$work/runbook.dot" --graphml "$work/runbook.graphml"
check "which Graphviz draws" dot -Tsvg "$work/runbook.dot" -o "$work/runbook.svg"
check "with a node per runbook step, the critical path in red" python3 -c '
import re, sys, yaml
steps = yaml.safe_load(open(sys.argv[2]))["runbook"]
dot = open(sys.argv[1]).read()
nodes = re.findall(r"^\S+ \[action=", dot, re.M)
assert len(nodes) == len(steps), (len(nodes), len(steps))
assert "color=red" in dot' "$work/runbook.dot" scenarios/webex-2018-09-25.yaml
check "and the GraphML is XML with the same steps" python3 -c '
import sys, xml.etree.ElementTree as ET
g = ET.parse(sys.argv[1]).getroot()
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
assert len(g.findall(".//g:node", ns)) > 5' "$work/runbook.graphml"
expect_exit 0 "the runbook graph on standard output" "$faultline" replay \
  tests/runbook/fixtures/semantics/gate.yaml --dot -
check "is the DOT alone" grep -q '^digraph G {$' "$work/stdout"
check "with the replay's text on standard error" grep -q 'Timeline' "$work/stderr"
expect_exit 2 "replay refuses two outputs on standard output" "$faultline" replay \
  tests/runbook/fixtures/semantics/gate.yaml --json - --graphml -

# Found by a helper: a --json naming the topology overwrote it, and two
# outputs naming one file kept only the last written. Both are refused
# before anything runs, and nothing is written.
mkdir -p "$work/clash"
cp tests/runbook/fixtures/semantics/gate.yaml "$work/clash/"
cp tests/runbook/fixtures/semantics/$(sed -n 's/^topology: //p' tests/runbook/fixtures/semantics/gate.yaml) \
  "$work/clash/"
clash_topology=$work/clash/$(sed -n 's/^topology: //p' "$work/clash/gate.yaml")
cp "$clash_topology" "$work/clash/topology.before"
expect_exit 2 "simulate refuses a --json that is its scenario's topology" "$faultline" simulate \
  "$work/clash/gate.yaml" --runs 3 --json "$clash_topology"
check "says so" grep -q "the topology .* is also named as an output of this command" "$work/stderr"
check "and leaves the topology as it was" cmp -s "$clash_topology" "$work/clash/topology.before"
expect_exit 2 "replay refuses a --prom that is its scenario" "$faultline" replay \
  "$work/clash/gate.yaml" --prom "$work/clash/./gate.yaml"
check "naming the input" grep -q "is .*gate.yaml, an input of this command" "$work/stderr"
expect_exit 2 "simulate refuses --json and --prom naming one file" "$faultline" simulate \
  "$work/clash/gate.yaml" --runs 3 --json "$work/clash/o.json" --prom "$work/clash/o.json"
check "says so" grep -q "two outputs name .*o.json" "$work/stderr"
check "and writes neither" test ! -e "$work/clash/o.json"
# Found by a helper: the same runbook ranked first, "significantly", with a
# horizon of 1h that ended its runs with users still out. Refused, with
# nothing written.
{ cat "$work/clash/gate.yaml"; echo "horizon: 1h"; } >"$work/clash/gate-1h.yaml"
expect_exit 2 "compare refuses user-hours counted over different times" "$faultline" compare \
  "$work/clash/gate.yaml" "$work/clash/gate-1h.yaml" --runs 5 --json "$work/clash/c.json"
check "says which variant ended its runs early" grep -q \
  "gate-1h.yaml' ended 5 of its 5 runs with users still cut off at T0+1h" "$work/stderr"
check "and writes nothing" test ! -e "$work/clash/c.json"
expect_exit 2 "export refuses an --out that is its scenario" "$faultline" export chaostoolkit \
  "$work/clash/gate.yaml" --out "$work/clash/gate.yaml"
check "and leaves the scenario as it was" cmp -s "$work/clash/gate.yaml" \
  tests/runbook/fixtures/semantics/gate.yaml

# --prom: Prometheus's text exposition format, which promtool parses and lints
# (HELP and TYPE lines, base units, counters' _total, reserved suffixes).
expect_exit 0 "replay writes its figures as Prometheus metrics" "$faultline" replay \
  scenarios/webex-2018-09-25.yaml --prom "$work/replay.prom"
check "which promtool accepts" bash -c 'promtool check metrics < "$1"' _ "$work/replay.prom"
check "with the user-seconds the replay lost" python3 -c '
import json, re, subprocess, sys
lost = json.loads(subprocess.run([sys.argv[1], "replay", sys.argv[2], "--json", "-"],
    capture_output=True, check=True).stdout)["overall"]["user_hours_lost"]
prom = open(sys.argv[3]).read()
value = float(re.search(r"^faultline_replay_lost_user_seconds\{[^}]*\} (\S+)$", prom, re.M).group(1))
assert abs(value - lost * 3600) < 1e-6 * value, (value, lost)' \
  "$faultline" scenarios/webex-2018-09-25.yaml "$work/replay.prom"
expect_exit 0 "simulate writes summaries with quantiles" "$faultline" simulate \
  scenarios/webex-2018-09-25.yaml --runs 200 -q --prom "$work/simulate.prom"
check "which promtool accepts" bash -c 'promtool check metrics < "$1"' _ "$work/simulate.prom"
check "a summary of the user-seconds lost over 200 runs" grep -q \
  '^faultline_simulation_lost_user_seconds_count{scenario="Webex outage of 25 September 2018"} 200$' \
  "$work/simulate.prom"
expect_exit 0 "compare writes each pair's difference" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy as-written --strategy critical-path --runs 50 \
  --prom - --json "$work/compare.json"
check "to standard output, which promtool accepts" bash -c 'promtool check metrics < "$1"' _ \
  "$work/stdout"
check "with the text for people on standard error" grep -q "critical-path" "$work/stderr"
check "and whether the pair differs significantly" grep -q \
  '^faultline_compare_significant{a="as-written",b="critical-path",metric="lost_user_seconds"} [01]$' \
  "$work/stdout"
expect_exit 0 "hostile names in metrics" "$faultline" replay tests/reports/fixtures/hostile.yaml \
  --prom "$work/hostile.prom"
check "are escaped so that promtool reads them" bash -c 'promtool check metrics < "$1"' _ \
  "$work/hostile.prom"
expect_exit 2 "simulate refuses two outputs on standard output" "$faultline" simulate \
  scenarios/webex-2018-09-25.yaml --runs 10 --json - --prom - --per-run "$work/none.csv"
check "and writes nothing" test ! -e "$work/none.csv"
expect_exit 1 "an unwritable metrics file" "$faultline" replay scenarios/webex-2018-09-25.yaml \
  --prom /proc/faultline/metrics.prom --json "$work/still.json"
check "does not stop the JSON" test -s "$work/still.json"

# import: a Backstage catalog in as a topology, traced calls against one.
expect_exit 0 "import backstage writes a topology" "$faultline" import backstage \
  tests/imports/fixtures/catalog-info.yaml --out "$work/shop.yaml"
check "which validate accepts" "$faultline" validate "$work/shop.yaml"
check "the one golden file holds" cmp -s "$work/shop.yaml" tests/golden/shop-topology.yaml
check "and standard error names each placeholder" \
  grep -q "PLACEHOLDER: region 'unplaced' holds payments, payments-db, fraud-check" "$work/stderr"
expect_exit 0 "the imported shop replays" "$faultline" analyze "$work/shop.yaml"
expect_exit 0 "import backstage reads standard input" "$faultline" import backstage - \
  < tests/imports/fixtures/no-users.yaml
check "and writes to standard output" grep -q "^  - id: front-users$" "$work/stdout"
expect_exit 2 "a catalog with mistakes" "$faultline" import backstage \
  tests/imports/fixtures/bad-catalog.yaml --out "$work/never.yaml"
check "says each where it is" grep -q "bad-catalog.yaml:34:30: error: unknown redundancy" \
  "$work/stderr"
check "and writes nothing" test ! -e "$work/never.yaml"
expect_exit 1 "import deps exits 1 on drift" "$faultline" import deps \
  tests/imports/fixtures/jaeger.json --topology tests/imports/fixtures/traced.yaml \
  --json "$work/drift.json"
check "naming the call the topology does not declare" grep -q "^  web -> db  (2 calls)$" \
  "$work/stdout"
check "and the JSON says so too" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["drifted"] and d["undeclared"] == [{"client": "web", "server": "db", "calls": 2}], d
assert d["unknown_services"] == ["search"], d' "$work/drift.json"
expect_exit 1 "the service graph's metrics give the same drift" "$faultline" import deps \
  tests/imports/fixtures/service-graph.prom --topology tests/imports/fixtures/traced.yaml
expect_exit 0 "import deps exits 0 without drift" "$faultline" import deps \
  tests/imports/fixtures/zipkin.json --topology tests/imports/fixtures/traced.yaml
check "and says so" grep -q "^no drift: " "$work/stdout"
expect_exit 2 "bad links are bad input" "$faultline" import deps \
  tests/imports/fixtures/bad-labels.prom --topology tests/imports/fixtures/traced.yaml
check "said where they are" grep -q "bad-labels.prom:3:61: error:" "$work/stderr"
expect_exit 2 "import needs what to import" "$faultline" import

# export: the formats' rules are checked by tests/exports/check_experiments.py,
# which must also refuse what breaks them.
check_experiment="python3 tests/exports/check_experiments.py"
expect_exit 0 "export chaostoolkit of the Webex scenario" "$faultline" export chaostoolkit \
  scenarios/webex-2018-09-25.yaml --out "$work/webex-ctk.json"
check "is a Chaos Toolkit experiment" $check_experiment chaostoolkit "$work/webex-ctk.json"
check "with the scenario's faults and a rollback per step the replay started" python3 -c '
import json, sys, yaml
e = json.load(open(sys.argv[1])); s = yaml.safe_load(open(sys.argv[2]))
assert [a["name"] for a in e["method"]] == [f["id"] for f in s["faults"]], e["method"]
assert len(e["rollbacks"]) == len(s["runbook"]), len(e["rollbacks"])' \
  "$work/webex-ctk.json" scenarios/webex-2018-09-25.yaml
expect_exit 0 "export aws-fis of the Webex scenario" "$faultline" export aws-fis \
  scenarios/webex-2018-09-25.yaml --out "$work/webex-fis.json"
check "is an FIS experiment template" $check_experiment aws-fis "$work/webex-fis.json"
expect_exit 0 "export aws-fis of a bad release" "$faultline" export aws-fis \
  tests/exports/fixtures/game-day.yaml
check "warns that FIS has no action for it" grep -q "FIS has no action for bad-release" \
  "$work/stderr"
expect_exit 2 "export aws-fis of nothing FIS can do" "$faultline" export aws-fis \
  tests/replay/fixtures/redundancy/bad_deploy.yaml --out "$work/no-fis.json"
check "writes nothing" test ! -e "$work/no-fis.json"
expect_exit 2 "export of a bad scenario" "$faultline" export chaostoolkit "$fixtures/empty.yaml"
# The checker refuses a broken experiment: no method, a pause in words, a
# startAfter naming nothing, a wait past 12 hours.
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); del e["method"]
json.dump(e, open(sys.argv[2], "w"))' "$work/webex-ctk.json" "$work/broken-ctk.json"
expect_exit 1 "the checker refuses an experiment without a method" $check_experiment \
  chaostoolkit "$work/broken-ctk.json"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); e["method"][0]["pauses"]={"before":"1h"}
json.dump(e, open(sys.argv[2], "w"))' "$work/webex-ctk.json" "$work/broken-ctk.json"
expect_exit 1 "or with a pause that is no number" $check_experiment chaostoolkit \
  "$work/broken-ctk.json"
"$faultline" export aws-fis tests/exports/fixtures/game-day.yaml --out "$work/fis.json" 2>/dev/null
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); t["actions"]["wait-PT30M"]["startAfter"]=["nothing"]
json.dump(t, open(sys.argv[2], "w"))' "$work/fis.json" "$work/broken-fis.json"
expect_exit 1 "a template whose startAfter names nothing" $check_experiment aws-fis \
  "$work/broken-fis.json"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); t["actions"]["wait-PT30M"]["parameters"]["duration"]="PT13H"
json.dump(t, open(sys.argv[2], "w"))' "$work/fis.json" "$work/broken-fis.json"
expect_exit 1 "or a wait past 12 hours" $check_experiment aws-fis "$work/broken-fis.json"

expect_exit 0 "completion prints a bash completion script" "$faultline" completion bash
cp "$work/stdout" "$work/completion.bash"
check "which bash reads" bash -n "$work/completion.bash"
# complete WORDS...: what the script offers for the last word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _faultline
    printf "%s\n" "${COMPREPLY[@]}"' _ "$work/completion.bash" "$@"
}
check "it offers the commands" test "$(complete_words faultline sch)" = schema
check "a command's options" test "$(complete_words faultline replay x.yaml --gr)" = --graphml
check "the strategies, from the word table" \
  test "$(complete_words faultline simulate x.yaml --strategy most)" = most-users-first
check "the formats of schema" \
  test "$(complete_words faultline schema "")" = "$(printf 'topology\nscenario')"
check "files after a global option's value" test \
  "$(complete_words faultline --max-input-mib 8 analyze topologies/webex)" = topologies/webex-2018.yaml
check "nothing for a number" test -z "$(complete_words faultline simulate x --runs "")"
check "nor for a duration" test -z "$(complete_words faultline simulate x --sample-every "")"
check "a flag takes no value: files follow it" \
  test "$(complete_words faultline validate -h topologies/webex)" = topologies/webex-2018.yaml
check "each option offered once" test "$(complete_words faultline validate --h)" = --help
check "a command's subcommands" test "$(complete_words faultline import b)" = backstage
check "and a subcommand's options" \
  test "$(complete_words faultline import deps links.json --top)" = --topology
man_page=$(dirname "$faultline")/faultline.1
check "the build made the man page" test -s "$man_page"
check "which groff renders without a warning" bash -c \
  '[ -z "$(groff -man -Tutf8 -ww -z "$1" 2>&1)" ]' _ "$man_page"
check "with the exit codes and the commands" bash -c \
  'text=$(groff -man -Tutf8 -P-cbou "$1" 2>/dev/null); grep -q "EXIT STATUS" <<<"$text" &&
   grep -q "completion" <<<"$text" && grep -q "Bad  *input" <<<"$text" &&
   grep -q "drift" <<<"$text"' _ "$man_page"

# The milestone gate on monte_carlo/fixtures/retries.yaml: app-back by
# T0+4h. The replay meets it (db back at 1h, the app's median 2h later). A
# run meets it when the db comes back at its first attempt (p 1/2, at 1h)
# and the app's rebuild (lognormal, median 2h, p95 6h: sigma 0.668) takes
# at most 3h, P = 0.728, or at its second (p 1/4, at 2h30m) and the rebuild
# at most 1h30m, P = 0.333: 0.5 x 0.728 + 0.25 x 0.333 = 0.447 of the runs.
retries=tests/monte_carlo/fixtures/retries.yaml
expect_exit 0 "a replay that meets its milestones passes the gate" "$faultline" replay \
  "$retries" --require-milestones
sed -e "s|by: T0+4h|by: T0+2h|" -e "s|topology: estate.yaml|topology: $source_dir/tests/monte_carlo/fixtures/estate.yaml|" \
  "$retries" >"$work/late.yaml"
expect_exit 3 "one that misses a milestone exits 3" "$faultline" replay "$work/late.yaml" \
  --require-milestones --json "$work/late.json"
check "naming it" grep -q "missed 1 of 1 observed milestones: app-back" "$work/stderr"
check "with its outputs written" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["observed"][0]["met"] is False' "$work/late.json"
expect_exit 0 "without the flag a miss is no failure" "$faultline" replay "$work/late.yaml"
expect_exit 0 "simulate passes a gate the runs clear (0.447 of them meet it)" "$faultline" \
  simulate "$retries" --runs 2000 --quiet --require-milestones 0.3
expect_exit 3 "and fails one they do not" "$faultline" simulate "$retries" --runs 2000 --quiet \
  --require-milestones 0.6
# 116 of the first 280 runs meet app-back, and 116/280 is 0.4142857142857143
# as a double; 0.4142857142857143 x 280 is 116.00000000000001, more than 116.
expect_exit 0 "a gate of exactly the share met is passed" "$faultline" simulate "$retries" \
  --runs 280 --quiet --require-milestones 0.4142857142857143
expect_exit 3 "and one run more is not" "$faultline" simulate "$retries" --runs 280 --quiet \
  --require-milestones 0.418
expect_exit 2 "a share of runs above 1 is bad input" "$faultline" simulate "$retries" \
  --require-milestones 1.5
grep -v "^observed\|^  - {id: app-back" "$work/late.yaml" >"$work/unobserved.yaml"
expect_exit 0 "the scenario without its milestone replays" "$faultline" replay "$work/unobserved.yaml"
expect_exit 2 "replay refuses --require-milestones with no milestone to check" "$faultline" \
  replay "$work/unobserved.yaml" --require-milestones --json "$work/unobserved.json"
check "saying there is none" grep -q "unobserved.yaml has none, so it would pass whatever happened" \
  "$work/stderr"
check "writing nothing" test ! -e "$work/unobserved.json"
expect_exit 2 "and so does simulate" "$faultline" simulate "$work/unobserved.yaml" --runs 10 \
  --require-milestones 0.5

# --slo: OpenSLO error budgets (tests/slo/fixtures/slos.yaml works out each
# figure by hand for outage.yaml).
slo_dir=tests/slo/fixtures
expect_exit 0 "replay judges the shipped Webex SLOs" "$faultline" replay \
  scenarios/webex-2018-09-25.yaml --slo slos/webex-2018.yaml
check "and says how much of each budget it spent" grep -q \
  "Three nines (target 99.9%): spent .* of the budget - EXHAUSTED" "$work/stdout"
expect_exit 0 "replay of the store outage against its SLOs" "$faultline" replay \
  "$slo_dir/outage.yaml" --slo "$slo_dir/slos.yaml" --json "$work/slo.json" \
  --prom "$work/slo.prom"
check "its JSON has each objective's budget, as worked out by hand" python3 -c '
import json, sys
slos = json.load(open(sys.argv[1]))["slos"]
assert [s["name"] for s in slos] == ["db-availability", "web-hours", "web-ratio", "web-weekly"]
db = slos[0]["objectives"]
assert abs(db[0]["budget"] - 2903040) < 1e-3 and abs(db[0]["spent"] - 8640000) < 1e-3, db
assert db[0]["exhausted"] and not db[1]["exhausted"], db
assert slos[0]["events"] == "user-seconds" and slos[1]["events"] == "time slices"
assert abs(slos[2]["objectives"][0]["spent"] - 2.75) < 1e-9' "$work/slo.json"
check "its metrics, which promtool accepts" bash -c 'promtool check metrics < "$1"' _ \
  "$work/slo.prom"
check "give each objective's share of the budget spent" grep -q \
  '^faultline_replay_slo_budget_exhausted{scenario="Store outage",slo="db-availability",objective="two nines",service="db"} 0$' \
  "$work/slo.prom"
expect_exit 0 "a report directory of the replay with its SLOs" "$faultline" replay \
  "$slo_dir/outage.yaml" --slo "$slo_dir/slos.yaml" --report "$work/slo-report"
check "has the budgets in summary.md" grep -qF \
  "| db-availability | db | Occurrences over 28d | three nines (target 99.9%) | 8.640 M user-seconds | 2.903 M user-seconds | 297.6% | yes |" \
  "$work/slo-report/summary.md"
check "and in index.html" grep -q "<h2>Error budgets</h2>" "$work/slo-report/index.html"
expect_exit 3 "--require-slos fails a replay that exhausts a budget" "$faultline" replay \
  "$slo_dir/outage.yaml" --slo "$slo_dir/slos.yaml" --require-slos --json "$work/slo-gate.json"
check "naming the objectives" grep -q \
  "not kept for 4 of 5 SLO objectives: db-availability/three nines, web-hours/objective 1" \
  "$work/stderr"
check "with its outputs written" test -s "$work/slo-gate.json"
expect_exit 2 "--require-slos needs --slo" "$faultline" replay "$slo_dir/outage.yaml" \
  --require-slos
expect_exit 2 "a misspelt SLO key" "$faultline" replay "$slo_dir/outage.yaml" \
  --slo "$slo_dir/bad/typo.yaml" --json "$work/slo-bad.json"
check "is located, with the key meant" grep -q \
  "typo.yaml:7:3: error: unknown key 'budgetMethod' in the SLO's spec (did you mean 'budgetingMethod'?)" \
  "$work/stderr"
check "and nothing is written" test ! -e "$work/slo-bad.json"
expect_exit 2 "an SLO of a service the topology lacks" "$faultline" compare \
  "$slo_dir/outage.yaml" --strategy as-written --strategy shortest-first \
  --slo "$slo_dir/bad/unknown_service.yaml"
check "is said once for variants on one topology" test "$(grep -c "does not have" "$work/stderr")" -eq 1
expect_exit 2 "network slices that are no whole request windows" "$faultline" replay \
  "$slo_dir/outage.yaml" --slo "$slo_dir/slos.yaml" --fidelity network --window 45m
check "say why" grep -q "not a whole number of the network fidelity's request windows" \
  "$work/stderr"
# random.yaml: the two nines' budget is exhausted in 7.52% of runs.
expect_exit 0 "simulate gives each budget's chance of exhaustion" "$faultline" simulate \
  "$slo_dir/random.yaml" --slo "$slo_dir/slos.yaml" --runs 2000 -q --json "$work/slo-sim.json" \
  --prom "$work/slo-sim.prom" --require-slos 0.05
check "which promtool accepts" bash -c 'promtool check metrics < "$1"' _ "$work/slo-sim.prom"
expect_exit 0 "a simulation's report directory with its SLOs" "$faultline" simulate \
  "$slo_dir/random.yaml" --slo "$slo_dir/slos.yaml" --runs 200 -q --report "$work/slo-sim-report"
check "has the chances of exhaustion in summary.md" grep -q \
  "^| web-weekly | web | Occurrences over 7d | objective 1 (target 99%) | " \
  "$work/slo-sim-report/summary.md"

check "near the lognormal's closed form, within its interval" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))["slos"][0]["objectives"][1]
lo, hi = o["exhausted_ci95"]
assert lo <= 0.0752 <= hi and abs(o["exhausted_share"] - 0.0752) < 0.025, o' "$work/slo-sim.json"
expect_exit 3 "and --require-slos fails a share the runs do not keep" "$faultline" simulate \
  "$slo_dir/random.yaml" --slo "$slo_dir/slos.yaml" --runs 2000 -q --require-slos 0.95
expect_exit 0 "compare judges each variant's budgets" "$faultline" compare "$slo_dir/random.yaml" \
  --strategy as-written --strategy shortest-first --slo "$slo_dir/slos.yaml" --runs 200 \
  --json "$work/slo-cmp.json" --prom "$work/slo-cmp.prom"
check "in its JSON" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))["variants"]
assert [len(x["slos"]) for x in v] == [4, 4], v' "$work/slo-cmp.json"
check "and its metrics, which promtool accepts" bash -c 'promtool check metrics < "$1"' _ \
  "$work/slo-cmp.prom"

expect_exit 0 "simulate writes a row per run" "$faultline" simulate "$retries" --runs 500 \
  --threads 1 --quiet --per-run "$work/rows1.csv" --json "$work/rows1.json"
expect_exit 0 "on any number of threads" "$faultline" simulate "$retries" --runs 500 \
  --threads 2 --quiet --per-run "$work/rows2.csv"
check "byte for byte the same rows" cmp -s "$work/rows1.csv" "$work/rows2.csv"
check "a header and 500 rows that add up to the JSON's figures" python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
result = json.load(open(sys.argv[2]))
assert [int(r["run"]) for r in rows] == list(range(500))
mean = sum(float(r["user_hours_lost"]) for r in rows) / len(rows)
assert abs(mean - result["overall"]["user_hours_lost"]["mean"]) < 1e-3, mean
assert sum(int(r["app-back_met"]) for r in rows) == result["observed"][0]["runs_met"]' \
  "$work/rows1.csv" "$work/rows1.json"
expect_exit 0 "or JSON Lines" "$faultline" simulate "$retries" --runs 20 --quiet \
  --per-run "$work/rows.jsonl"
check "a JSON object per line" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 20 and lines[3]["run"] == 3
assert lines[0]["milestones"][0]["id"] == "app-back"' "$work/rows.jsonl"
expect_exit 2 "a row file that is neither .csv nor .jsonl" "$faultline" simulate "$retries" \
  --per-run "$work/rows.txt"
expect_exit 1 "an unwritable row file" "$faultline" simulate "$retries" --runs 20 --quiet \
  --per-run /proc/faultline/rows.csv --json "$work/still.json"
check "leaves the other outputs written" test -s "$work/still.json"

# Rare events (simulate --rare): tests/rare/fixtures/chain.yaml's closed
# form gives 7.39e-8 at 22h.
chain=tests/rare/fixtures/chain.yaml
rare=(simulate "$chain" --runs 4000 --level-runs 2000 --seed 3)
expect_exit 0 "a rare event's probability" "$faultline" "${rare[@]}" \
  --rare "all-restored later than 22h" --threads 2 --json "$work/rare.json"
cp "$work/stdout" "$work/rare.txt"
check "says what it estimated, with its error" grep -q \
  "^  probability      7.*e-08 (relative error" "$work/rare.txt"
check "and the search for the stretches" grep -q "chosen site by site by the cross-entropy method" "$work/rare.txt"
check "its JSON holds the same estimate" python3 - "$work/rare.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["event"]["subject"] == "all-restored" and r["event"]["later_than_s"] == 22 * 3600, r
assert abs(r["probability"] - 7.392e-8) < 4 * r["relative_error"] * r["probability"], r
assert r["search_reached"] and r["runs"] == 4000 and r["search_runs"] == 2000 * len(r["search"]), r
assert max(s["stretch"] for s in r["sites"]) > 2 and r["unplanned_draws"] == 0, r
assert [s["name"] for s in r["sites"]] == ["diagnose duration", "restore-backup duration",
                                           "rebuild-db duration"], r
PY
expect_exit 0 "the same on one thread" "$faultline" "${rare[@]}" \
  --rare "all-restored later than 22h" --threads 1
check "byte for byte" cmp -s "$work/stdout" "$work/rare.txt"
given=(simulate "$chain" --runs 4000 --seed 3)
expect_exit 0 "--stretch 1 is plain Monte Carlo" "$faultline" "${given[@]}" \
  --rare "restored:db later than 8h" --stretch 1
check "every run weighing 1: as many hits as their effective number" grep -qE \
  " ([0-9,]+) of them past the threshold \(as useful as \1 unweighted hits\)" "$work/stdout"
check "with no search" grep -q "stretch          given: durations x1, failures x1" "$work/stdout"
expect_exit 0 "--rare defaults to 100,000 runs" "$faultline" simulate "$chain" \
  --rare "completed:diagnose later than 12h" --stretch 4:1
check "and says so" grep -q "100,000 weighed" "$work/stdout"
expect_exit 2 "a rare event the scenario lacks" "$faultline" "${rare[@]}" \
  --rare "restored:nowhere later than 1d" --json "$work/rare-bad.json"
check "says what would be right" grep -q "the topology has no service 'nowhere'; write \"EVENT later than DURATION\"" "$work/stderr"
check "and writes nothing" test ! -e "$work/rare-bad.json"
expect_exit 2 "a rare event without its threshold" "$faultline" "${rare[@]}" --rare "all-restored"
sed "s|topology: estate.yaml|topology: $source_dir/tests/rare/fixtures/estate.yaml\nhorizon: 5h|" \
  "$chain" >"$work/chain-5h.yaml"
expect_exit 2 "a rare event past the horizon" "$faultline" simulate "$work/chain-5h.yaml" \
  --rare "all-restored later than 10h" --runs 100 --level-runs 100
check "names the horizon" grep -q "T0+10h is past the scenario's horizon, T0+5h" "$work/stderr"
expect_exit 2 "a stretch below 1" "$faultline" "${given[@]}" --rare "all-restored later than 1d" \
  --stretch 0.5
check "says its range" grep -q "each a number from 1 to 1000" "$work/stderr"
expect_exit 2 "a stretch that is no number" "$faultline" "${given[@]}" \
  --rare "all-restored later than 1d" --stretch 2:x
expect_exit 2 "--rare with the usual statistics' options" "$faultline" "${rare[@]}" \
  --rare "all-restored later than 1d" --until-ci 0.05
check "says which" grep -q "until-ci excludes --rare" "$work/stderr"
expect_exit 2 "--rare with shards" "$faultline" "${rare[@]}" --rare "all-restored later than 1d" \
  --run-range 0:100 --tally "$work/rare.tally"
expect_exit 2 "--stretch without --rare" "$faultline" "${given[@]}" --stretch 2
expect_exit 2 "an empty --rare" "$faultline" "${rare[@]}" --rare "" --json "$work/rare-empty.json"
check "is no ordinary simulation" test ! -e "$work/rare-empty.json"
expect_exit 2 "--level-runs with --stretch, which skips the search" "$faultline" "${rare[@]}" \
  --rare "all-restored later than 1d" --stretch 2

# Calibration: tests/calibrate/fixtures/fixed.yaml's step, observed to end
# at T0+6h, is fitted from a prior of 2h to 10h; the fitted scenario loads.
fixed=tests/calibrate/fixtures/fixed.yaml
expect_exit 0 "calibrate fits an unknown duration" "$faultline" calibrate "$fixed" \
  --particles 200 --check-runs 100 --threads 2 --json "$work/calibrate.json" \
  --write "$work/fitted/fixed.yaml"
cp "$work/stdout" "$work/calibrate.txt"
check "it prints the posterior of the median" grep -qE \
  "^    posterior  (5h5.m|6h[0-9]*m?) \(5h[0-9]m to 6h5[0-9]m\)$" "$work/calibrate.txt"
check "and writes about 6h in" grep -qE "duration: (5h5[0-9]m|6h)" "$work/fitted/fixed.yaml"
check "with no unknown left" bash -c "! grep -q 'unknown:' '$work/fitted/fixed.yaml'"
expect_exit 0 "the fitted scenario validates" "$faultline" validate "$work/fitted/fixed.yaml"
expect_exit 0 "and replays" "$faultline" replay "$work/fitted/fixed.yaml"
check "completing at about T0+6h" grep -qE "T\+(5h5[0-9]m|6h)[0-9ms]* *DONE   rebuild-db" "$work/stdout"
check "its JSON holds the same posterior" python3 - "$work/calibrate.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
p = j["parameters"][0]
assert p["step"] == "rebuild-db" and p["kind"] == "median" and p["unit"] == "s", p
assert abs(p["posterior"]["p50"] - 21600) < 900, p
assert p["fitted"] == round(p["posterior"]["p50"]), p
assert j["generations"][0]["tolerance"] is None and j["generations"][-1]["tolerance"] == 1
assert j["ended"] == "within-tolerance", j["ended"]
assert j["milestones"][0]["after"]["met"] == 1.0
PY
expect_exit 0 "the same on one thread" "$faultline" calibrate "$fixed" --particles 200 \
  --check-runs 100 --threads 1
check "byte for byte" cmp -s "$work/stdout" "$work/calibrate.txt"
expect_exit 2 "calibrate of a scenario with nothing unknown" "$faultline" calibrate "$chain" \
  --json "$work/calibrate-bad.json" --write "$work/calibrate-bad.yaml"
check "says how to mark one" grep -q "give a step or method an 'unknown' entry" "$work/stderr"
check "and writes nothing" test ! -e "$work/calibrate-bad.json" -a ! -e "$work/calibrate-bad.yaml"
expect_exit 2 "calibrate of a bad prior" "$faultline" calibrate \
  tests/calibrate/fixtures/bad_unknowns.yaml
check "locates it" grep -q "bad_unknowns.yaml:8:59: error: the prior over the median" "$work/stderr"
expect_exit 2 "--write from standard input" "$faultline" calibrate - --write "$work/x.yaml" \
  < "$fixed"
expect_exit 2 "two outputs on standard output" "$faultline" calibrate "$fixed" --json - --write -
expect_exit 2 "too few particles" "$faultline" calibrate "$fixed" --particles 5

# Forecast: tests/forecast/fixtures/exponential.yaml's closed form, the
# rebuild's completion from T0+3h on: p50 at T0+3h41.6m.
exponential=tests/forecast/fixtures/exponential.yaml
sed "s|topology: ../../calibrate/fixtures/estate.yaml|topology: $source_dir/tests/calibrate/fixtures/estate.yaml\nhorizon: 3h|" \
  "$exponential" >"$work/exponential-3h.yaml"
expect_exit 2 "a forecast from past the horizon" "$faultline" forecast "$work/exponential-3h.yaml" \
  --now T0+5h --event all-restored --json "$work/forecast-late.json"
check "names the horizon" grep -q "T0+5h, is not before the scenario's horizon, T0+3h" "$work/stderr"
check "and writes nothing" test ! -e "$work/forecast-late.json"
expect_exit 2 "an event asked for twice" "$faultline" forecast "$exponential" --now T0+3h \
  --event completed:rebuild-db --event completed:rebuild-db
check "is named" grep -q "the event completed:rebuild-db is asked for twice" "$work/stderr"
expect_exit 0 "forecast from what was observed" "$faultline" forecast "$exponential" \
  --now T0+3h --event completed:rebuild-db --history --threads 2 --json "$work/forecast.json"
cp "$work/stdout" "$work/forecast.txt"
check "it lists what was known" grep -q "^  diagnosed  *at 2024-01-01 02:00 UTC +/- 15m" \
  "$work/forecast.txt"
check "and how the forecast moved" grep -q "^How the forecast moved: step rebuild-db completed" \
  "$work/forecast.txt"
check "its JSON holds the closed form's median" python3 - "$work/forecast.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["events"][0]["event"] == "completed:rebuild-db", j["events"]
p50 = j["forecast"]["events"][0]["p50_s"]
assert abs(p50 - (3 * 3600 + 41.6 * 60)) < 420, p50
assert [h["now_s"] for h in j["history"]] == [0, 7200], j["history"]
assert j["forecast"]["known"] == ["diagnosed"]
assert j["forecast"]["events"][0]["by_now"] == 0, "asked about, so known still ahead"
PY
expect_exit 0 "the same on one thread" "$faultline" forecast "$exponential" --now T0+3h \
  --event completed:rebuild-db --history --threads 1
check "byte for byte" cmp -s "$work/stdout" "$work/forecast.txt"
expect_exit 0 "a local --now" "$faultline" forecast "$exponential" --now "2024-01-01 03:00" \
  --event completed:rebuild-db --particles 100
expect_exit 2 "a --now that is no time" "$faultline" forecast "$exponential" --now tomorrow \
  --json "$work/forecast-bad.json"
check "says what would do" grep -q "give T0, T0 plus a duration" "$work/stderr"
check "and writes nothing" test ! -e "$work/forecast-bad.json"
expect_exit 2 "a --now before T0" "$faultline" forecast "$exponential" --now "2023-12-31 23:00"
check "says so" grep -q "is before T0 (2024-01-01 00:00 UTC)" "$work/stderr"
expect_exit 2 "an --event already known" "$faultline" forecast "$exponential" --now T0+3h \
  --event milestone:diagnosed
check "says it is not ahead" grep -q "milestone diagnosed was observed at its time and is known" \
  "$work/stderr"
expect_exit 2 "an --event the scenario lacks" "$faultline" forecast "$exponential" --now T0+1h \
  --event completed:nothing
check "names it" grep -q "the runbook has no step 'nothing'" "$work/stderr"
expect_exit 2 "forecast without --now" "$faultline" forecast "$exponential"

# Shards of a study and their merge: byte for byte what one process gives.
study=(scenarios/webex-2018-09-25.yaml --runs 600 --slo slos/webex-2018.yaml --quiet --seed)
expect_exit 0 "one process makes a study" "$faultline" simulate "${study[@]}" 5 --threads 2 \
  --json "$work/study.json" --report "$work/study-report"
cp "$work/stdout" "$work/study.txt"
expect_exit 0 "a shard of runs 0 to 249" "$faultline" simulate "${study[@]}" 5 --threads 2 \
  --run-range 0:250 --tally "$work/shard-a.tally"
expect_exit 0 "a shard of one run" "$faultline" simulate "${study[@]}" 5 --threads 1 \
  --run-range 250:251 --tally "$work/shard-b.tally"
expect_exit 0 "a shard of the rest" "$faultline" simulate "${study[@]}" 5 --threads 1 \
  --run-range 251:600 --tally "$work/shard-c.tally"
check "a tally's header names the study" grep -qx "range 251 600" "$work/shard-c.tally"
expect_exit 0 "merge takes the shards in any order" "$faultline" merge "$work/shard-c.tally" \
  "$work/shard-a.tally" "$work/shard-b.tally" --json "$work/merged.json" \
  --report "$work/merged-report"
check "its JSON is one process's, byte for byte" cmp -s "$work/study.json" "$work/merged.json"
check "and so are its text" cmp -s "$work/study.txt" "$work/stdout"
check "and its report" diff -r "$work/study-report" "$work/merged-report"
expect_exit 0 "merge reads the tally file the engine tests hold as golden" "$faultline" merge \
  tests/golden/fixed-3.tally --json "$work/golden-merge.json"
expect_exit 0 "which is simulate's three runs of its scenario" "$faultline" simulate \
  tests/tally/fixtures/fixed.yaml --runs 3 --quiet --json "$work/golden-simulate.json"
check "byte for byte" cmp -s "$work/golden-merge.json" "$work/golden-simulate.json"
compared=(compare scenarios/webex-2018-09-25.yaml --strategy as-written --strategy critical-path
  --runs 300 --seed 9)
expect_exit 0 "compare makes a study in one process" "$faultline" "${compared[@]}" --threads 2 \
  --json "$work/cmp-one.json" --report "$work/cmp-one-report"
cp "$work/stdout" "$work/cmp-one.txt"
expect_exit 0 "or in shards" "$faultline" "${compared[@]}" --threads 1 --run-range 100:300 \
  --tally "$work/cmp-b.tally"
expect_exit 0 "of any size" "$faultline" "${compared[@]}" --run-range 0:100 \
  --tally "$work/cmp-a.tally"
expect_exit 0 "which merge adds up" "$faultline" merge "$work/cmp-b.tally" "$work/cmp-a.tally" \
  --json "$work/cmp-merged.json" --report "$work/cmp-merged-report"
check "into one process's JSON, byte for byte" cmp -s "$work/cmp-one.json" "$work/cmp-merged.json"
check "its text" cmp -s "$work/cmp-one.txt" "$work/stdout"
check "and its report" diff -r "$work/cmp-one-report" "$work/cmp-merged-report"
two=(compare scenarios/webex-2018-09-25.yaml scenarios/webex-dc-us-loss.yaml --runs 40)
expect_exit 0 "two scenarios compared in one process" "$faultline" "${two[@]}" \
  --json "$work/two-one.json"
expect_exit 0 "and in two shards" "$faultline" "${two[@]}" --run-range 0:13 \
  --tally "$work/two-a.tally"
expect_exit 0 "(the second)" "$faultline" "${two[@]}" --run-range 13:40 --tally "$work/two-b.tally"
expect_exit 0 "merge the same" "$faultline" merge "$work/two-a.tally" "$work/two-b.tally" \
  --json "$work/two-merged.json"
check "byte for byte" cmp -s "$work/two-one.json" "$work/two-merged.json"
expect_exit 2 "a comparison's tally needs its strategies named" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy "" --strategy critical-path --runs 5 \
  --tally "$work/unnamed.tally"
check "and is not written" test ! -e "$work/unnamed.tally"
expect_exit 2 "a comparison's shard is no simulation's" "$faultline" merge \
  "$work/shard-a.tally" "$work/cmp-b.tally"
check "which merge says" grep -q "the command: compare here, simulate in" "$work/stderr"
expect_exit 2 "merge refuses a missing shard" "$faultline" merge "$work/shard-a.tally" \
  "$work/shard-c.tally" --json "$work/gap.json"
check "naming the run and the shard to make" grep -q \
  "shard-c.tally:6:1: error: run 250 is in no shard; make a shard of --run-range 250:251" \
  "$work/stderr"
check "and writes nothing" test ! -e "$work/gap.json"
expect_exit 2 "a shard given twice" "$faultline" merge "$work/shard-a.tally" \
  "$work/shard-a.tally" "$work/shard-b.tally" "$work/shard-c.tally"
check "overlaps" grep -q "runs 0 to 249 are also in" "$work/stderr"
expect_exit 0 "a shard of another seed" "$faultline" simulate "${study[@]}" 6 \
  --run-range 250:251 --tally "$work/shard-seed.tally"
expect_exit 2 "is not of the study" "$faultline" merge "$work/shard-a.tally" \
  "$work/shard-seed.tally" "$work/shard-c.tally"
check "says which setting differs" grep -q "shard-seed.tally:4:1: error: the seed: 6 here, 5 in" \
  "$work/stderr"
head -n 40 "$work/shard-c.tally" >"$work/shard-cut.tally"
expect_exit 2 "a shard cut short" "$faultline" merge "$work/shard-a.tally" \
  "$work/shard-b.tally" "$work/shard-cut.tally"
check "is refused where it ends" grep -q "shard-cut.tally:41:1: error: the tally ends early" \
  "$work/stderr"
mkdir "$work/moved"
cp "$retries" "$(dirname "$retries")/estate.yaml" "$work/moved/"
(cd "$work" && "$faultline" simulate moved/retries.yaml --runs 40 --run-range 0:40 --quiet \
  --tally moved.tally >/dev/null)
echo "# edited" >>"$work/moved/estate.yaml"
expect_exit 2 "a shard whose inputs changed since" bash -c 'cd "$1" && "$2" merge moved.tally' _ \
  "$work" "$faultline"
check "says which file changed" grep -q \
  "moved.tally:11:1: error: the topology moved/estate.yaml has changed since the shards" \
  "$work/stderr"
expect_exit 2 "a run range outside the study" "$faultline" simulate "$retries" --runs 10 \
  --run-range 5:11
check "says what a range is" grep -q "so 0 <= FIRST < END <= 10; found '5:11'" "$work/stderr"
expect_exit 2 "a shard cannot stop on a confidence target" "$faultline" simulate "$retries" \
  --until-ci 0.1 --tally "$work/ci.tally"
check "and writes no tally" test ! -e "$work/ci.tally"
expect_exit 2 "nor read its scenario from standard input" bash -c \
  'cd "$1" && "$2" simulate - --runs 10 --tally stdin.tally < retries.yaml' _ "$work/moved" \
  "$faultline"
check "which merge could not read again" grep -q "needs the scenario in a file" "$work/stderr"
expect_exit 2 "a tally is a file, not standard output" "$faultline" simulate "$retries" \
  --runs 10 --tally -
check "which merge reads back" grep -q "must name a file, which merge reads back" "$work/stderr"
expect_exit 2 "merge of a folder" "$faultline" merge "$work"
expect_exit 2 "merge of a file that is no tally" "$faultline" merge "$retries"
check "says so" grep -q "not a Faultline tally" "$work/stderr"

# The cluster scripts: shards by index, a Slurm study (sbatch played by a
# script running each job at once), the Kubernetes Jobs' shape.
expect_exit 0 "one process makes the cluster scripts' study" "$faultline" simulate "$retries" \
  --runs 500 --seed 2 --quiet --json "$work/cluster-one.json"
for index in 0 1 2; do
  expect_exit 0 "shard.sh makes shard $index of 3" env FAULTLINE="$faultline" \
    tools/cluster/shard.sh "$index" 3 "$work/cluster" "$retries" 500 --seed 2
done
check "a third of the runs each" grep -qx "range 166 333" "$work/cluster/shard-1.tally"
expect_exit 0 "which merge adds up" "$faultline" merge "$work"/cluster/shard-*.tally \
  --json "$work/cluster-merged.json"
check "into one process's study" cmp -s "$work/cluster-one.json" "$work/cluster-merged.json"
expect_exit 2 "shard.sh refuses an index past the count" tools/cluster/shard.sh 3 3 \
  "$work/cluster" "$retries" 500
expect_exit 0 "and reads 08 as eight" env FAULTLINE="$faultline" tools/cluster/shard.sh 08 10 \
  "$work/cluster-08" "$retries" 500 --seed 2
check "runs 400 to 449" grep -qx "range 400 450" "$work/cluster-08/shard-8.tally"
mkdir -p "$work/bin"
cat >"$work/bin/sbatch" <<'SBATCH'
#!/usr/bin/env bash
# sbatch as the test needs it: runs the job at once (each array index in
# turn) and prints a job id.
array=0-0 wrap=
args=()
for arg in "$@"; do
  case $arg in
    --array=*) array=${arg#--array=} ;;
    --wrap=*) wrap=${arg#--wrap=} ;;
    --parsable | --job-name=* | --cpus-per-task=* | --output=* | --dependency=*) ;;
    *) args+=("$arg") ;;
  esac
done
if [ -n "$wrap" ]; then
  bash -c "$wrap" >/dev/null || exit 1
else
  for index in $(seq "${array%-*}" "${array#*-}"); do
    SLURM_ARRAY_TASK_ID=$index "${args[@]}" >/dev/null || exit 1
  done
fi
echo 42
SBATCH
chmod +x "$work/bin/sbatch"
expect_exit 0 "a Slurm study" env PATH="$work/bin:$PATH" FAULTLINE="$faultline" SHARD_CPUS=1 \
  tools/cluster/slurm-study.sh 4 "$work/slurm" "$retries" 500 --seed 2
check "merges into one process's study" cmp -s "$work/cluster-one.json" "$work/slurm/study.json"
expect_exit 2 "a Slurm study takes its threads from SHARD_CPUS" env PATH="$work/bin:$PATH" \
  tools/cluster/slurm-study.sh 4 "$work/slurm-threads" "$retries" 500 --threads 4
check "with its report" test -s "$work/slurm/report/index.html"
check "the Kubernetes Jobs: shards by index, then a merge of the same tallies" python3 - \
  tools/cluster/k8s-shards.yaml tools/cluster/k8s-merge.yaml <<'PY'
import sys, yaml
shards, merge = (yaml.safe_load(open(path)) for path in sys.argv[1:])
spec = shards["spec"]
assert shards["kind"] == merge["kind"] == "Job" and spec["completionMode"] == "Indexed"
container = spec["template"]["spec"]["containers"][0]
args = container["args"]
assert container["command"] == ["tools/cluster/shard.sh"] and args[0] == "$(JOB_COMPLETION_INDEX)"
assert int(args[1]) == spec["completions"] == spec["parallelism"], (args, spec)
mount = container["volumeMounts"][0]["mountPath"]
assert args[2] == mount, (args, mount)
merged = merge["spec"]["template"]["spec"]["containers"][0]
assert f"faultline merge {mount}/shard-*.tally" in merged["args"][0], merged
PY

expect_exit 2 "compare of a scenario with itself" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml scenarios/webex-2018-09-25.yaml --runs 5
check "says the variant is given twice" grep -q "is given twice" "$work/stderr"
expect_exit 2 "or of a strategy with itself" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy as-written --strategy as-written --runs 5
expect_exit 0 "compare writes a row per run and variant" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy as-written --strategy critical-path --runs 300 \
  --threads 1 --per-run "$work/pairs1.csv" --json "$work/pairs1.json"
expect_exit 0 "on any number of threads" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml --strategy as-written --strategy critical-path --runs 300 \
  --threads 2 --per-run "$work/pairs2.csv"
check "byte for byte the same rows" cmp -s "$work/pairs1.csv" "$work/pairs2.csv"
check "whose paired differences are the JSON's" python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
result = json.load(open(sys.argv[2]))
assert len(rows) == 600 and [r["variant"] for r in rows[:2]] == ["as-written", "critical-path"]
lost = {v: [float(r["user_hours_lost"]) for r in rows if r["variant"] == v]
        for v in ("as-written", "critical-path")}
difference = sum(b - a for a, b in zip(lost["as-written"], lost["critical-path"])) / 300
pair = next(p for p in result["pairs"] if p["metric"] == "user-hours lost")
assert abs(difference - pair["mean"]) < 1e-3 * max(1, abs(pair["mean"])), (difference, pair)
assert "messaging-down_met" in rows[0]' "$work/pairs1.csv" "$work/pairs1.json"
expect_exit 0 "two scenarios' rows as JSON Lines" "$faultline" compare \
  scenarios/webex-2018-09-25.yaml scenarios/webex-dc-us-loss.yaml --runs 5 \
  --per-run "$work/pairs.jsonl"
check "each line with its variant and its own milestones" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 10 and lines[1]["run"] == 0
assert lines[1]["variant"] == "scenarios/webex-dc-us-loss.yaml", lines[1]["variant"]
assert "milestones" in lines[0]' "$work/pairs.jsonl"

runbook=$source_dir/tests/runbook/fixtures
expect_exit 0 "replay under the optimize strategy" \
  "$faultline" replay "$runbook/six_jobs.yaml" --strategy optimize --search-runs 4
check "optimize prints the order it found" grep -q "best order found  *21,300" "$work/stdout"
check "the replay follows the order found" grep -q "all users .* 21,300 *0$" "$work/stdout"
# The order printed, pasted into the scenario, is a valid priority strategy.
cp "$runbook/six_jobs_estate.yaml" "$work/"
{
  cat "$runbook/six_jobs.yaml"
  grep -A1 "^    strategy: priority" "$work/stdout" | sed 's/^    //'
} >"$work/six_jobs_optimized.yaml"
expect_exit 0 "the pasted priority list validates" \
  "$faultline" replay "$work/six_jobs_optimized.yaml"
check "and replays to the same loss" grep -q "all users .* 21,300 *0$" "$work/stdout"
expect_exit 2 "the search needs runs" \
  "$faultline" replay "$runbook/six_jobs.yaml" --strategy optimize --search-runs 0
# Options that would change nothing are refused, not passed over.
expect_exit 2 "search options without the optimize strategy" \
  "$faultline" simulate "$runbook/six_jobs.yaml" --runs 10 --search-evaluations 3 \
  --json "$work/unsearched.json"
check "says which, and what would use it" \
  grep -q -- "--search-evaluations applies to the optimize strategy only" "$work/stderr"
check "and writes nothing" test ! -e "$work/unsearched.json"
expect_exit 2 "search options where no compared scenario is optimized" \
  "$faultline" compare "$runbook/six_jobs.yaml" --strategy as-written --strategy critical-path \
  --runs 10 --search-runs 5
expect_exit 2 "a network step in a simulation at state fidelity" \
  "$faultline" simulate "$runbook/six_jobs.yaml" --runs 10 --step 2m
expect_exit 2 "a network step at state fidelity" \
  "$faultline" replay "$runbook/six_jobs.yaml" --window 2h
check "says which, and what would use it" \
  grep -q -- "--window applies at network fidelity only; add --fidelity network" "$work/stderr"

expect_exit 0 "simulate the Webex scenario on one thread" \
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --runs 2000 --threads 1 --json "$work/mc1.json"
check "simulate prints milestone probabilities" grep -q "control-hub-restored" "$work/stdout"
check "simulate prints no progress when stderr is not a terminal" test ! -s "$work/stderr"
expect_exit 0 "simulate the Webex scenario on two threads" \
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --runs 2000 --threads 2 --json "$work/mc2.json"
check "simulate writes byte-identical JSON for 1 and 2 threads" cmp -s "$work/mc1.json" "$work/mc2.json"
expect_exit 2 "simulate with no runs" \
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --runs 0 --json "$work/none.json"
expect_exit 2 "simulate with a confidence target above 1" \
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --until-ci 2
expect_exit 2 "simulate with a sampling step that is not a duration" \
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --sample-every often --json "$work/none.json"
check "simulate names the bad sampling step" grep -q "sample-every must be a duration" "$work/stderr"
expect_exit 2 "simulate of an invalid scenario" \
  "$faultline" simulate "$fixtures/runbook_cycle.yaml" --json "$work/none.json"
check "simulate writes nothing for bad input" test ! -e "$work/none.json"

# A rehearsal script that uses every command; its transcript is a golden
# file (the save path written as SAVED), and what it saves is a valid
# scenario whose replay ends as the rehearsal said.
sed "s|SAVED|$work/saved.yaml|" tests/rehearsal/gate_script.txt >"$work/script.txt"
expect_exit 2 "a rehearsal script with refused commands" \
  "$faultline" rehearse tests/runbook/fixtures/semantics/gate.yaml --script "$work/script.txt"
sed "s|$work/saved.yaml|SAVED|" "$work/stdout" >"$work/transcript.txt"
if [ -n "${FAULTLINE_UPDATE_GOLDEN:-}" ]; then cp "$work/transcript.txt" tests/golden/rehearsal-gate.txt; fi
check "the rehearsal transcript matches the golden file" \
  diff -u tests/golden/rehearsal-gate.txt "$work/transcript.txt"
expect_exit 0 "the rehearsed scenario validates" "$faultline" validate "$work/saved.yaml"
expect_exit 0 "the rehearsed scenario replays" "$faultline" replay "$work/saved.yaml"
check "to the loss the rehearsal reported, counted to the default horizon" grep -q "all users .* 970,875 *1,350$" "$work/stdout"
# fail says when the step fails (until_it_works.yaml: attempts 0-1h and
# from 1h30m, a retry awaited between).
printf 'advance 30m\nfail restore-db\nadvance 45m\nfail restore-web\nquit\n' >"$work/fail.txt"
expect_exit 0 "rehearse fails steps under way and between attempts" \
  "$faultline" rehearse "$runbook/semantics/until_it_works.yaml" --script "$work/fail.txt"
check "one under way fails now" grep -q "^restore-db fails now;" "$work/stdout"
check "one awaiting a retry fails its next attempt" \
  grep -q "^restore-web awaits a retry: its next attempt will fail when its work is done;" \
  "$work/stdout"
expect_exit 2 "rehearse of an invalid scenario" \
  "$faultline" rehearse "$fixtures/runbook_cycle.yaml" --script "$work/script.txt"
expect_exit 2 "rehearse with a missing script" \
  "$faultline" rehearse "$runbook/semantics/gate.yaml" --script "$work/no-such-script.txt"
printf 'status\nquit\n' >"$work/clean.txt"
expect_exit 0 "a rehearsal whose commands all work" \
  "$faultline" rehearse "$runbook/semantics/gate.yaml" --script "$work/clean.txt"

markov=$source_dir/tests/markov/fixtures
expect_exit 0 "markov of a 2-of-3 quorum" "$faultline" markov "$markov/two_of_three.yaml" --json "$work/markov.json"
check "markov prints the exact availability" grep -q "store .* 0.976709241" "$work/stdout"
check "and says what availability counts" \
  grep -q "availability and downtime: not in major outage" "$work/stdout"
check "markov writes JSON" grep -q '"solver": "dense LU"' "$work/markov.json"
expect_exit 2 "markov refuses Weibull failures" \
  "$faultline" markov "$markov/not_exponential.yaml" --json "$work/none.json"
check "markov says where and why" grep -q "not_exponential.yaml:7:32: error: .*needs exponential" "$work/stderr"
expect_exit 2 "markov of a topology without failure models" "$faultline" markov topologies/webex-2018.yaml

expect_exit 1 "an unwritable output path" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --json /proc/faultline/result.json

expect_exit 0 "replay writes a report directory" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --report "$work/report" --json "$work/r.json"
check "the report holds the page, the summary, the timeline and the JSON" \
  test -s "$work/report/index.html" -a -s "$work/report/summary.md" \
  -a -s "$work/report/timeline.csv" -a -s "$work/report/result.json"
check "the report's JSON is the --json result" cmp -s "$work/report/result.json" "$work/r.json"
check "the report says where it is" grep -q "report written to $work/report/index.html" "$work/stderr"
check "the page fetches nothing" bash -c "! grep -Eq '(src|href)=|@import|url\\(' '$work/report/index.html'"
expect_exit 0 "a second replay replaces the report" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --strategy most-users-first \
  --report "$work/report"
check "the new report is there" grep -q "most-users-first" "$work/report/index.html"
mkdir -p "$work/precious"
echo keep >"$work/precious/notes.txt"
expect_exit 1 "a folder of other files is not replaced" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --report "$work/precious"
check "the folder is untouched" test "$(ls "$work/precious")" = notes.txt
check "it says why" grep -q "holds files that are not a report's" "$work/stderr"
expect_exit 2 "no report for bad input" \
  "$faultline" replay "$fixtures/unknown_key.yaml" --report "$work/bad-report"
check "nothing written for bad input" test ! -e "$work/bad-report"
for threads in 1 2; do
  expect_exit 0 "simulate report on $threads threads" "$faultline" simulate \
    scenarios/webex-2018-09-25.yaml --runs 300 --threads $threads --quiet \
    --report "$work/mc-report-$threads"
done
check "simulate reports are byte-identical for 1 and 2 threads" \
  diff -r "$work/mc-report-1" "$work/mc-report-2"
expect_exit 0 "compare writes a report" "$faultline" compare scenarios/webex-2018-09-25.yaml \
  --strategy as-written --strategy critical-path --runs 100 --report "$work/compare-report"
check "the compare report shows the differences" \
  grep -q 'data-chart="differences"' "$work/compare-report/index.html"

# Output where it was asked for, and failures that are not hidden.
expect_exit 0 "--json - writes the JSON to standard output" \
  "$faultline" replay scenarios/webex-2018-09-25.yaml --json -
check "standard output is the JSON alone" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/stdout"
check "the text went to standard error" grep -q "FAULT  vm-deletion" "$work/stderr"
check "no file named -" test ! -e ./-
expect_exit 1 "a full standard output is a failure" \
  bash -c "'$faultline' replay scenarios/webex-2018-09-25.yaml >/dev/full"
expect_exit 0 "--version" "$faultline" --version
check "--version prints the version" grep -Eq "^faultline [0-9]+\.[0-9]+\.[0-9]+$" "$work/stdout"
expect_exit 2 "an unknown command is named" "$faultline" frobnicate
check "the error names it" grep -q "unknown command 'frobnicate'; expected one of validate" "$work/stderr"
expect_exit 2 "an empty --report path" "$faultline" replay scenarios/webex-2018-09-25.yaml --report ""
check "it says so" grep -q "empty path" "$work/stderr"
for seed in -1 18446744073709551616 12abc; do
  expect_exit 2 "--seed $seed is refused" "$faultline" simulate scenarios/webex-2018-09-25.yaml \
    --runs 10 --seed "$seed" --json "$work/seed.json"
  check "nothing written for --seed $seed" test ! -e "$work/seed.json"
done
check "the seed's range is named" grep -q "from 0 to 18446744073709551615" "$work/stderr"
expect_exit 0 "the largest seed is accepted" "$faultline" simulate scenarios/webex-2018-09-25.yaml \
  --runs 10 --seed 18446744073709551615 --quiet
for target in nan 0 1 inf; do
  expect_exit 2 "--until-ci $target is refused" "$faultline" simulate \
    scenarios/webex-2018-09-25.yaml --until-ci "$target"
  check "--until-ci $target: the bounds are named" grep -q "above 0 and below 1" "$work/stderr"
done
expect_exit 2 "a step duration past 1000 years" "$faultline" validate "$fixtures/bad_durations.yaml"
check "is located and says the limit" \
  grep -q "bad_durations.yaml:8:54: error: .*at most 365000d" "$work/stderr"
printf 'advance 99999999999d\nadvance 300000d\nadvance 300000d\nquit\n' >"$work/far.txt"
expect_exit 2 "rehearse refuses to go past 1000 years (a refused scripted command exits 2)" \
  "$faultline" rehearse scenarios/webex-2018-09-25.yaml --script "$work/far.txt"
check "a duration past the range is refused" grep -q "advance takes a duration up to 365000d" "$work/stdout"
check "a time past the range is refused" grep -q "at most 365000d (1000 years) past T0" "$work/stdout"
check "no date in a year past 3000" bash -c "! grep -Eq '(^| )-?[0-9]{5,}-[0-9]{2}-[0-9]{2}|3[0-9]{3}-[0-9]{2}-[0-9]{2}' '$work/stdout'"

# Inputs: standard input, directories, sizes, a scenario where a topology belongs.
expect_exit 0 "validate - reads standard input" \
  bash -c "'$faultline' validate - <topologies/webex-2018.yaml"
check "and names it" grep -q "^<stdin>: ok" "$work/stdout"
expect_exit 2 "validate of a directory" "$faultline" validate topologies
check "says it is a directory" grep -q "topologies: error: this is a directory, not a file" "$work/stderr"
expect_exit 2 "validate /dev/zero stops at the limit" "$faultline" validate /dev/zero --max-input-mib 1
check "and says so" grep -q "larger than 1 MiB, the most Faultline reads" "$work/stderr"
expect_exit 2 "analyze of a scenario" "$faultline" analyze scenarios/webex-2018-09-25.yaml
check "one message naming its topology" \
  grep -q "this is a scenario, not a topology (its topology is '../topologies/webex-2018.yaml')" "$work/stderr"
check "and no unknown keys" bash -c "! grep -q 'unknown key' '$work/stderr'"

# Ctrl-C (SIGINT) or SIGTERM during a long simulation: the runs made are
# reported and written, marked as interrupted, the exit code is 130 (a
# milestone gate judges only a whole simulation), and no temporary folder
# is left beside the report.
for signal in INT TERM; do
  mkdir -p "$work/int-$signal"
  "$faultline" simulate scenarios/webex-2018-09-25.yaml --runs 10000000 --threads 2 --quiet \
    --require-milestones 1 \
    --json "$work/int-$signal/result.json" --report "$work/int-$signal/report" \
    >"$work/int-$signal/stdout" 2>"$work/int-$signal/stderr" &
  pid=$!
  sleep 2
  kill -s "$signal" "$pid"
  wait "$pid"
  code=$?
  check "SIG$signal: exit 130 (got $code)" test "$code" -eq 130
  check "SIG$signal: the JSON says interrupted" grep -q '"interrupted": true' "$work/int-$signal/result.json"
  check "SIG$signal: the report is whole" test -s "$work/int-$signal/report/index.html"
  check "SIG$signal: the text says after how many runs" grep -q "INTERRUPTED after" "$work/int-$signal/stdout"
  check "SIG$signal: no temporary folder is left" \
    test "$(ls -A "$work/int-$signal")" = "$(printf 'report\nresult.json\nstderr\nstdout')"
done

# The synthetic estates of the scale benchmark (tools/synth).
synth=tools/synth
expect_exit 0 "synth writes a 1000-service estate" "$synth" --services 1000 --seed 3 --out "$work/synth-a"
expect_exit 0 "the same again elsewhere" "$synth" --services 1000 --seed 3 --out "$work/synth-b"
check "the same arguments give byte-identical files" \
  cmp -s "$work/synth-a/topology.yaml" "$work/synth-b/topology.yaml"
check "and the same scenario" cmp -s "$work/synth-a/scenario.yaml" "$work/synth-b/scenario.yaml"
expect_exit 0 "another seed" "$synth" --services 1000 --seed 4 --out "$work/synth-c"
check "another seed gives another estate" \
  test "$(cksum <"$work/synth-a/topology.yaml")" != "$(cksum <"$work/synth-c/topology.yaml")"
expect_exit 0 "the estate and its region loss validate" \
  "$faultline" validate "$work/synth-a/topology.yaml" "$work/synth-a/scenario.yaml"
expect_exit 0 "the region loss replays" "$faultline" replay "$work/synth-a/scenario.yaml"
check "it deletes region-0's instances" grep -q "FAULT  region-0-lost: .* instances deleted" "$work/stdout"
check "and the runbook rebuilds them" grep -q "DONE   rebuild-region-0" "$work/stdout"
expect_exit 0 "random failures over 30 days" "$synth" --services 1000 --scenario random-failures \
  --out "$work/synth-f"
expect_exit 0 "simulate on them" "$faultline" simulate "$work/synth-f/scenario.yaml" --runs 20
# From 1,024 entries on, a JSON list is written in blocks by the command's
# threads: 1,500 services are six blocks.
expect_exit 0 "a 1500-service estate" "$synth" --services 1500 --seed 5 --out "$work/synth-l"
expect_exit 0 "simulate on one thread" "$faultline" simulate "$work/synth-l/scenario.yaml" \
  --runs 10 --threads 1 --json "$work/synth-l-1.json"
expect_exit 0 "and on two" "$faultline" simulate "$work/synth-l/scenario.yaml" \
  --runs 10 --threads 2 --json "$work/synth-l-2.json"
check "writes the same JSON, its services' list in blocks" \
  cmp -s "$work/synth-l-1.json" "$work/synth-l-2.json"
expect_exit 0 "and on five, five of its six blocks under way at once" "$faultline" simulate \
  "$work/synth-l/scenario.yaml" --runs 10 --threads 5 --json "$work/synth-l-5.json"
check "the same JSON again" cmp -s "$work/synth-l-1.json" "$work/synth-l-5.json"
check "which lists every service once" python3 - "$work/synth-l-2.json" <<'PY'
import json, sys
ids = [s["id"] for s in json.load(open(sys.argv[1]))["services"]]
sys.exit(0 if len(ids) == 1500 and len(set(ids)) == 1500 else 1)
PY
# 12 services in 3 layers of 4: the bottom four depend on nothing, the
# others only on services below them, and one group per ten services.
expect_exit 0 "a 12-service estate" "$synth" --services 12 --layers 3 --seed 7 --out "$work/synth-s"
expect_exit 0 "analyzes" "$faultline" analyze "$work/synth-s/topology.yaml" --json "$work/synth-s.json"
check "its analysis finds 12 services, no cycle, svc-00 to svc-03 at the bottom and one group" \
  python3 - "$work/synth-s.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
services = [s for layer in a["layers"] for s in layer]
assert len(services) == 12 and not a["cycles"], a
assert set(a["layers"][0]) >= {"svc-00", "svc-01", "svc-02", "svc-03"}, a["layers"]
assert [g["user_group"] for g in a["single_points_of_failure"]] == ["group-0"], a
PY
check "every dependency points to a lower layer" python3 - "$work/synth-s/topology.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("user_groups:")[0]
for block in text.split("  - id: svc-")[1:]:
    me = int(block[:2])
    for dep in re.findall(r"svc-(\d\d)", block[2:]):
        assert int(dep) // 4 < me // 4, (me, dep)
PY
expect_exit 2 "synth refuses no services" "$synth" --services 0 --out "$work/synth-bad"
expect_exit 2 "a share above 1" "$synth" --services 10 --soft 1.5 --out "$work/synth-bad"
expect_exit 2 "shares of redundancy above 1 together" "$synth" --services 10 \
  --active-active 0.8 --active-passive 0.5 --out "$work/synth-bad"
check "and says why" grep -q "add up to more than 1" "$work/stderr"
check "writing nothing" test ! -e "$work/synth-bad"

echo "cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
