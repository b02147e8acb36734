#!/usr/bin/env python3
"""Keras's values for the mined ops shape tests, made concrete: test/conformance/reference/keras-ops-values.json.

Every case of reference/keras-ops-tests.json that Keras accepts (and a call of each op that none calls, on one tensor
or two) is called again, eagerly, on numbers: each input
KerasTensor becomes an array of its shape (an unknown size, None, becomes 2) filled by `sample` below, and the call's
outputs are recorded (shape, dtype, values to 8 significant digits). The engine test
(ops-values.test.ts) writes the same call as source, feeds the same numbers and compares. A case whose call Keras
refuses on these numbers, or whose output is not tensors, is recorded with `skip` and the reason.

    KERAS_BACKEND=jax .venv-conformance/bin/python test/conformance/generate-ops-values.py
    ... generate-ops-values.py --check        # generate again, compare with the committed file
    ... generate-ops-values.py --check --sample 150   # about 150 cases, spread evenly
"""

import argparse
import json
import math
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from keras_ops_tests_recorder import decode  # noqa: E402
from keras_test_mining import dump, prepare_environment, prettier  # noqa: E402

TESTS = os.path.join(HERE, "reference", "keras-ops-tests.json")
OUTPUT = os.path.join(HERE, "reference", "keras-ops-values.json")
OPS = os.path.join(HERE, "..", "..", "src", "analysis", "keras", "ops", "ops.json")
UNKNOWN_SIZE = 2
LARGEST_OUTPUT = 4096


def sample(shape, seed):
    """round(sin(i·1.37 + seed·2.11), 3) for i in range(size): deterministic values in [-1, 1]."""
    size = math.prod(shape)
    return [round(math.sin(i * 1.37 + seed * 2.11), 3) for i in range(size)]


def input_array(spec, seed):
    """A float input is `sample`; an integer one 5·sample rounded (absolute if unsigned); a bool one sample > 0."""
    import numpy as np

    shape = [UNKNOWN_SIZE if d is None else d for d in spec["shape"]]
    values = np.array(sample(shape, seed), dtype="float64").reshape(shape)
    dtype = spec["dtype"]
    if dtype == "bool":
        return values > 0
    if dtype.startswith("int") or dtype.startswith("uint"):
        values = np.round(values * 5)
        return (np.abs(values) if dtype.startswith("uint") else values).astype(dtype)
    return values.astype(dtype)


def significant(x):
    if isinstance(x, bool):
        return x
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.8g}")


def outputs_of(result):
    """The tensors of a result in order (a tensor, or a tuple or list of them), as records."""
    import numpy as np
    from keras import ops

    leaves = list(result) if isinstance(result, (tuple, list)) else [result]
    records = []
    for leaf in leaves:
        # JAX returns some ops' results as arrays of its own (stop_gradient): tensors for this purpose.
        if not (ops.is_tensor(leaf) or isinstance(leaf, np.ndarray) or hasattr(leaf, "__array__")) or np.isscalar(leaf):
            raise TypeError(f"an output is a {type(leaf).__name__}, not a tensor")
        array = np.asarray(ops.convert_to_numpy(leaf))
        if array.size > LARGEST_OUTPUT:
            raise ValueError(f"an output has {array.size} values, more than {LARGEST_OUTPUT}")
        if np.iscomplexobj(array):
            raise TypeError("an output is complex")
        values = [significant(v) for v in array.reshape(-1).tolist()]
        records.append({"shape": list(array.shape), "dtype": str(getattr(leaf, "dtype", array.dtype)), "values": values})
    return records


# The arguments an op needs beyond its tensors, for a generated call of ops whose mined cases the engine cannot evaluate
# (Keras's tests cast to float16 only): always generated.
REQUIRED_ARGUMENTS = {"keras.ops.cast": {"dtype": "int32"}}


def _spec(shape, dtype="float32"):
    return {"shape": list(shape), "dtype": dtype}


# Calls for ops whose mined cases Keras refuses eagerly (float indices) or that no mined case calls with arguments
# Keras accepts: one each, written here; Keras's eager result is still the referee.
def _function(name, source):
    """A function argument, encoded as keras_ops_tests_recorder.py encodes a test's lambda."""
    return {"function": {"name": name, "source": source + "\n"}}


