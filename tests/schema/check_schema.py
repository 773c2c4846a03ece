#!/usr/bin/env python3
"""Checks Faultline's JSON Schemas with a real validator (python3-jsonschema).

usage: check_schema.py FAULTLINE SOURCE_DIR

- `faultline schema topology|scenario` prints exactly the shipped
  schemas/*.schema.json, and each is a valid draft-07 schema.
- Every YAML file of the repository that `faultline validate` accepts (the
  good fixtures, the shipped topologies and scenarios) passes its schema.
- Every key of every mapping in the schemas is used by some good file, so
  the schemas list no key the loader does not take.
- Of the files the loader refuses, those the schema refuses too are counted,
  and a handful the schema must refuse are named.

The YAML is read as YAML 1.2's core schema, as yaml-language-server and
yaml-cpp read it: `2018-09-25 21:22` and `08:00` stay text.
"""

import json
import pathlib
import re
import subprocess
import sys

import jsonschema
import yaml


class CoreLoader(yaml.SafeLoader):
    """PyYAML with YAML 1.2's core schema instead of YAML 1.1's."""


CoreLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    CoreLoader.add_implicit_resolver(
        "tag:yaml.org,2002:" + tag, re.compile(pattern), list(first)
    )

# Files the loader refuses for a reason a schema can state: the schema must
# refuse them too (a check that the schemas are not merely permissive).
MUST_REFUSE = {
    "tests/loader/fixtures/unknown_key.yaml",  # additionalProperties
    "tests/loader/fixtures/missing_field.yaml",  # required
    "tests/loader/fixtures/wrong_type.yaml",  # a word where a number goes
    "tests/loader/fixtures/misspelt_action.yaml",  # an enum from a word table
    "tests/loader/fixtures/misspelt_event.yaml",
    "tests/loader/fixtures/bad_lasts.yaml",  # a key another fault kind takes
    "tests/loader/fixtures/bad_redundancy_scenario.yaml",  # exactly one of
    "tests/replay/fixtures/tenants/bad_on_deployment.yaml",
    "tests/loader/fixtures/repeated_unit.yaml",  # a duration's pattern
}


def schema_of(faultline, fmt):
    out = subprocess.run(
        [faultline, "schema", fmt], check=True, capture_output=True, text=True
    ).stdout
    return out, json.loads(out)


def with_definitions(sub, root):
    """A subschema that resolves #/definitions/... against root's."""
    return {**sub, "definitions": root["definitions"]}


def walk(node, schema, root, definition, used):
    """Records (definition, key) for every key of node, following the
    alternative of each anyOf that node takes."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        walk(node, root["definitions"][name], root, name, used)
        return
    for part in schema.get("allOf", []):
        if "$ref" in part:
            walk(node, part, root, definition, used)
    for alternative in schema.get("anyOf", []):
        checker = jsonschema.Draft7Validator(with_definitions(alternative, root))
        if checker.is_valid(node):
            walk(node, alternative, root, definition, used)
            break
    if isinstance(node, dict) and "properties" in schema:
        for key, value in node.items():
            used.add((definition, key))
            walk(value, schema["properties"][key], root, definition, used)
    if isinstance(node, list) and "items" in schema:
        for item in node:
            walk(item, schema["items"], root, definition, used)


def every_key(root, name):
    keys = {(name, key) for key in root["properties"]}
    for definition, body in root["definitions"].items():
        keys |= {(definition, key) for key in body["properties"]}
    return keys


def yaml_files(source):
    for folder in ["scenarios", "topologies", "tests"]:
        yield from sorted((source / folder).rglob("*.yaml"))


def main():
    faultline, source = sys.argv[1], pathlib.Path(sys.argv[2])
    failures = []
    schemas = {}
    for fmt in ["topology", "scenario"]:
        text, schema = schema_of(faultline, fmt)
        jsonschema.Draft7Validator.check_schema(schema)
        shipped = source / "schemas" / (fmt + ".schema.json")
        if shipped.read_text() != text:
            failures.append(
                f"{shipped} is not what `faultline schema {fmt}` prints; "
                f"write it again with: faultline schema {fmt} > {shipped}"
            )
        schemas[fmt] = schema

    used = set()
    must_refuse = set(MUST_REFUSE)
    good = refused = refused_by_schema = 0
    for path in yaml_files(source):
        relative = str(path.relative_to(source))
        try:
            document = yaml.load(path.read_text(), Loader=CoreLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # broken YAML, a fixture of the parser's errors
        if not isinstance(document, dict):
            continue
        fmt = "scenario" if "topology" in document else "topology"
        if fmt == "topology" and "services" not in document:
            continue
        schema = schemas[fmt]
        checker = jsonschema.Draft7Validator(schema)
        errors = sorted(checker.iter_errors(document), key=lambda e: list(e.path))
        loads = (
            subprocess.run(
                [faultline, "validate", str(path)], capture_output=True
            ).returncode
            == 0
        )
        if loads:
            good += 1
            for e in errors:
                where = "/".join(str(p) for p in e.path)
                failures.append(f"{relative}: {where}: {e.message[:300]}")
            walk(document, schema, schema, fmt, used)
        else:
            refused += 1
            refused_by_schema += bool(errors)
            if relative in must_refuse:
                must_refuse.remove(relative)
                if not errors:
                    failures.append(f"{relative}: the loader refuses it, the schema does not")
    for missing in sorted(must_refuse):
        failures.append(f"{missing}: no such file of the loader's errors")

    unused = sorted(
        (every_key(schemas["topology"], "topology") | every_key(schemas["scenario"], "scenario"))
        - used
    )
    for definition, key in unused:
        failures.append(f"no good YAML file uses '{key}' of {definition}")

    print(
        f"schema: {good} files the loader takes all pass their schema; of {refused} it "
        f"refuses, the schema refuses {refused_by_schema}; "
        f"{len(used)} keys used of {len(used) + len(unused)}"
    )
    for failure in failures:
        print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
