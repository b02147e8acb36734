"""Regenerates src/analysis/keras/ops/ops.json from the installed Keras 3.

For every public function of `keras.ops` (and of `keras.ops.image`, whose functions the top level does not export):
its parameters in order with their defaults, its Keras module (numpy, nn, math, core, linalg, image, einops), and the
output dtype Keras gives for each input dtype, found by calling it on symbolic tensors (KerasTensor): `unary` for a
call on one tensor, `binary` for two tensors of each pair of dtypes and for a tensor with a Python int or float
(weak types, both orders), encoded one character a call. Run with the pinned Keras:
    KERAS_BACKEND=jax .venv-conformance/bin/python scripts/generate-keras-ops.py
"""
import inspect
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras import KerasTensor  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_signature import describe_parameters  # noqa: E402

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "bfloat16", "float16", "float32", "float64"]
SCALARS = {"int": 2, "float": 2.5}


def dtype_of(result):
    return result.dtype if isinstance(result, KerasTensor) else None


def call(fn, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dtype_of(fn(*args))
    except Exception:
        return None


def tensor(dtype):
    return KerasTensor((2, 3), dtype=dtype)


def unary_table(fn):
    table = {d: call(fn, tensor(d)) for d in DTYPES}
    return {d: out for d, out in table.items() if out is not None}


def binary_table(fn):
    table = {}
    for a in DTYPES:
        for b in DTYPES:
            out = call(fn, tensor(a), tensor(b))
            if out is not None:
                table[f"{a}|{b}"] = out
        for name, value in SCALARS.items():
            for key, args in ((f"{a}|{name}", (tensor(a), value)), (f"{name}|{a}", (value, tensor(a)))):
                out = call(fn, *args)
                if out is not None:
                    table[key] = out
    return table


def public_functions():
    found = {}
    for name in sorted(dir(keras.ops)):
        value = getattr(keras.ops, name)
        if not name.startswith("_") and callable(value) and not inspect.ismodule(value) and not inspect.isclass(value):
            found[f"keras.ops.{name}"] = value
    exported = {id(v) for v in found.values()}
    for name in sorted(dir(keras.ops.image)):
        value = getattr(keras.ops.image, name)
        if not name.startswith("_") and callable(value) and not inspect.isclass(value) and id(value) not in exported:
            found[f"keras.ops.image.{name}"] = value
    return found


def aliases_of(fn):
    """The other public paths of the same function object (`keras.ops.nn.relu` for `keras.ops.relu`)."""
    paths = []
    for module in ("nn", "numpy", "image", "linalg"):
        namespace = getattr(keras.ops, module)
        for name in dir(namespace):
            if not name.startswith("_") and getattr(namespace, name) is fn:
                paths.append(f"keras.ops.{module}.{name}")
    return sorted(paths)


ops = {}
for path, fn in public_functions().items():
    entry = {"module": fn.__module__.rsplit(".", 1)[-1], "parameters": describe_parameters(fn)}
    aliases = [a for a in aliases_of(fn) if a != path]
    if aliases:
        entry["aliases"] = aliases
    unary = unary_table(fn)
    if unary:
        entry["unary"] = unary
    binary = binary_table(fn)
    if binary:
        entry["binary"] = binary
    ops[path] = entry

# The tables as strings of one character per call, an index into `names` (`-` where Keras refuses the call): unary in
# the order of DTYPES; binary for (a, b) with a in DTYPES and b in DTYPES + ["int", "float"], then (scalar, a).
operands = DTYPES + list(SCALARS)
binary_keys = [f"{a}|{b}" for a in DTYPES for b in operands] + [f"{s}|{a}" for s in SCALARS for a in DTYPES]
names = sorted({d for e in ops.values() for t in ("unary", "binary") for d in e.get(t, {}).values()} | set(DTYPES))
alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
code = {d: alphabet[i] for i, d in enumerate(names)}
for entry in ops.values():
    if "unary" in entry:
        entry["unary"] = "".join(code.get(entry["unary"].get(d), "-") for d in DTYPES)
    if "binary" in entry:
        entry["binary"] = "".join(code.get(entry["binary"].get(k), "-") for k in binary_keys)

table = {"keras": keras.__version__, "dtypes": DTYPES, "scalars": list(SCALARS), "names": names, "ops": ops}
out = os.path.join(os.path.dirname(__file__), "..", "src", "analysis", "keras", "ops", "ops.json")
with open(out, "w") as f:
    json.dump(table, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(ops)} ops from Keras {keras.__version__}", file=sys.stderr)