EXTRA_CALLS = {
    "keras.ops.take_along_axis": {
        "inputs": [_spec((3, 4)), _spec((3, 2), "uint8")],
        "args": [{"tensor": 0}, {"tensor": 1}],
        "kwargs": {"axis": 1},
    },
    "keras.ops.rot90": {"inputs": [_spec((2, 3))], "args": [{"tensor": 0}]},
    "keras.ops.select": {
        "inputs": [_spec((2, 3), "bool"), _spec((2, 3), "bool"), _spec((2, 3)), _spec((2, 3))],
        "args": [{"list": [{"tensor": 0}, {"tensor": 1}]}, {"list": [{"tensor": 2}, {"tensor": 3}]}],
    },
    "keras.ops.rearrange": {"inputs": [_spec((2, 3, 4))], "args": [{"tensor": 0}, "b h w -> b (h w)"]},
    "keras.ops.meshgrid": {"inputs": [_spec((3,)), _spec((4,))], "args": [{"tensor": 0}, {"tensor": 1}]},
    "keras.ops.bincount": {"inputs": [_spec((6,), "uint8")], "args": [{"tensor": 0}], "kwargs": {"minlength": 6}},
    "keras.ops.histogram": {"inputs": [_spec((10,))], "args": [{"tensor": 0}], "kwargs": {"bins": 5}},
    "keras.ops.depth_to_space": {"inputs": [_spec((1, 2, 2, 8))], "args": [{"tensor": 0}, 2]},
    "keras.ops.space_to_depth": {"inputs": [_spec((1, 4, 4, 2))], "args": [{"tensor": 0}, 2]},
    "keras.ops.layer_normalization": {"inputs": [_spec((2, 3))], "args": [{"tensor": 0}]},
    "keras.ops.psnr": {"inputs": [_spec((2, 3)), _spec((2, 3))], "args": [{"tensor": 0}, {"tensor": 1}, 1.0]},
    "keras.ops.dot_product_attention": {
        "inputs": [_spec((2, 4, 2, 8)), _spec((2, 4, 2, 8)), _spec((2, 4, 2, 8))],
        "args": [{"tensor": 0}, {"tensor": 1}, {"tensor": 2}],
    },
    "keras.ops.unfold": {"inputs": [_spec((1, 2, 4, 4))], "args": [{"tensor": 0}, 2]},
    "keras.ops.fold": {"inputs": [_spec((1, 8, 4))], "args": [{"tensor": 0}, {"tuple": [4, 4]}, 2], "kwargs": {"stride": 2}},
    # channels_first: Keras's symbolic shape of a channels_last adaptive pool keeps a spatial axis (its
    # compute_output_spec cuts inputs.shape[:-len(output_size)]), and an int output_size has no len() there.
    **{
        f"keras.ops.{name}": {
            "inputs": [_spec((1, 2, 5, 5))],
            "args": [{"tensor": 0}, {"tuple": [2, 2]}],
            "kwargs": {"data_format": "channels_first"},
        }
        for name in ("adaptive_max_pool", "adaptive_average_pool")
    },
    # Inputs are filled by their position: the unused (1,) ones shift the seeds so that the lengths fit the labels.
    "keras.ops.ctc_loss": {
        "inputs": [_spec((2, 6, 6)), _spec((2,), "uint8"), _spec((2, 4), "uint8"), _spec((1,)), _spec((1,)), _spec((2,), "uint8")],
        "args": [{"tensor": 2}, {"tensor": 0}, {"tensor": 1}, {"tensor": 5}],
    },
    # Integer indices (uint8: 0..5) that address the shapes given, without repeats.
    "keras.ops.slice_update": {
        "inputs": [_spec((4, 4)), _spec((2, 2))],
        "args": [{"tensor": 0}, {"tuple": [1, 2]}, {"tensor": 1}],
    },
    "keras.ops.scatter": {
        "inputs": [_spec((3, 2), "uint8"), _spec((3,))],
        "args": [{"tensor": 0}, {"tensor": 1}, {"tuple": [6, 6]}],
    },
    "keras.ops.scatter_update": {
        "inputs": [_spec((6, 6)), _spec((3, 2), "uint8"), _spec((3,))],
        "args": [{"tensor": 0}, {"tensor": 1}, {"tensor": 2}],
    },
    "keras.ops.saturate_cast": {"inputs": [_spec((3, 4), "int32")], "args": [{"tensor": 0}, "uint8"]},
    "keras.ops.image.sobel_edges": {"inputs": [_spec((1, 4, 4, 2))], "args": [{"tensor": 0}]},
    "keras.ops.image.extract_patches_3d": {"inputs": [_spec((1, 4, 4, 4, 2))], "args": [{"tensor": 0}, 2]},
    "keras.ops.gcd": {"inputs": [_spec((2, 3), "int32"), _spec((2, 3), "int32")], "args": [{"tensor": 0}, {"tensor": 1}]},
    "keras.ops.lcm": {"inputs": [_spec((2, 3), "int32"), _spec((2, 3), "int32")], "args": [{"tensor": 0}, {"tensor": 1}]},
    "keras.ops.ldexp": {"inputs": [_spec((2, 3)), _spec((2, 3), "int32")], "args": [{"tensor": 0}, {"tensor": 1}]},
    "keras.ops.in_top_k": {"inputs": [_spec((3,), "uint8"), _spec((3, 6))], "args": [{"tensor": 0}, {"tensor": 1}, 2]},
    "keras.ops.segment_min": {
        "inputs": [_spec((4, 2)), _spec((4,), "uint8")],
        "args": [{"tensor": 0}, {"tensor": 1}],
        "kwargs": {"num_segments": 6},
    },
    "keras.ops.segment_prod": {
        "inputs": [_spec((4, 2)), _spec((4,), "uint8")],
        "args": [{"tensor": 0}, {"tensor": 1}],
        "kwargs": {"num_segments": 6},
    },
    # Keras's tests give these float inputs, which JAX refuses.
    **{
        f"keras.ops.{name}": {"inputs": [_spec((2, 3), "int32"), _spec((2, 3), "int32")], "args": [{"tensor": 0}, {"tensor": 1}]}
        for name in ("bitwise_and", "bitwise_or", "bitwise_xor")
    },
    **{
        f"keras.ops.{name}": {"inputs": [_spec((2, 3), "int32"), _spec((2, 3), "uint8")], "args": [{"tensor": 0}, {"tensor": 1}]}
        for name in ("bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift")
    },
    **{
        f"keras.ops.{name}": {"inputs": [_spec((2, 3), "int32")], "args": [{"tensor": 0}]}
        for name in ("bitwise_not", "bitwise_invert")
    },
    # A symmetric positive definite input (the samples give none larger than 1x1), and a well-conditioned triangular
    # factor (the unused first input moves it to the sample of seed 1, whose diagonal has no zero).
    "keras.ops.cholesky": {"inputs": [_spec((1,), "bool"), _spec((1, 1))], "args": [{"tensor": 1}]},
    "keras.ops.cholesky_inverse": {"inputs": [_spec((1,), "bool"), _spec((3, 3))], "args": [{"tensor": 1}]},
    # Well-conditioned inputs: the (4, 3) and (20, 20) samples of Keras's tests are nearly singular (a sampled sine
    # satisfies a three-term recurrence), so their vectors and inverses are float32 rounding, not values to compare.
    "keras.ops.qr": {"inputs": [_spec((3, 2))], "args": [{"tensor": 0}]},
    "keras.ops.pinv": {"inputs": [_spec((3, 2))], "args": [{"tensor": 0}]},
    # The loop and the branches of Keras's own tests are refused by JAX on the sampled numbers (a condition of many
    # elements, a float index): these give JAX a scalar condition and an int index.
    "keras.ops.while_loop": {
        "inputs": [_spec((2, 3))],
        "args": [_function("fn_0", "fn_0 = lambda v: keras.ops.sum(v) < 10.0"), _function("fn_1", "fn_1 = lambda v: v * 2.0 + 1.0"), {"tensor": 0}],
    },
    "keras.ops.switch": {
        "inputs": [_spec((2, 3))],
        "args": [1, {"list": [_function("fn_0", "fn_0 = lambda a: a * 2.0"), _function("fn_1", "fn_1 = lambda a: a - 1.0")]}, {"tensor": 0}],
    },
    # One 2x2 matrix: Keras's symbolic slogdet gives a stack's sign the shape (), and every 3x3 sample is singular.
    "keras.ops.slogdet": {"inputs": [_spec((2, 2))], "args": [{"tensor": 0}]},
    # A tensor fill value, broadcast to the shape (its calls on Python values are PYTHON_VALUE_CALLS).
    "keras.ops.full": {"inputs": [_spec((2, 1), "int32")], "args": [{"tuple": [2, 2, 3]}, {"tensor": 0}]},
}


