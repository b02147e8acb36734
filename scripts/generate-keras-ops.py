"""Regenerates src/analysis/keras/ops/ops.json from the installed Keras 3.

For every public function of `keras.ops` (and of `keras.ops.image`, whose functions the top level does not export):
its parameters in order with their defaults, its Keras module (numpy, nn, math, core, linalg, image, einops), and the
output dtype Keras gives for each input dtype, found by calling it on symbolic tensors (KerasTensor): `unary` for a
call on one tensor, `binary` for two tensors of each pair of dtypes and for a tensor with a Python int or float
(weak types, both orders), encoded one character a call; and `eagerUnary`, the input dtypes on which the op computes
another dtype eagerly than its symbolic call says (`gelu` of an int32 tensor). Run with the pinned Keras:
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


# The Operation class behind each op, as a functional model's summary() names its node (`sigmoid (Sigmoid)`).
operation_classes = {}


def dtype_of(result, fn=None):
    if not isinstance(result, KerasTensor):
        return None
    history = getattr(result, "_keras_history", None)
    if fn is not None and history is not None and fn not in operation_classes:
        operation_classes[fn] = type(history[0]).__name__
    return result.dtype


def operation_class_in_source(fn):
    """The Operation class an op's source makes its symbolic call with (`Slogdet().symbolic_call(x)`), when calls on the
    tensors tried here do not reach it (ops taking functions, shapes, several arguments): the one class of the op's module
    that derives from Operation and that its source instantiates."""
    import ast

    from keras.src.ops.operation import Operation

    module = sys.modules[fn.__module__]
    try:
        tree = ast.parse(inspect.getsource(fn).strip())
    except (OSError, TypeError, SyntaxError):
        return None
    made = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and isinstance(getattr(module, node.func.id, None), type) and issubclass(getattr(module, node.func.id), Operation)
    }
    return made.pop() if len(made) == 1 else None


def call(fn, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dtype_of(fn(*args), fn)
    except Exception:
        return None


# The shapes tried, in order, until one call of each dtype succeeds: (2, 3) suits element-wise ops, the others
# matrices (matmul, inv), vectors, images (conv, resize) and stacks of square matrices.
UNARY_SHAPES = [(2, 3), (3, 3), (4,), (1, 4, 4, 3), (2, 3, 3)]
BINARY_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3, 2)), ((3, 3), (3,)), ((3, 3), (3, 3)), ((1, 4, 4, 3), (2, 2, 3, 2)), ((4,), (4,))]


def tensor(dtype, shape=(2, 3)):
    return KerasTensor(shape, dtype=dtype)


def unary_table(fn):
    """One tensor, alone or with a second argument of 1 (an axis, a size, repeats: `tile(x, 1)`, `one_hot(x, 1)`)."""
    for shape in UNARY_SHAPES:
        for extra in ((), (1,)):
            table = {d: call(fn, tensor(d, shape), *extra) for d in DTYPES}
            table = {d: out for d, out in table.items() if out is not None}
            if table:
                return table
    return {}


# Dtypes whose eager result does not depend on 64-bit support in the backend (JAX holds int64 as int32 without x64).
EAGER_DTYPES = [d for d in DTYPES if not d.endswith("64")]


def eager_unary_mismatches(fn, symbolic):
    """Where the op's eager result on one concrete tensor has another dtype than its symbolic call gives (`gelu` of an
    int32 tensor: int32 symbolically, float32 computed): {input dtype: eager dtype}."""
    import numpy as np

    out = {}
    for shape in UNARY_SHAPES:
        for extra in ((), (1,)):
            for d in EAGER_DTYPES:
                if d not in symbolic or d in out:
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        result = fn(keras.ops.convert_to_tensor(np.ones(shape), dtype=d), *extra)
                    eager = keras.backend.standardize_dtype(result.dtype)
                except Exception:
                    continue
                if eager != symbolic[d]:
                    out[d] = eager
    return out


def binary_table(fn):
    for first, second in BINARY_SHAPES:
        table = {}
        for a in DTYPES:
            for b in DTYPES:
                out = call(fn, tensor(a, first), tensor(b, second))
                if out is not None:
                    table[f"{a}|{b}"] = out
            for name, value in SCALARS.items():
                for key, args in ((f"{a}|{name}", (tensor(a, first), value)), (f"{name}|{a}", (value, tensor(a, first)))):
                    out = call(fn, *args)
                    if out is not None:
                        table[key] = out
        # A table needs two tensors accepted; a tensor and a number alone is a call with some other parameter.
        if any(a in DTYPES and b in DTYPES for a, b in (key.split("|") for key in table)):
            return table
    return {}


def result_type_table():
    """keras.backend.result_type of every pair, Python scalars by their type (weak, as Keras treats them)."""
    table = {}
    for a in DTYPES:
        for b in DTYPES:
            table[f"{a}|{b}"] = keras.backend.result_type(a, b)
        for name in SCALARS:
            table[f"{a}|{name}"] = keras.backend.result_type(a, {"int": int, "float": float}[name])
            table[f"{name}|{a}"] = table[f"{a}|{name}"]
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
        eager = eager_unary_mismatches(fn, unary)
        if eager:
            entry["eagerUnary"] = eager
    binary = binary_table(fn)
    if binary:
        entry["binary"] = binary
    if fn not in operation_classes:
        # Ops the tables do not call on tensors alone: on a list of tensors (concatenate), or with bounds (clip).
        for args in (([tensor("float32"), tensor("float32")],), (tensor("float32"), 0, 1), (tensor("float32"), (2, 3))):
            call(fn, *args)
    if fn not in operation_classes:
        source_class = operation_class_in_source(fn)
        if source_class:
            operation_classes[fn] = source_class
    if fn in operation_classes:
        entry["class"] = operation_classes[fn]
    ops[path] = entry

# The tables as strings of one character per call, an index into `names` (`-` where Keras refuses the call): unary in
# the order of DTYPES; binary for (a, b) with a in DTYPES and b in DTYPES + ["int", "float"], then (scalar, a).
operands = DTYPES + list(SCALARS)
binary_keys = [f"{a}|{b}" for a in DTYPES for b in operands] + [f"{s}|{a}" for s in SCALARS for a in DTYPES]
promotion = result_type_table()
names = sorted({d for e in ops.values() for t in ("unary", "binary") for d in e.get(t, {}).values()} | set(DTYPES) | set(promotion.values()))
alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
code = {d: alphabet[i] for i, d in enumerate(names)}
for entry in ops.values():
    if "unary" in entry:
        entry["unary"] = "".join(code.get(entry["unary"].get(d), "-") for d in DTYPES)
    if "binary" in entry:
        entry["binary"] = "".join(code.get(entry["binary"].get(k), "-") for k in binary_keys)

result_type = "".join(code[promotion[k]] for k in binary_keys)
table = {
    "keras": keras.__version__,
    "dtypes": DTYPES,
    "scalars": list(SCALARS),
    "names": names,
    "result_type": result_type,
    "ops": ops,
}
out = os.path.join(os.path.dirname(__file__), "..", "src", "analysis", "keras", "ops", "ops.json")
with open(out, "w") as f:
    json.dump(table, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(ops)} ops from Keras {keras.__version__}", file=sys.stderr)
