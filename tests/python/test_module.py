#!/usr/bin/env python3
"""The faultline Python module, imported by the system's Python: each call
gives the content of the command's JSON (checked against the command line
itself), bad input raises ValueError with file:line:col, and the GIL is
released while the engine runs.

Usage: test_module.py MODULE_DIR FAULTLINE_CLI SOURCE_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unittest

module_dir, cli, source = sys.argv[1:4]
sys.path.insert(0, module_dir)
import faultline  # noqa: E402

WEBEX = os.path.join(source, "scenarios/webex-2018-09-25.yaml")
GATE = os.path.join(source, "tests/runbook/fixtures/semantics/gate.yaml")
GATE_WITHIN_1H = os.path.join(source, "tests/runbook/fixtures/semantics/gate_within_1h.yaml")
TOPOLOGY = os.path.join(source, "topologies/webex-2018.yaml")
SLOS = os.path.join(source, "slos/webex-2018.yaml")
STORE_SLOS = os.path.join(source, "tests/slo/fixtures/slos.yaml")
TYPO_SLOS = os.path.join(source, "tests/slo/fixtures/bad/typo.yaml")


def cli_json(*args):
    out = subprocess.run([cli, *args, "--json", "-"], capture_output=True, check=True)
    return json.loads(out.stdout)


class Module(unittest.TestCase):
    def test_version_is_the_command_lines(self):
        out = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "faultline " + faultline.__version__)

    def test_replay_is_replay_json(self):
        result = faultline.replay(faultline.load_scenario(WEBEX))
        self.assertEqual(result, cli_json("replay", WEBEX))

    def test_gate_replay_by_hand(self):
        # gate.yaml: 600 app-users, always active, cut off for 3h: 1,800
        # user-hours (tests/reports/graph_export_test.cpp works it out).
        result = faultline.replay(faultline.load_scenario(GATE))
        self.assertAlmostEqual(result["overall"]["user_hours_lost"], 1800.0)

    def test_simulate_is_simulate_json_on_any_thread_count(self):
        scenario = faultline.load_scenario(WEBEX)
        one = faultline.simulate(scenario, runs=200, seed=7, threads=1)
        two = faultline.simulate(scenario, runs=200, seed=7, threads=2)
        self.assertEqual(one, two)
        self.assertEqual(one, cli_json("simulate", WEBEX, "--runs", "200", "--seed", "7",
                                       "--quiet"))

    def test_compare_under_two_strategies(self):
        a = faultline.load_scenario(WEBEX, strategy="as-written")
        b = faultline.load_scenario(WEBEX, strategy="critical-path")
        self.assertEqual(b.strategy, "critical-path")
        result = faultline.compare([a, b], names=["as-written", "critical-path"], runs=100)
        self.assertEqual(result, cli_json("compare", WEBEX, "--strategy", "as-written",
                                          "--strategy", "critical-path", "--runs", "100"))
        with self.assertRaisesRegex(ValueError, "given twice"):
            faultline.compare([a, a], names=["x", "x"], runs=10)
        # As the command line: user-hours over different times are refused.
        gate = faultline.load_scenario(GATE)
        short = faultline.load_scenario(GATE_WITHIN_1H)
        with self.assertRaisesRegex(ValueError,
                                    "ended 5 of its 5 runs at T0\\+1h with users still cut off"):
            faultline.compare([gate, short], names=["gate", "short"], runs=5)

    def test_slo_budgets_are_the_command_lines(self):
        scenario = faultline.load_scenario(WEBEX)
        result = faultline.replay(scenario, slo=SLOS)
        self.assertEqual(result, cli_json("replay", WEBEX, "--slo", SLOS))
        self.assertEqual(len(result["slos"]), 4)
        self.assertNotIn("slos", faultline.replay(scenario))
        runs = faultline.simulate(scenario, runs=100, seed=3, slo=SLOS)
        self.assertEqual(runs, cli_json("simulate", WEBEX, "--runs", "100", "--seed", "3",
                                        "--threads", "1", "--quiet", "--slo", SLOS))
        with self.assertRaisesRegex(ValueError, r"typo\.yaml:7:3: error: .*budgetingMethod"):
            faultline.replay(scenario, slo=TYPO_SLOS)
        with self.assertRaisesRegex(ValueError, r"service 'db', which topology .* does not have"):
            faultline.replay(scenario, slo=STORE_SLOS)

    def test_analyze_is_analyze_json(self):
        result = faultline.analyze(faultline.load_topology(TOPOLOGY))
        self.assertEqual(result, cli_json("analyze", TOPOLOGY))

    def test_bad_input_is_a_value_error_with_its_place(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("regions: [{id: dc}]\nservices:\n  - {id: db, deployments: [{region: mars}]}\n"
                    "user_groups: []\n")
        try:
            with self.assertRaisesRegex(ValueError, re.escape(f.name) + r":3:\d+: error: .*mars"):
                faultline.load_topology(f.name)
        finally:
            os.unlink(f.name)
        with self.assertRaisesRegex(ValueError, "did you mean 'critical-path'"):
            faultline.load_scenario(WEBEX, strategy="critical-pat")
        with self.assertRaisesRegex(ValueError, "optimize strategy is a search"):
            faultline.load_scenario(WEBEX, strategy="optimize")
        with self.assertRaisesRegex(ValueError, "'priority' list .* and it has none"):
            faultline.load_scenario(WEBEX, strategy="priority")

    def test_other_threads_run_while_the_engine_does(self):
        # 20,000 Webex runs take about half a second, in which this thread
        # ticks hundreds of times; holding the GIL, the run would let it
        # tick once or twice.
        scenario = faultline.load_scenario(WEBEX)
        done = threading.Event()
        errors = []
        ticks = 0

        def run():
            try:
                faultline.simulate(scenario, runs=20000, threads=1)
            except Exception as e:  # said below, not lost in the thread
                errors.append(e)
            finally:
                done.set()

        worker = threading.Thread(target=run)
        worker.start()
        while not done.is_set():
            ticks += 1  # only counts while the simulation holds no GIL
            done.wait(0.001)
        worker.join()
        self.assertEqual(errors, [])
        self.assertGreater(ticks, 10)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