def _python_call(op, *args, **kwargs):
    return {"op": f"keras.ops.{op}", "inputs": [], "args": list(args), "kwargs": kwargs}


# Calls on Python values alone (no tensor: Keras computes them at once, the engine by the op's kernel), for the ops that
# make tensors from numbers and for a few element-wise ops of a Python number. Whole floats are not written (JSON reads
# 2.0 as 2): each is recorded as `python-values::<op>#<n>`.
PYTHON_VALUE_CALLS = [
    _python_call("arange", 10),
    _python_call("arange", 2, 9),
    _python_call("arange", 1, 10, 3),
    _python_call("arange", 10, 0, -2),
    _python_call("arange", 4.5),
    _python_call("arange", 0.5, 5),
    _python_call("arange", 2, 10.5, 1.5),
    _python_call("arange", 0, 1, 0.1),
    _python_call("arange", -1.5, 1, 0.25),
    _python_call("arange", 1, -1, -0.3),
    _python_call("arange", 1, 6, dtype="float32"),
    _python_call("arange", 0.5, 5.5, 1.5, dtype="int32"),
    _python_call("arange", -3, 3, dtype="int8"),
    _python_call("arange", 250, 260, dtype="uint8"),
    _python_call("eye", 3),
    _python_call("eye", 3, 4),
    _python_call("eye", 3, 4, k=1),
    _python_call("eye", 4, 3, k=-1, dtype="int32"),
    _python_call("eye", 3, k=5),
    _python_call("eye", 2, dtype="bool"),
    _python_call("identity", 3),
    _python_call("identity", 4, dtype="int32"),
    _python_call("tri", 3),
    _python_call("tri", 3, 4, k=1),
    _python_call("tri", 4, 3, k=-1, dtype="int32"),
    _python_call("tri", 2, dtype="bool"),
    _python_call("full", {"tuple": [2, 3]}, 7),
    _python_call("full", {"tuple": [2, 3]}, 2.5),
    _python_call("full", {"tuple": [2, 3]}, -2.5, dtype="int32"),
    _python_call("full", 4, True),
    _python_call("full", {"tuple": [3]}, 0.5, dtype="bool"),
    _python_call("full", {"tuple": [2, 2]}, 300, dtype="uint8"),
    _python_call("empty", {"tuple": [2, 3]}),
    _python_call("bartlett", 5),
    _python_call("bartlett", 8),
    _python_call("bartlett", 1),
    _python_call("blackman", 5),
    _python_call("blackman", 12),
    _python_call("hamming", 5),
    _python_call("hamming", 6),
    _python_call("hanning", 7),
    _python_call("hanning", 10),
    _python_call("kaiser", 5, 3.5),
    _python_call("kaiser", 8, 14),
    _python_call("kaiser", 6, 0),
    _python_call("kaiser", 7, -2.5),
    _python_call("kaiser", 4, 100),
    _python_call("kaiser", 1, 2.5),
    _python_call("linspace", 0, 1, 5),
    _python_call("linspace", 0, 10, 4, endpoint=False),
    _python_call("linspace", -1.5, 2.5, 9),
    _python_call("logspace", 0, 2, 5),
    _python_call("logspace", 1, 3, 4, base=2),
    _python_call("geomspace", 1, 1000, 4),
    _python_call("cast", 8, "float32"),
    _python_call("cast", 2.7, "int32"),
    _python_call("cast", -2.7, "int32"),
    _python_call("cast", 0.5, "bool"),
    _python_call("convert_to_tensor", 3),
    _python_call("convert_to_tensor", 2.5),
    _python_call("sqrt", 2.5),
    _python_call("sqrt", 4),
    _python_call("exp", 1),
    _python_call("abs", -3),
    _python_call("negative", 2.5),
    _python_call("isnan", 0.7),
    _python_call("logical_not", 0.5),
    _python_call("sign", -0.5),
    _python_call("zeros_like", 3),
    _python_call("ones_like", 2.5),
    _python_call("full_like", 3, 7.5),
]


