#!/usr/bin/env python3
"""Mines Keras's own layer tests into Tensor Lens fixtures.

Runs keras/src/layers/**/*_test.py of the pinned Keras (the package in
.venv-conformance) under pytest with the recorder plugin of this folder
(keras_layer_tests_recorder.py), which replaces `TestCase.run_layer_test` by a
recorder of its arguments, and writes test/conformance/reference/keras-layer-tests.json:
one record per `run_layer_test` call (a case, or a skip with its reasons), the
tests that reach `run_layer_test` but recorded nothing (with their outcome),
and the files that failed to collect.

Only tests whose source reaches `run_layer_test` (directly or through a helper
of their module) are run; `--all` runs every test. Nothing is written into
site-packages (no cache, no bytecode).

    KERAS_BACKEND=jax .venv-conformance/bin/python test/conformance/mine-keras-layer-tests.py
    ... mine-keras-layer-tests.py --files core/dense_test.py rnn/*_test.py   # a subset, for trying
"""

import argparse
import collections
import glob
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from keras_test_mining import dump, prepare_environment, prettier, pytest_arguments  # noqa: E402
OUTPUT = os.path.join(HERE, "reference", "keras-layer-tests.json")


def natural_key(text):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def coarse_reason(reason):
    """A skip reason without its particulars, to count skips by kind."""
    reason = re.sub(r"layer class \w+ \(in [\w.]+\)", "layer class X (in M)", reason)
    reason = re.sub(r"`[^`]*`", "`x`", reason)
    reason = re.sub(r"\([^()]*\)", "(...)", reason)
    reason = re.sub(r"\b\d+\b", "N", reason)
    return reason


# run_layer_test's defaults: a record leaves out what the test left at its default.
DEFAULTS = {
    "supports_masking": None,
    "run_training_check": True,
    "run_mixed_precision_check": True,
    "assert_built_after_instantiation": False,
    "custom_objects": [],
    "call_kwargs": {},
}
EXPECTED_DEFAULTS = {"output_sparse": False, "output_ragged": False, "output_given": False}


