#!/usr/bin/env python3
"""Mines Keras's own ops shape tests into Tensor Lens fixtures.

Runs the `*ShapeTest` classes (StaticShapeTest and DynamicShapeTest) of
keras/src/ops/*_test.py of the pinned Keras (the package in .venv-conformance)
under pytest with the recorder plugin of this folder
(keras_ops_tests_recorder.py), which records every outermost call of a public
`keras.ops` function that a test makes on KerasTensors, and writes
test/conformance/reference/keras-ops-tests.json: one record per distinct call
(a case, or a skip with its reason), the tests that recorded no case (with
their outcome), and every public function of keras.ops.

Nothing is written into site-packages (no cache, no bytecode).

    KERAS_BACKEND=jax .venv-conformance/bin/python test/conformance/mine-keras-ops-tests.py
    ... mine-keras-ops-tests.py --files nn_test.py       # a subset, for trying
    ... mine-keras-ops-tests.py --check                  # mine again, compare with the committed file
"""

import argparse
import collections
import glob
import json
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from keras_test_mining import dump, prepare_environment, prettier, pytest_arguments  # noqa: E402
OUTPUT = os.path.join(HERE, "reference", "keras-ops-tests.json")
ROOT = "keras/src/ops"
SHAPE_TEST_CLASS = re.compile(r"^class \w*ShapeTest\(", re.MULTILINE)


def natural_key(text):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def coarse_reason(reason):
    """A skip reason without its particulars, to count skips by kind."""
    reason = re.sub(r"\([^()]*\)", "(...)", reason)
    reason = re.sub(r"Keras gives .* where the test's call gives .*", "Keras gives X where the test's call gives Y", reason)
    return reason


def deduplicate(cases):
    """Identical cases (same op, arguments, inputs and outcome) once, the first test's id kept, the others counted."""
    first = {}
    for case in cases:
        if "skip" in case:  # its arguments are not all recorded: not known to be identical to another
            first[case["id"]] = case
            continue
        key = json.dumps({k: v for k, v in case.items() if k != "id"}, sort_keys=True)
        if key in first:
            first[key]["duplicates"] = first[key].get("duplicates", 0) + 1
        else:
            first[key] = case
    return list(first.values())


def mine(files, verbose):
    prepare_environment()

    import keras
    import pytest

    import keras_ops_tests_recorder as recorder

    site_packages = os.path.dirname(os.path.dirname(os.path.abspath(keras.__file__)))
    pytest_args = pytest_arguments(files, site_packages, verbose)
    exit_code = pytest.main(pytest_args, plugins=[recorder])
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        sys.exit(f"pytest failed to run: exit code {int(exit_code)}")
    return keras, site_packages, int(exit_code), recorder.snapshot()


def short_id(nodeid):
    return nodeid.removeprefix(f"{ROOT}/")


def build_document(keras, site_packages, files, raw):
    rel = lambda path: short_id(os.path.relpath(path, site_packages))  # noqa: E731
    all_files = [rel(f) for f in files]
    recorded = []
    for case in raw["cases"]:
        recorded.append({"id": short_id(case["id"]), **{k: v for k, v in case.items() if k != "id"}})
    recorded.sort(key=lambda c: natural_key(c["id"]))
    cases = deduplicate(recorded)
    tests_with_cases = {c["id"].rpartition("#")[0] for c in recorded}
    without_cases = []
    for nodeid in sorted((short_id(n) for n in raw["collected"]), key=natural_key):
        if nodeid in tests_with_cases:
            continue
        outcome = raw["outcomes"].get(f"{ROOT}/{nodeid}", {"outcome": "not run", "reason": None})
        entry = {"test": nodeid, "outcome": outcome["outcome"]}
        reason = outcome.get("reason") or (
            "made no call of a keras.ops function on a KerasTensor" if outcome["outcome"] == "passed" else None
        )
        if reason:
            entry["reason"] = reason
        without_cases.append(entry)
    failed = [
        {"test": short_id(n), "reason": o["reason"]}
        for n, o in sorted(raw["outcomes"].items(), key=lambda kv: natural_key(kv[0]))
        if o["outcome"] == "failed" and short_id(n) in tests_with_cases
    ]
    errors = {short_id(e["file"]): e["reason"] for e in raw["collect_errors"]}
    file_of = lambda test_id: test_id.split("::")[0]  # noqa: E731
    per_file = []
    for file in all_files:
        file_cases = [c for c in cases if file_of(c["id"]) == file]
        entry = {
            "file": file,
            "tests_run": sum(1 for n in raw["collected"] if file_of(short_id(n)) == file),
            "tests_deselected": sum(1 for n in raw["deselected"] if file_of(short_id(n)) == file),
            "calls": sum(1 for c in recorded if file_of(c["id"]) == file),
            "cases": len(file_cases),
            "skipped_cases": sum(1 for c in file_cases if "skip" in c),
        }
        if file in errors:
            entry["collect_error"] = errors[file]
        per_file.append(entry)
    return {
        "generator": "test/conformance/mine-keras-ops-tests.py",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "root": ROOT,
        "note": (
            "One record per distinct outermost call of a public keras.ops function made on KerasTensors by the "
            "*ShapeTest classes of keras/src/ops/*_test.py (`cases`; `id` is file::class::test#call, relative to "
            "`root`; `duplicates` counts the identical calls of later tests). `inputs` are the KerasTensors (shape, "
            "dtype), referred to as {tensor: i} in `args` and `kwargs`; other tags: tuple, list, dict, float, slice, "
            "ellipsis, dtype. `keras` is the outcome: the output structure, or the exception. A record with `skip` "
            "cannot be written as Python source mechanically, or its fixture would not be the test's call. "
            "`public_ops`: every public function of keras.ops and its submodules, with the keras/src/ops module "
            "defining it."
        ),
        "shims": raw["shims"],
        "files": per_file,
        "public_ops": raw["public"],
        "cases": cases,
        "tests_without_cases": without_cases,
        "failed_tests_with_cases": failed,
    }


