#!/usr/bin/env python3
"""Structural checks of faultline export's experiments against the formats
they name, since neither tool can be installed here:

- chaostoolkit: the rules of chaostoolkit-lib's ensure_experiment_is_valid
  and ensure_activity_is_valid (title and description; tags non-empty
  strings; a method; activities of type probe or action with a name and a
  provider of type python, process or http; process providers with a path,
  http ones with a url; numeric pauses and timeouts; a hypothesis with a
  title whose probes have a tolerance), and that every ${key} an activity
  uses is in the configuration.
- aws-fis: CreateExperimentTemplate's input (description of at most 512
  characters; targets with resourceType, resourceTags and selectionMode
  ALL, COUNT(n) or PERCENT(n); actions with a known actionId, string
  parameters, targets and startAfter that name existing targets and
  actions, without cycles; ISO 8601 durations of at most 12 hours; stop
  conditions; a role ARN), names of at most 64 letters, digits, '-', '_'.

Usage: check_experiments.py chaostoolkit|aws-fis FILE
"""
import json
import numbers
import re
import sys

PROVIDERS = {"python": "func", "process": "path", "http": "url"}
FIS_ACTIONS = {
    "aws:ec2:terminate-instances": "Instances",
    "aws:ec2:stop-instances": "Instances",
    "aws:ssm:send-command": "Instances",
    "aws:fis:wait": None,
}
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ISO = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
SELECTION = re.compile(r"^(ALL|COUNT\(\d+\)|PERCENT\((100|[1-9]?\d)\))$")


def fail(message):
    sys.exit(f"check_experiments: {message}")


def check_activity(activity, configuration):
    kind = activity.get("type")
    if kind not in ("probe", "action"):
        fail(f"'{kind}' is not a supported activity type")
    if not activity.get("name"):
        fail("an activity must have a name")
    provider = activity.get("provider") or fail(f"{activity['name']}: no provider")
    required = PROVIDERS.get(provider.get("type")) or fail(f"{activity['name']}: provider type")
    if not provider.get(required):
        fail(f"{activity['name']}: a {provider['type']} provider needs '{required}'")
    for pause in activity.get("pauses", {}).values():
        if not isinstance(pause, numbers.Number):
            fail(f"{activity['name']}: a pause must be a number")
    if "timeout" in provider and not isinstance(provider["timeout"], numbers.Number):
        fail(f"{activity['name']}: the timeout must be a number")
    for key in re.findall(r"\$\{([^}]+)\}", json.dumps(activity)):
        if key not in configuration:
            fail(f"{activity['name']}: ${{{key}}} is not in the configuration")


def check_chaostoolkit(e):
    if not e.get("title") or not e.get("description"):
        fail("an experiment requires a title and a description")
    if any(not isinstance(t, str) or t == "" for t in e.get("tags", [])):
        fail("experiment tags must be non-empty strings")
    configuration = e.get("configuration", {})
    for key, value in configuration.items():
        if isinstance(value, dict) and value.get("type") == "env" and not value.get("key"):
            fail(f"configuration {key}: an env entry needs its key")
    hypothesis = e.get("steady-state-hypothesis")
    if hypothesis is not None:
        if not hypothesis.get("title"):
            fail("the steady-state hypothesis requires a title")
        for probe in hypothesis.get("probes", []):
            if probe.get("type") != "probe" or "tolerance" not in probe:
                fail(f"hypothesis probe {probe.get('name')}: a probe with a tolerance")
            check_activity(probe, configuration)
    if e.get("method") is None:
        fail("an experiment requires a method")
    for activity in e["method"] + e.get("rollbacks", []):
        check_activity(activity, configuration)


def seconds(duration):
    match = ISO.match(duration) or fail(f"'{duration}' is no ISO 8601 duration FIS reads")
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def check_fis_action(name, action, template):
    target_key = FIS_ACTIONS.get(action.get("actionId"), "unknown")
    if target_key == "unknown":
        fail(f"action {name}: unknown actionId {action.get('actionId')}")
    for key, value in action.get("parameters", {}).items():
        if not isinstance(value, str):
            fail(f"action {name}: parameter {key} must be a string")
        if key in ("duration", "startInstancesAfterDuration") and seconds(value) > 12 * 3600:
            fail(f"action {name}: {key} {value} is over FIS's 12 hours")
    targets = action.get("targets", {})
    if target_key and set(targets) != {target_key}:
        fail(f"action {name}: its targets must be {{{target_key}: ...}}")
    for target in targets.values():
        if target not in template["targets"]:
            fail(f"action {name}: no target {target}")
    for before in action.get("startAfter", []):
        if before not in template["actions"]:
            fail(f"action {name}: startAfter names no action {before}")


def check_aws_fis(t):
    for key in ("description", "targets", "actions", "stopConditions", "roleArn"):
        if key not in t:
            fail(f"a template requires {key}")
    if len(t["description"]) > 512:
        fail("the description is longer than 512 characters")
    if not t["actions"] or not t["stopConditions"]:
        fail("a template needs actions and stop conditions")
    for name, target in t["targets"].items():
        if not NAME.match(name) or target.get("resourceType") != "aws:ec2:instance":
            fail(f"target {name}: a name FIS takes and an EC2 resource type")
        if not target.get("resourceTags") or not SELECTION.match(target.get("selectionMode", "")):
            fail(f"target {name}: resourceTags and ALL, COUNT(n) or PERCENT(n)")
    for name, action in t["actions"].items():
        if not NAME.match(name):
            fail(f"action {name}: not a name FIS takes")
        check_fis_action(name, action, t)
    done = set()
    while len(done) < len(t["actions"]):  # startAfter must not go round
        ready = {n for n, a in t["actions"].items()
                 if n not in done and set(a.get("startAfter", [])) <= done}
        if not ready:
            fail("startAfter goes round in a cycle")
        done |= ready
    for condition in t["stopConditions"]:
        if condition.get("source") not in ("none", "aws:cloudwatch:alarm"):
            fail("a stop condition's source is none or aws:cloudwatch:alarm")
    if not t["roleArn"].startswith("arn:aws:iam::"):
        fail("roleArn must be an IAM role ARN")


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    document = json.load(open(path))
    {"chaostoolkit": check_chaostoolkit, "aws-fis": check_aws_fis}[kind](document)
    print(f"check_experiments: {path} is a valid {kind} experiment")