def without_defaults(case):
    case = {k: v for k, v in case.items() if k not in DEFAULTS or v != DEFAULTS[k]}
    case["expected"] = {
        k: v for k, v in case["expected"].items() if v is not None and EXPECTED_DEFAULTS.get(k, object()) != v
    }
    if case.get("skip") is None:
        case.pop("skip", None)
    if case.get("test_outcome", {}).get("reason") is None:
        case.get("test_outcome", {}).pop("reason", None)
    return case


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", help="test files (globs) relative to keras/src/layers; default: all")
    parser.add_argument("--all", action="store_true", help="run every test, not only those reaching run_layer_test")
    parser.add_argument("--output", default=OUTPUT)
    parser.add_argument("--verbose", action="store_true", help="pytest's own progress output")
    parser.add_argument(
        "--no-shape-assertions",
        action="store_true",
        help="skip the second source: layer calls whose output shape a test asserts with assertEqual",
    )
    args = parser.parse_args()

    prepare_environment()

    started = time.monotonic()
    import keras
    import pytest

    import keras_layer_tests_recorder as recorder

    site_packages = os.path.dirname(os.path.dirname(os.path.abspath(keras.__file__)))
    layers = os.path.join(site_packages, "keras", "src", "layers")
    patterns = args.files or ["**/*_test.py"]
    files = sorted({f for p in patterns for f in glob.glob(os.path.join(layers, p), recursive=True)})
    if not files:
        sys.exit(f"no test files match {patterns} under {layers}")

    pytest_args = pytest_arguments(files, site_packages, args.verbose)
    if args.all:
        pytest_args.append("--keras-layer-tests-all")
    if not args.no_shape_assertions:
        pytest_args.append("--keras-layer-tests-shape-assertions")
    exit_code = pytest.main(pytest_args, plugins=[recorder])
    elapsed = time.monotonic() - started
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        sys.exit(f"pytest failed to run: exit code {int(exit_code)}")
    raw = recorder.snapshot()

    rel = lambda path: os.path.relpath(path, site_packages)  # noqa: E731
    all_files = [rel(f) for f in files]
    cases = sorted(raw["cases"], key=lambda c: (c["file"], natural_key(c["test"]), c["call"]))
    for c in cases:
        # The test's outcome with run_layer_test recorded (not run): a test that expects it to raise fails.
        outcome = raw["outcomes"].get(f"{c['file']}::{c['test']}", {"outcome": "not run", "reason": None})
        c["test_outcome"] = {"outcome": outcome["outcome"], "reason": outcome["reason"]}
    shape_cases = sorted(raw["shape_assertions"], key=lambda c: (c["file"], natural_key(c["test"]), c["call"]))
    for c in shape_cases:
        outcome = raw["outcomes"].get(f"{c['file']}::{c['test']}", {"outcome": "not run", "reason": None})
        c["test_outcome"] = {"outcome": outcome["outcome"], "reason": outcome["reason"]}
    recorded_tests = {f"{c['file']}::{c['test']}" for c in cases}
    only_for_shapes = set(raw["for_shape_assertions"])
    without_cases = []
    for nodeid in sorted(raw["collected"], key=natural_key):
        if nodeid in recorded_tests or nodeid in only_for_shapes:
            continue
        outcome = raw["outcomes"].get(nodeid, {"outcome": "not run", "reason": None})
        file, _, test = nodeid.partition("::")
        without_cases.append({"file": file, "test": test, "outcome": outcome["outcome"], "reason": outcome["reason"]})
    errors = {e["file"]: e["reason"] for e in raw["collect_errors"]}

    per_file = []
    for file in all_files:
        file_cases = [c for c in cases if c["file"] == file]
        per_file.append(
            {
                "file": file,
                "tests_run": sum(1 for n in raw["collected"] if n.split("::")[0] == file and n not in only_for_shapes),
                "tests_run_for_shape_assertions": sum(1 for n in only_for_shapes if n.split("::")[0] == file),
                "shape_assertions": sum(1 for c in shape_cases if c["file"] == file),
                "tests_deselected": sum(1 for n in raw["deselected"] if n.split("::")[0] == file),
                "cases": len(file_cases),
                "skipped_cases": sum(1 for c in file_cases if c["skip"]),
                **({"collect_error": errors[file]} if file in errors else {}),
            }
        )

    document = {
        "generator": "test/conformance/mine-keras-layer-tests.py",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "note": (
            "One record per call of TestCase.run_layer_test in keras/src/layers/**/*_test.py (`cases`), and "
            "one per layer call whose output shape a test asserts with assertEqual (`shape_assertions`, replayed "
            "symbolically on a fresh layer: `keras`). "
            "`expected` is what the test asserts; `keras` is what Keras computes for the test's symbolic "
            "call (KerasTensors of the input shapes). Arguments the test left at run_layer_test's default are "
            "left out. A record with `skip` cannot be written as Python source mechanically. Tagged values: "
            "$tuple, $dict, $float, $dtype, $array, $call, $ref."
        ),
        "shims": raw["shims"],
        "files": per_file,
        "cases": cases,
        "tests_without_cases": without_cases,
        "shape_assertions": shape_cases,
    }
    document["cases"] = [without_defaults(c) for c in cases]
    document["shape_assertions"] = [without_defaults(c) for c in shape_cases]
    with open(args.output, "w") as f:
        f.write(dump(document))
    prettier(args.output)

    # --- summary ---
    skipped = [c for c in cases if c["skip"]]
    print(f"Keras {keras.__version__} on {keras.backend.backend()}: pytest exit code {int(exit_code)}")
    print(
        f"{len(all_files)} test files, {len(raw['collected'])} tests run "
        f"({len(raw['deselected'])} deselected: they reach neither run_layer_test nor a shape assertion)"
    )
    print(f"{len(cases)} cases: {len(cases) - len(skipped)} usable, {len(skipped)} skipped")
    by_reason = collections.Counter(coarse_reason(r) for c in skipped for r in c["skip"])
    for reason, count in by_reason.most_common():
        print(f"  {count:4d}  {reason}")
    outcomes = collections.Counter(t["outcome"] for t in without_cases)
    print(f"{len(without_cases)} tests reaching run_layer_test recorded no case: {dict(sorted(outcomes.items()))}")
    for reason, count in collections.Counter(
        f"{t['outcome']}: {t['reason']}" for t in without_cases
    ).most_common():
        print(f"  {count:4d}  {reason}")
    shape_skipped = [c for c in shape_cases if c["skip"]]
    print(
        f"second source: {len(only_for_shapes)} more tests run for their shape assertions; "
        f"{len(shape_cases)} asserted layer calls: {len(shape_cases) - len(shape_skipped)} usable, {len(shape_skipped)} skipped"
    )
    for reason, count in collections.Counter(coarse_reason(r) for c in shape_skipped for r in c["skip"]).most_common():
        print(f"  {count:4d}  {reason}")
    for error in raw["recorder_errors"]:
        print(f"  recorder error: {error}")
    keras_errors = [c for c in cases if c.get("keras", {}).get("error")]
    print(f"{len(keras_errors)} cases whose symbolic call fails in Keras itself")
    for c in keras_errors:
        print(f"        {c['file']}::{c['test']}: {c['keras']['error'][:160]}")
    for shim in raw["shims"]:
        print(f"shimmed module: {shim}")
    if raw["collect_errors"]:
        print(f"{len(raw['collect_errors'])} files failed to collect:")
        for e in raw["collect_errors"]:
            print(f"        {e['file']}: {e['reason']}")
    else:
        print("every file collected")
    empty = [f["file"] for f in per_file if f["tests_run"] == 0 and "collect_error" not in f]
    print(f"{len(empty)} files with no test reaching run_layer_test: {', '.join(os.path.basename(f) for f in empty)}")
    print(f"wrote {os.path.relpath(args.output)} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