def comparable(document):
    return json.loads(json.dumps(document))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", help="test files (globs) relative to keras/src/ops; default: every *_test.py with a *ShapeTest class")
    parser.add_argument("--output", default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="mine again and compare with --output, writing nothing")
    parser.add_argument("--verbose", action="store_true", help="pytest's own progress output")
    args = parser.parse_args()

    started = time.monotonic()
    import importlib.util

    spec = importlib.util.find_spec("keras")
    if spec is None or spec.origin is None:
        sys.exit("keras is not installed in this Python")
    ops_dir = os.path.join(os.path.dirname(spec.origin), "src", "ops")
    patterns = args.files or ["*_test.py"]
    candidates = sorted({f for p in patterns for f in glob.glob(os.path.join(ops_dir, p))})
    files = [f for f in candidates if SHAPE_TEST_CLASS.search(open(f, encoding="utf-8").read())]
    if not files:
        sys.exit(f"no test files with a *ShapeTest class match {patterns} under {ops_dir}")

    keras, site_packages, exit_code, raw = mine(files, args.verbose)
    document = build_document(keras, site_packages, files, raw)
    elapsed = time.monotonic() - started

    if args.check:
        with open(args.output, encoding="utf-8") as f:
            committed = json.load(f)
        if comparable(document) == committed:
            print(f"keras-ops-tests.json: no drift ({len(document['cases'])} cases, {elapsed:.1f} s)")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(dump(document))
        old = {c["id"]: c for c in committed.get("cases", [])}
        new = {c["id"]: c for c in document["cases"]}
        changed = [i for i in new if i in old and new[i] != old[i]]
        print(
            f"keras-ops-tests.json DRIFTS from the pinned Keras: {len(set(new) - set(old))} cases added, "
            f"{len(set(old) - set(new))} removed, {len(changed)} changed (first: {', '.join(changed[:5]) or '-'}); "
            f"the mined document is in {f.name}: mine again with test/conformance/mine-keras-ops-tests.py"
        )
        sys.exit(1)

    with open(args.output, "w", encoding="utf-8") as f:
        f.write(dump(document))
    prettier(args.output)

    # --- summary ---
    cases = document["cases"]
    skipped = [c for c in cases if "skip" in c]
    calls = sum(f["calls"] for f in document["files"])
    print(f"Keras {keras.__version__} on {keras.backend.backend()}: pytest exit code {exit_code}")
    print(
        f"{len(files)} test files, {len(raw['collected'])} *ShapeTest tests run ({len(raw['deselected'])} tests of other classes deselected); "
        f"{len(raw['public'])} public keras.ops functions, wrapped in {len(raw['patched_modules'])} modules"
    )
    print(f"{calls} recorded calls, {len(cases)} distinct cases: {len(cases) - len(skipped)} usable, {len(skipped)} skipped")
    for file in document["files"]:
        print(f"  {file['file']}: {file['tests_run']} tests, {file['calls']} calls, {file['cases']} cases, {file['skipped_cases']} skipped")
    for reason, count in collections.Counter(coarse_reason(c["skip"]) for c in skipped).most_common():
        print(f"  {count:4d}  skipped: {reason}")
    raising = [c for c in cases if "error" in c["keras"]]
    print(f"{len(raising)} cases where Keras raises")
    outcomes = collections.Counter(t["outcome"] for t in document["tests_without_cases"])
    print(f"{len(document['tests_without_cases'])} tests recorded no case: {dict(sorted(outcomes.items()))}")
    for reason, count in collections.Counter(
        f"{t['outcome']}: {t.get('reason')}" for t in document["tests_without_cases"]
    ).most_common(15):
        print(f"  {count:4d}  {reason[:200]}")
    if document["failed_tests_with_cases"]:
        print(f"{len(document['failed_tests_with_cases'])} tests with cases failed:")
        for t in document["failed_tests_with_cases"]:
            print(f"        {t['test']}: {t['reason'][:160]}")
    exercised = {c["op"] for c in cases}
    print(f"{len(exercised)} of {len(raw['public'])} public functions exercised")
    for error in raw["recorder_errors"]:
        print(f"  recorder error: {error}")
    if raw["collect_errors"]:
        print(f"{len(raw['collect_errors'])} files failed to collect:")
        for e in raw["collect_errors"]:
            print(f"        {e['file']}: {e['reason']}")
    print(f"wrote {os.path.relpath(args.output)} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
