#!/usr/bin/env bash
# The command line's promises: exit codes, nothing written for bad input,
# byte-identical output for the same input; the commands that read and
# replay one scenario, their outputs, exports and completion. The studies'
# commands are checked by studies_test.sh, which ctest runs beside this.
# Usage: cli_test.sh FAULTLINE_BINARY SOURCE_DIR
# shellcheck source=prologue.sh
source "$(dirname "$0")/prologue.sh" "$@"

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
check "the JSON carries its schema version" grep -q '"schema_version": 17' "$work/a.json"
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
  "gate-1h.yaml' ended 5 of its 5 runs at T0+1h with users still cut off" "$work/stderr"
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
check "warns that FIS has no action for it" grep -q \
  "warning: left out of the experiment: bad-release: a bad release, which FIS has no action for" \
  "$work/stderr"
expect_exit 0 "export chaostoolkit of a fault after the horizon" "$faultline" export chaostoolkit \
  tests/exports/fixtures/tenants_and_late.yaml --out "$work/late-ctk.json"
check "warns that it leaves it out" grep -q \
  "warning: left out of the experiment: late-out: strikes at T+6h, after the horizon (T+5h)" \
  "$work/stderr"
expect_exit 2 "export aws-fis of nothing FIS can do" "$faultline" export aws-fis \
  tests/replay/fixtures/redundancy/bad_deploy.yaml --out "$work/no-fis.json"
check "writes nothing" test ! -e "$work/no-fis.json"
expect_exit 2 "export chaostoolkit of no fault a run reaches" "$faultline" export chaostoolkit \
  tests/exports/fixtures/all_late.yaml --out "$work/no-ctk.json"
check "writes nothing" test ! -e "$work/no-ctk.json"
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

finish cli
