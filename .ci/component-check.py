#!/usr/bin/env python3
"""Checks a GitLab CI/CD component (templates/NAME.yml) as GitLab reads it: the `spec:`
header, then the jobs with every `$[[ inputs.NAME ]]` replaced by the input's default (or,
for an input without one, a stand-in), each against SchemaStore's GitLab CI schema.

Usage: component-check.py CHECK_JSONSCHEMA FILE"""
import re
import subprocess
import sys
import tempfile

import yaml

check, path = sys.argv[1:3]
header, body = open(path, encoding="utf-8").read().split("\n---\n", 1)
inputs = yaml.safe_load(header)["spec"]["inputs"]
stand_ins = {name: str(spec.get("default", "https://example.com/hook")) for name, spec in inputs.items()}


def interpolate(match):
    name = match.group(1)
    if name not in stand_ins:
        sys.exit(f"{path}: $[[ inputs.{name} ]] names no input")
    return stand_ins[name]


body = re.sub(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]", interpolate, body)
for part, text in (("header", header), ("jobs", body)):
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write(text)
    done = subprocess.run([check, "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", f.name],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{path} ({part}): {done.stdout}{done.stderr}")
print(f"{path}: header and jobs valid")