# The Python numbers every op with a one-tensor dtype table (ops.json) is called on, alone: a float and an int.
PYTHON_NUMBERS = (0.7, 3)
# Ops of that table the analysis does not make a tensor of on a Python number, though Keras does: average, corrcoef,
# diagflat and normalize it leaves to the backend ("computed eagerly"), argsort's rule refuses a 0-d input.
PYTHON_NUMBERS_UNANALYSED = {f"keras.ops.{name}" for name in ("average", "corrcoef", "diagflat", "normalize", "argsort")}


def python_value_calls():
    """The PYTHON_VALUE_CALLS, with their ids (`python-values::<op>#<n>`, numbered per op), then each op with a
    one-tensor dtype table on each of PYTHON_NUMBERS (`python-values::<op>(<number>)`), those recorded only where
    Keras accepts the call (most ops want a tensor of some rank: their refusals are no cases)."""
    counts = {}
    calls = []
    for call in PYTHON_VALUE_CALLS:
        n = counts.get(call["op"], 0)
        counts[call["op"]] = n + 1
        calls.append({"id": f"python-values::{call['op']}#{n}", "call": call})
    table = json.load(open(OPS))["ops"]
    for path, entry in sorted(table.items()):
        if "unary" not in entry or path.startswith("keras.ops.image.") or path in PYTHON_NUMBERS_UNANALYSED:
            continue
        for number in PYTHON_NUMBERS:
            call = {"op": path, "inputs": [], "args": [number], "kwargs": {}}
            calls.append({"id": f"python-values::{path}({number})", "call": call, "accepted_only": True})
    return calls


