#!/usr/bin/env python3
"""Measures a blind batch of policies (see ../shared/BLIND.md).

For each folder of the batch (policy.md, catalog.toml, EXPECTED.md,
scenarios/*.toml): the errors and warnings `keel check` reports; and, for a
policy that compiles, which scenarios fail under `keel test` (a failing
scenario on a policy that compiles is a silent misread candidate: the
reviewer then reads it against EXPECTED.md and counts each wrong branch
once).

    scripts/blind/measure.py KEEL_BINARY BATCH_DIR [--policy FILE_NAME] [--json OUT]

`--policy revised.policy.md` measures a revision kept beside the first text.
Prints one table row per policy and the batch's totals.
"""

import argparse
import json
import os
import re
import subprocess
import sys


def check(keel, policy):
    run = subprocess.run(
        [keel, "check", "--format", "json", policy],
        capture_output=True,
        text=True,
    )
    try:
        diagnostics = json.loads(run.stdout).get("diagnostics", [])
    except json.JSONDecodeError:
        return None, None, [run.stderr.strip() or run.stdout.strip()]
    errors = [d for d in diagnostics if d.get("severity") == "error"]
    warnings = [d for d in diagnostics if d.get("severity") == "warning"]
    return errors, warnings, []


def scenarios(keel, folder, policy_name):
    # keel test reads <folder>/policy.md; a revision is measured from a copy.
    target = folder
    if policy_name != "policy.md":
        target = os.path.join("/tmp", "keel-measure-" + os.path.basename(folder))
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(folder):
            source = os.path.join(folder, name)
            if os.path.isfile(source) and name != "policy.md":
                with open(source, "rb") as reader, open(os.path.join(target, name), "wb") as writer:
                    writer.write(reader.read())
        with open(os.path.join(folder, policy_name), "rb") as reader, open(
            os.path.join(target, "policy.md"), "wb"
        ) as writer:
            writer.write(reader.read())
    run = subprocess.run(
        [
            keel,
            "test",
            target,
            "--conversations",
            os.path.join(folder, "scenarios"),
            "--min-coverage",
            "0",
        ],
        capture_output=True,
        text=True,
    )
    passed, failed = [], []
    current = None
    for line in run.stdout.splitlines():
        match = re.match(r"\s+(ok|FAIL)\s+([^:\s]+)", line)
        if match:
            current = match.group(2)
            (passed if match.group(1) == "ok" else failed).append([current, []])
        elif current and failed and failed[-1][0] == current and line.startswith("      "):
            failed[-1][1].append(line.strip())
    coverage = re.search(r"transitions (\d+)/(\d+)", run.stdout)
    return passed, failed, coverage.groups() if coverage else None, run.stdout + run.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("keel")
    parser.add_argument("batch")
    parser.add_argument("--policy", default="policy.md")
    parser.add_argument("--json")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    rows = []
    for name in sorted(os.listdir(args.batch)):
        folder = os.path.join(args.batch, name)
        policy = os.path.join(folder, args.policy)
        if not os.path.isfile(policy):
            continue
        errors, warnings, problems = check(args.keel, policy)
        row = {"policy": name, "problems": problems}
        if errors is None:
            row.update(errors=None, warnings=None)
        else:
            row.update(
                errors=len(errors),
                warnings=len(warnings),
                error_messages=[f"{d['line']}: {d['code']} {d['message']}" for d in errors],
                warning_messages=[f"{d['line']}: {d['code']} {d['message']}" for d in warnings],
            )
        if errors == []:
            passed, failed, coverage, output = scenarios(args.keel, folder, args.policy)
            row.update(
                scenarios=len(passed) + len(failed),
                failed=[{"scenario": f, "differences": d} for f, d in failed],
                coverage=coverage,
            )
            if args.verbose:
                print(output, file=sys.stderr)
        rows.append(row)
    print(f"| policy | errors | warnings | scenarios failing on a compiling policy |")
    print(f"|---|---|---|---|")
    for row in rows:
        failing = (
            f"{len(row['failed'])}/{row['scenarios']}" if "scenarios" in row else "— (does not compile)"
        )
        print(f"| {row['policy']} | {row['errors']} | {row['warnings']} | {failing} |")
    compiled = [row for row in rows if row.get("errors") == 0]
    total_errors = sum(row["errors"] or 0 for row in rows)
    print()
    print(
        f"{len(rows)} policies; {total_errors} errors in all; {len(compiled)} compile with 0 errors; "
        f"{sum(len(row['failed']) for row in compiled)} failing scenarios on compiling policies"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