def generated_calls(tested):
    """For each public op no mined case calls (and those of EXTRA_CALLS and REQUIRED_ARGUMENTS), the calls to try in
    order, the first Keras accepts being recorded: on one (2, 3) float32 tensor, then on two, where its generated dtype
    tables (ops.json) say Keras takes them. Each is described as a mined case is (`call`)."""
    table = json.load(open(OPS))
    calls = []
    for path, entry in sorted(table["ops"].items()):
        forced = path in REQUIRED_ARGUMENTS or path in EXTRA_CALLS
        image = path.removeprefix("keras.ops.").split(".")[0] == "image"
        if (path in tested and not forced) or (image and path not in EXTRA_CALLS):
            continue
        candidates = []
        if path in EXTRA_CALLS:
            candidates.append({"op": path, **EXTRA_CALLS[path]})
        for arity in (1, 2):
            if arity == 1 and "unary" not in entry and path not in REQUIRED_ARGUMENTS or arity == 2 and "binary" not in entry:
                continue
            call = {"op": path, "inputs": [_spec((2, 3)) for _ in range(arity)], "args": [{"tensor": i} for i in range(arity)]}
            if path in REQUIRED_ARGUMENTS:
                call["kwargs"] = REQUIRED_ARGUMENTS[path]
            candidates.append(call)
        if candidates:
            calls.append({"id": f"generated::{path}", "candidates": candidates})
    return calls


def run_call(keras, case):
    """Keras's eager outputs for a call (inputs filled by `sample`), or raises what Keras raises."""
    tensors = [input_array(spec, seed) for seed, spec in enumerate(case["inputs"])]
    function = keras.ops
    for part in case["op"].removeprefix("keras.ops.").split("."):
        function = getattr(function, part)
    keras.config.set_image_data_format(case.get("image_data_format", "channels_last"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = function(
            *(decode(a, tensors) for a in case["args"]),
            **{k: decode(v, tensors) for k, v in case.get("kwargs", {}).items()},
        )
    return outputs_of(result)


def refusal(error):
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message}"[:300]


def first_accepted(keras, generated):
    """The first of a generated op's candidate calls that Keras accepts, with its outputs; else the last refusal."""
    record = {"id": generated["id"]}
    for call in generated["candidates"]:
        try:
            outputs = run_call(keras, call)
        except Exception as error:  # noqa: BLE001
            record = {"id": generated["id"], "call": call, "skip": refusal(error)}
            continue
        return {"id": generated["id"], "call": call, "outputs": outputs}
    return record


def generate(sample=None):
    """Every case, or about `sample` of them spread evenly (for a quick drift check)."""
    prepare_environment()
    import keras

    document = json.load(open(TESTS))
    tested = {c["op"] for c in document["cases"] if "skip" not in c}
    cases = []
    table = json.load(open(OPS))["ops"]
    seeded = {path for path, entry in table.items() if any(p["name"] == "seed" for p in entry["parameters"])}
    candidates = document["cases"] + generated_calls(tested) + python_value_calls()
    step = max(1, len(candidates) // sample) if sample else 1
    for case in candidates[::step]:
        if "call" in case:
            record = {"id": case["id"], "call": case["call"]}
            try:
                cases.append({**record, "outputs": run_call(keras, case["call"])})
            except Exception as error:  # noqa: BLE001
                if not case.get("accepted_only"):
                    cases.append({**record, "skip": refusal(error)})
            continue
        if "candidates" in case:
            cases.append(first_accepted(keras, case))
            continue
        if "skip" in case or "error" in case.get("keras", {}) or not case.get("inputs"):
            continue
        if any(t.get("sparse") or t.get("ragged") for t in case["inputs"]):
            continue
        record = {"id": case["id"]}
        try:
            record["outputs"] = run_call(keras, case)
            # An op with a seed parameter left None draws new numbers each call: no values to compare with.
            if case["op"] in seeded and run_call(keras, case) != record["outputs"]:
                record = {"id": case["id"], "skip": "random: Keras gives other values on each call"}
        except Exception as error:  # noqa: BLE001 - every refusal is recorded with its reason
            record["skip"] = refusal(error)
        cases.append(record)
    return {
        "generator": "test/conformance/generate-ops-values.py",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "note": (
            "Keras's eager outputs for the cases of keras-ops-tests.json that Keras accepts (sparse and ragged "
            "inputs left out), for a call of each public op no such case calls (`generated::<op>`, its `call` "
            "given: the op on one (2, 3) float32 tensor, or two, where ops.json has a dtype table for it), and for "
            "calls on Python values alone (`python-values::<op>#<n>`, no inputs): inputs of the recorded shapes, None as {UNKNOWN_SIZE}, filled with "
            "round(sin(i*1.37 + k*2.11), 3) for input k (integers: 5x that, rounded, absolute if unsigned; "
            "bool: > 0). Values to 8 significant digits; nan and infinities as strings. `skip`: why there "
            "are no values."
        ),
        "unknown_size": UNKNOWN_SIZE,
        "cases": cases,
    }


def same(committed, fresh):
    """Equal, numbers within float32 rounding (1e-6 relative): XLA rounds differently on CPUs of other vector widths."""
    if isinstance(committed, bool) or isinstance(fresh, bool):
        return committed == fresh
    if isinstance(committed, (int, float)) and isinstance(fresh, (int, float)):
        return abs(committed - fresh) <= 1e-7 + 1e-6 * abs(committed)
    if isinstance(committed, list) and isinstance(fresh, list):
        return len(committed) == len(fresh) and all(same(a, b) for a, b in zip(committed, fresh))
    if isinstance(committed, dict) and isinstance(fresh, dict):
        return committed.keys() == fresh.keys() and all(same(committed[k], fresh[k]) for k in committed)
    return committed == fresh


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    parser.add_argument("--sample", type=int, help="with --check: about this many cases, spread evenly")
    args = parser.parse_args()
    document = generate(args.sample if args.check else None)
    if args.check:
        with open(OUTPUT, encoding="utf-8") as f:
            committed = json.load(f)
        old = {c["id"]: c for c in committed.get("cases", [])}
        changed = [c["id"] for c in document["cases"] if not same(old.get(c["id"]), json.loads(json.dumps(c)))]
        rest = {k: v for k, v in document.items() if k != "cases"}
        if changed or json.loads(json.dumps(rest)) != {k: v for k, v in committed.items() if k != "cases"}:
            sys.exit(
                f"keras-ops-values.json DRIFTS from the pinned Keras ({len(changed)} cases differ, first: "
                f"{', '.join(changed[:5]) or '-'}): run {document['generator']}"
            )
        print(f"keras-ops-values.json: no drift ({len(document['cases'])} cases regenerated)")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(dump(document))
    prettier(OUTPUT)
    skipped = sum(1 for c in document["cases"] if "skip" in c)
    print(f"wrote {len(document['cases'])} cases ({skipped} skipped) to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
