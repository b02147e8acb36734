"""Regenerates src/analysis/keras/ops/aliases.json: the TensorFlow, NumPy and keras.activations functions that compute
what a keras.ops function computes, found and checked by calling both.

1. The public functions of tf, tf.math, tf.nn, tf.linalg, tf.image, tf.signal, numpy, numpy.linalg and
   keras.activations are enumerated.
2. Each one's candidate counterpart is the keras.ops function of the same name (keras.ops.image's for tf.image), or
   the one the RENAMES table below names (`tf.math.reduce_sum` -> `keras.ops.sum`). The table is a list of guesses:
   nothing in it is kept unless the check below agrees.
3. The alias's parameters are mapped to the keras op's: by name where the names agree, else by position over the
   leading positional parameters, onto those the keras op requires (`input_tensor` -> `x`), or as RENAMES says. TensorFlow's `name=` is ignored; any
   other parameter without a counterpart is recorded with its default, and a call giving it another value is unknown.
   Where an alias's default differs from the keras op's (`keras.activations.gelu(approximate=False)`), the alias's
   default is passed when the call omits it, if that is what agrees with the alias (OMITTED adds guesses where the
   same default means two things: TensorFlow's `argmax(axis=None)` is axis 0).
4. Both are called on the same inputs: several shapes and dtypes, `axis`/`keepdims` variants, each alias with
   TensorFlow tensors (NumPy arrays for NumPy, Keras's for keras.activations). The keras op is called on KerasTensors
   for the shape and dtype (what Tensor Lens reproduces) and eagerly for the values (jax computes float64 in float32:
   the values still agree to the tolerance). A trial's key is the dtypes of its tensor arguments (`float32`,
   `int32|float` for a tensor and a Python float, `[float32]` for a list); its other arguments are each read by kind
   (`axis:int`, `interpolation='nearest'`). Where a key both agreed and disagreed, the shapes decide: keys then have
   each tensor's rank (`float32:2`) and sequences their length (`repeats:seq2`) - `ranked`. A key, or an argument
   kind, is kept when a trial with it agreed and none disagreed (output structure, shapes, dtypes, values to
   rtol 1e-5 / atol 1e-6, or 1e-2 / 1e-3 in half precision, or one side raising while the other did not); a
   disagreement counts against the argument kinds the dtype trials do not give, else against the key. Trials that
   raise on both sides agree. An alias with no kept key is listed under `rejected` with its first disagreement.

Run with the conformance Python (TensorFlow, NumPy, Keras):
    KERAS_BACKEND=jax .venv-conformance/bin/python scripts/generate-op-aliases.py [PATH_REGEX]
A regex checks only the matching alias paths and prints their entries instead of writing the table (ALIASES_DEBUG=1
also prints every disagreement). Most of the time is jax compiling each eager call (about 8 minutes); jax's
persistent cache makes a rerun about 3: JAX_COMPILATION_CACHE_DIR=/tmp/jax-cache
JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0.
"""
import inspect
import json
import os
import re
import sys
import time
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import jax  # noqa: E402
import keras  # noqa: E402
from keras import KerasTensor  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPS = json.load(open(os.path.join(ROOT, "src/analysis/keras/ops/ops.json")))["ops"]
OUTPUT = os.path.join(ROOT, "src/analysis/keras/ops/aliases.json")

NAMESPACES = {
    "tf": tf,
    "tf.math": tf.math,
    "tf.nn": tf.nn,
    "tf.linalg": tf.linalg,
    "tf.image": tf.image,
    "tf.signal": tf.signal,
    "np": np,
    "np.linalg": np.linalg,
    "keras.activations": keras.activations,
}

# Paths another registry entry models (src/analysis/keras/functions/arrays.ts, array-literals.ts).
MODELLED_ELSEWHERE = {"tf.zeros", "tf.ones", "np.zeros", "np.ones", "np.empty", "np.full", "np.array", "np.asarray"}

# Parameters that never change a result.
IGNORED = {"name"}

# Candidate counterparts under another name: alias path -> (keras op, {alias parameter: keras parameter} where the
# automatic mapping would not find it, {keras parameter: value} always passed). Guesses, checked like the rest.
RENAMES = {
    **{
        f"{ns}.reduce_{name}": (f"keras.ops.{op}", {}, {})
        for ns in ("tf", "tf.math")
        for name, op in [
            ("sum", "sum"),
            ("mean", "mean"),
            ("max", "max"),
            ("min", "min"),
            ("prod", "prod"),
            ("any", "any"),
            ("all", "all"),
            ("logsumexp", "logsumexp"),
            ("std", "std"),
            ("variance", "var"),
        ]
    },
    "tf.concat": ("keras.ops.concatenate", {}, {}),
    "tf.range": ("keras.ops.arange", {"limit": "stop", "delta": "step"}, {}),
    "tf.where": ("keras.ops.where", {"x": "x1", "y": "x2"}, {}),
    "np.where": ("keras.ops.where", {"x": "x1", "y": "x2"}, {}),
    "tf.transpose": ("keras.ops.transpose", {"perm": "axes"}, {}),
    "tf.eye": ("keras.ops.eye", {"num_columns": "M"}, {}),
    "tf.linalg.eye": ("keras.ops.eye", {"num_columns": "M"}, {}),
    "tf.image.resize": ("keras.ops.image.resize", {"method": "interpolation"}, {}),
    "tf.gather": ("keras.ops.take", {}, {}),
    "tf.clip_by_value": ("keras.ops.clip", {}, {}),
    "tf.rank": ("keras.ops.ndim", {}, {}),
    "tf.fill": ("keras.ops.full", {"dims": "shape", "value": "fill_value"}, {}),
    "tf.pow": ("keras.ops.power", {}, {}),
    "tf.math.pow": ("keras.ops.power", {}, {}),
    "tf.math.floordiv": ("keras.ops.floor_divide", {}, {}),
    "tf.math.floormod": ("keras.ops.mod", {}, {}),
    "tf.math.truediv": ("keras.ops.true_divide", {}, {}),
    "tf.truediv": ("keras.ops.true_divide", {}, {}),
    "tf.math.squared_difference": ("keras.ops.subtract", {}, {}),
    "tf.math.l2_normalize": ("keras.ops.normalize", {}, {}),
    "tf.nn.l2_normalize": ("keras.ops.normalize", {}, {}),
    "tf.linalg.l2_normalize": ("keras.ops.normalize", {}, {}),
    "tf.math.is_nan": ("keras.ops.isnan", {}, {}),
    "tf.math.is_inf": ("keras.ops.isinf", {}, {}),
    "tf.math.is_finite": ("keras.ops.isfinite", {}, {}),
    "tf.math.reciprocal_no_nan": ("keras.ops.reciprocal", {}, {}),
    "tf.math.bessel_i0": ("keras.ops.i0", {}, {}),
    "tf.math.cumulative_logsumexp": ("keras.ops.logsumexp", {}, {}),
    "tf.math.reduce_euclidean_norm": ("keras.ops.norm", {}, {}),
    "tf.math.xdivy": ("keras.ops.divide", {}, {}),
    "tf.linalg.matrix_transpose": ("keras.ops.matrix_transpose", {}, {}),
    "tf.linalg.diag_part": ("keras.ops.diagonal", {}, {}),
    "tf.linalg.adjoint": ("keras.ops.matrix_transpose", {}, {}),
    "tf.reverse": ("keras.ops.flip", {}, {}),
    "tf.boolean_mask": ("keras.ops.take", {}, {}),
    "tf.nn.swish": ("keras.ops.silu", {}, {}),
    "tf.nn.sigmoid_cross_entropy_with_logits": ("keras.ops.binary_crossentropy", {}, {"from_logits": True}),
    "tf.nn.softmax_cross_entropy_with_logits": ("keras.ops.categorical_crossentropy", {}, {"from_logits": True}),
    "tf.nn.sparse_softmax_cross_entropy_with_logits": (
        "keras.ops.sparse_categorical_crossentropy",
        {},
        {"from_logits": True},
    ),
    "tf.nn.bias_add": ("keras.ops.add", {}, {}),
    "tf.nn.avg_pool": ("keras.ops.average_pool", {}, {}),
    "tf.nn.max_pool": ("keras.ops.max_pool", {}, {}),
    "tf.image.extract_patches": ("keras.ops.image.extract_patches", {"sizes": "size", "rates": "dilation_rate"}, {}),
    "tf.signal.frame": ("keras.ops.extract_sequences", {}, {}),
    "keras.activations.exponential": ("keras.ops.exp", {}, {}),
    "keras.activations.hard_swish": ("keras.ops.hard_silu", {}, {}),
    "keras.activations.swish": ("keras.ops.silu", {}, {}),
    "np.amax": ("keras.ops.max", {}, {}),
    "np.amin": ("keras.ops.min", {}, {}),
    "np.concat": ("keras.ops.concatenate", {}, {}),
    "np.permute_dims": ("keras.ops.transpose", {}, {}),
    "np.pow": ("keras.ops.power", {}, {}),
    "np.acos": ("keras.ops.arccos", {}, {}),
    "np.asin": ("keras.ops.arcsin", {}, {}),
    "np.atan": ("keras.ops.arctan", {}, {}),
    "np.atan2": ("keras.ops.arctan2", {}, {}),
    "np.acosh": ("keras.ops.arccosh", {}, {}),
    "np.asinh": ("keras.ops.arcsinh", {}, {}),
    "np.atanh": ("keras.ops.arctanh", {}, {}),
    "np.linalg.matrix_norm": ("keras.ops.norm", {}, {}),
}

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
MIXED = [("int32", "float32"), ("float32", "int32"), ("float32", "float64"), ("float16", "float32"), ("int8", "int32")]
MIXED += [("uint8", "int32"), ("bool", "float32"), ("int32", "int64")]
WEAK = [("float32", 2), ("float32", 2.5), ("int32", 2), ("int32", 2.5), ("float16", 2), (2, "float32"), (2.5, "int32")]
WEAK += [("int64", 2), ("uint8", 2), ("float64", 2.5), ("bool", 2)]

# ---- trial arguments ---------------------------------------------------------------------------------------------


class T:
    """A tensor argument: shape, dtype, and what its values are (`any`, `pos`, `unit`, `index:n`, `spd`, `sorted`)."""

    def __init__(self, shape, dtype="float32", kind="any"):
        self.shape, self.dtype, self.kind = tuple(shape), dtype, kind

    def __repr__(self):
        return f"{self.dtype}{list(self.shape)}" + ("" if self.kind == "any" else f"<{self.kind}>")


class W:
    """A Python number given for a tensor parameter (a weak operand in Keras)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return repr(self.value)


class L:
    """A list of tensors."""

    def __init__(self, items):
        self.items = items

    def __repr__(self):
        return repr(self.items)


def values(spec, rng):
    shape, dtype, kind = spec.shape, spec.dtype, spec.kind
    size = int(np.prod(shape)) if shape else 1
    if kind.startswith("index:"):
        data = rng.integers(0, int(kind[6:]), size)
    elif kind == "spd":
        n = shape[-1]
        batch = shape[:-2]
        a = rng.uniform(-1, 1, batch + (n, n))
        data = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
        return data.astype(dtype) if dtype != "bool" else data > 0
    elif dtype == "bool":
        data = rng.integers(0, 2, size).astype(bool)
    elif dtype.startswith("uint"):
        data = rng.integers(1, 9, size)
    elif dtype.startswith("int"):
        data = rng.integers(1, 5, size) if kind in ("pos", "unit") else rng.choice([-4, -3, -2, -1, 1, 2, 3, 4], size)
    elif kind == "pos":
        data = rng.uniform(0.5, 2.0, size)
    elif kind == "unit":
        data = rng.uniform(0.05, 0.95, size)
    else:
        data = rng.uniform(-2.0, 2.0, size)
    if kind == "sorted":
        data = np.sort(data)
    return np.asarray(data).reshape(shape).astype(dtype)


def key_part(spec, ranked=False):
    if isinstance(spec, T):
        return f"{spec.dtype}:{len(spec.shape)}" if ranked else spec.dtype
    if isinstance(spec, W):
        return "float" if isinstance(spec.value, float) else "int"
    if isinstance(spec, L):
        return "[" + ",".join(sorted({key_part(s, ranked) for s in spec.items})) + "]"
    if spec is None:
        return "none"
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return "float" if isinstance(spec, float) else "int"
    return "value"


# ---- trials per keras op -----------------------------------------------------------------------------------------

TENSOR_NAMES = {"x", "x1", "x2", "a", "b", "y", "inputs", "images", "data", "target", "output", "condition"}
LIST_PARAMETERS = {
    "keras.ops.concatenate": "xs",
    "keras.ops.stack": "x",
    "keras.ops.hstack": "xs",
    "keras.ops.vstack": "xs",
    "keras.ops.dstack": "xs",
}


def dtype_trials(make, dtypes=DTYPES):
    return [({**make(d)}, "default") for d in dtypes]


def f32(args, tag="f32"):
    return (args, tag)


def matrix_ops():
    pairs = [((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)), ((3,), (3, 4)), ((2, 3), (3,))]
    return lambda: dtype_trials(lambda d: {"x1": T((2, 3), d), "x2": T((3, 4), d)}) + [
        f32({"x1": T(a), "x2": T(b)}) for a, b in pairs
    ]


SPECIAL = {
    "keras.ops.expand_dims": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "axis": -1})
    + [f32({"x": T((2, 3)), "axis": a}) for a in (0, 1, 2, -3)]
    + [f32({"x": T((4,)), "axis": 0}), f32({"x": T((2, 3, 4)), "axis": (0, 2)}, "axis=(0, 2)")],
    "keras.ops.squeeze": lambda: dtype_trials(lambda d: {"x": T((2, 1, 3), d)})
    + [f32({"x": T((2, 1, 3, 1)), "axis": a}, "axis") for a in (1, -1, 3, (1, 3))]
    + [f32({"x": T((1,))}), f32({"x": T((2, 3)), "axis": 0}, "axis")],
    "keras.ops.reshape": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "newshape": (3, 2)})
    + [f32({"x": T((2, 3)), "newshape": s}) for s in ((6,), (-1,), (3, -1), (1, 2, 3), (-1, 1))]
    + [f32({"x": T((2, 3)), "newshape": (4, 2)})],
    "keras.ops.transpose": lambda: dtype_trials(lambda d: {"x": T((2, 3), d)})
    + [f32({"x": T((2, 3, 4))}), f32({"x": T((2, 3, 4)), "axes": (1, 0, 2)}), f32({"x": T((2, 3, 4)), "axes": (2, 0, 1)})],
    "keras.ops.tile": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "repeats": (2, 1)})
    + [f32({"x": T((2, 3)), "repeats": r}) for r in ((1, 2), (2, 2))]
    + [f32({"x": T((3,)), "repeats": (3,)}), f32({"x": T((2, 3)), "repeats": 2}, "int repeats")]
    + [f32({"x": T((2, 3)), "repeats": (2, 1, 2)}, "longer repeats")],
    "keras.ops.repeat": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "repeats": 2, "axis": 0})
    + [f32({"x": T((2, 3)), "repeats": 3, "axis": -1}), f32({"x": T((2, 3)), "repeats": 2}, "no axis")],
    "keras.ops.one_hot": lambda: [
        ({"x": T((2, 3), d, "index:4"), "num_classes": 4}, "default") for d in ("int32", "int64", "uint8", "int8")
    ]
    + [f32({"x": T((5,), "int32", "index:3"), "num_classes": 3}), f32({"x": T((), "int32", "index:3"), "num_classes": 3})]
    + [f32({"x": T((2, 3), "int32", "index:4"), "num_classes": 4, "axis": a}, "axis") for a in (0, 1, -1)]
    + [f32({"x": T((2, 3), "int32", "index:4"), "num_classes": 4, "dtype": "int32"}, "dtype")],
    "keras.ops.broadcast_to": lambda: dtype_trials(lambda d: {"x": T((3,), d), "shape": (2, 3)})
    + [f32({"x": T((2, 1)), "shape": (2, 4)}), f32({"x": T(()), "shape": (3,)}), f32({"x": T((2, 3)), "shape": (4, 3)})],
    "keras.ops.pad": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "pad_width": ((1, 1), (2, 0))})
    + [f32({"x": T((2, 3, 4)), "pad_width": ((0, 0), (1, 2), (1, 1))})],
    "keras.ops.split": lambda: dtype_trials(lambda d: {"x": T((4, 3), d), "indices_or_sections": 2})
    + [f32({"x": T((2, 6)), "indices_or_sections": 3, "axis": -1}), f32({"x": T((4, 3)), "indices_or_sections": 4})],
    "keras.ops.cast": lambda: [
        ({"x": T((2, 3), d), "dtype": to}, "default") for d in DTYPES for to in DTYPES
    ],
    "keras.ops.arange": lambda: [
        f32({"start": W(s), **({"stop": W(e)} if e is not None else {}), **({"step": W(p)} if p is not None else {})})
        for s, e, p in [(5, None, None), (2, 9, None), (1, 10, 3), (2.5, None, None), (0.5, 4, None), (0, 3.0, 0.5)]
        + [(1, 2.5, None), (0.0, 1.0, None), (1.0, 7, 2), (6, 1, -1)]
    ]
    + [f32({"start": W(5), "dtype": "float32"}, "dtype"), f32({"start": W(1), "stop": W(4), "dtype": "int64"}, "dtype")],
    "keras.ops.linspace": lambda: [
        f32({"start": W(0.0), "stop": W(1.0), "num": 5}),
        f32({"start": W(1), "stop": W(7), "num": 4}),
        f32({"start": W(-1.0), "stop": W(3.0), "num": 3}),
    ],
    "keras.ops.eye": lambda: [f32({"N": 3}), f32({"N": 2, "M": 4}), f32({"N": 3, "dtype": "int32"}, "dtype")],
    "keras.ops.identity": lambda: [f32({"n": 3}), f32({"n": 2, "dtype": "int32"}, "dtype")],
    "keras.ops.full": lambda: [
        f32({"shape": (2, 3), "fill_value": W(1.5)}),
        f32({"shape": (2,), "fill_value": W(2)}),
        f32({"shape": (2, 2), "fill_value": W(2), "dtype": "float32"}, "dtype"),
    ],
    "keras.ops.flip": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "axis": 0})
    + [f32({"x": T((2, 3, 4)), "axis": a}, "axis") for a in (-1, 1, (0, 2), [1])]
    + [f32({"x": T((2, 3))}, "no axis")],
    "keras.ops.where": lambda: dtype_trials(lambda d: {"condition": T((2, 3), "bool"), "x1": T((2, 3), d), "x2": T((2, 3), d)})
    + [
        f32({"condition": T((2, 3), "bool"), "x1": T((3,)), "x2": T((2, 1))}),
        f32({"condition": T((2, 3), "bool"), "x1": W(1.0), "x2": T((2, 3))}),
        f32({"condition": T((2, 3), "bool")}, "condition only"),
    ],
    "keras.ops.clip": lambda: [({"x": T((2, 3), d), "x_min": W(0), "x_max": W(2)}, "default") for d in DTYPES]
    + [({"x": T((2, 3), d), "x_min": W(-0.5), "x_max": W(1.5)}, "default") for d in ("float32", "float16", "float64", "int32")],
    "keras.ops.take": lambda: [
        ({"x": T((4, 3), d), "indices": T((2,), i, "index:3"), "axis": 0}, "default") for d in DTYPES for i in ("int32", "int64")
    ]
    + [
        f32({"x": T((4, 3)), "indices": T((2, 2), "int32", "index:3"), "axis": 1}),
        f32({"x": T((4, 3)), "indices": T((2,), "int32", "index:3"), "axis": -1}),
        f32({"x": T((4, 3)), "indices": T((2,), "int32", "index:3")}, "no axis"),
    ],
    "keras.ops.take_along_axis": lambda: [
        ({"x": T((4, 3), d), "indices": T((4, 2), "int32", "index:3"), "axis": 1}, "default") for d in DTYPES
    ],
    "keras.ops.roll": lambda: dtype_trials(lambda d: {"x": T((4, 3), d), "shift": 1, "axis": 0})
    + [f32({"x": T((4, 3)), "shift": (1, 2), "axis": (0, 1)}), f32({"x": T((4, 3)), "shift": -1}, "no axis")],
    "keras.ops.swapaxes": lambda: dtype_trials(lambda d: {"x": T((2, 3, 4), d), "axis1": 0, "axis2": 2})
    + [f32({"x": T((2, 3)), "axis1": -1, "axis2": 0})],
    "keras.ops.moveaxis": lambda: dtype_trials(lambda d: {"x": T((2, 3, 4), d), "source": 0, "destination": -1})
    + [f32({"x": T((2, 3, 4)), "source": (0, 1), "destination": (1, 2)})],
    "keras.ops.moments": lambda: dtype_trials(lambda d: {"x": T((2, 3, 4), d), "axes": [0]})
    + [f32({"x": T((2, 3, 4)), "axes": a}) for a in ([0, 1], [-1], [0, 1, 2])]
    + [f32({"x": T((2, 3, 4)), "axes": [1], "keepdims": True}, "keepdims")],
    "keras.ops.top_k": lambda: dtype_trials(lambda d: {"x": T((2, 5), d)})
    + [f32({"x": T((2, 5)), "k": 3}), f32({"x": T((7,)), "k": 2}), f32({"x": T((2, 5)), "k": 2, "sorted": False}, "sorted")],
    "keras.ops.in_top_k": lambda: [
        f32({"targets": T((3,), "int32", "index:4"), "predictions": T((3, 4)), "k": 2}),
        f32({"targets": T((3,), "int64", "index:4"), "predictions": T((3, 4)), "k": 1}),
    ],
    "keras.ops.image.resize": lambda: dtype_trials(
        lambda d: {"images": T((1, 8, 8, 3), d, "unit"), "size": (4, 4)}, ("float32", "float64", "float16", "uint8", "int32")
    )
    + [f32({"images": T((2, 6, 5, 3), kind="unit"), "size": (12, 10)}), f32({"images": T((6, 5, 3), kind="unit"), "size": (3, 4)})]
    + [f32({"images": T((1, 8, 8, 3), kind="unit"), "size": (4, 6), "interpolation": m}) for m in ("nearest", "bilinear", "bicubic")],
    "keras.ops.image.extract_patches": lambda: [
        f32({"images": T((1, 6, 6, 3)), "size": (2, 2)}),
        f32({"images": T((1, 6, 6, 3)), "size": (2, 2), "strides": (1, 1), "padding": "same"}),
    ],
    "keras.ops.extract_sequences": lambda: [f32({"x": T((2, 10)), "sequence_length": 4, "sequence_stride": 2})],
    "keras.ops.cross": lambda: dtype_trials(lambda d: {"x1": T((2, 3), d), "x2": T((2, 3), d)}),
    "keras.ops.matmul": matrix_ops(),
    "keras.ops.dot": matrix_ops(),
    "keras.ops.tensordot": lambda: dtype_trials(lambda d: {"x1": T((2, 3), d), "x2": T((3, 4), d), "axes": 1})
    + [f32({"x1": T((2, 3, 4)), "x2": T((3, 4, 5)), "axes": 2}), f32({"x1": T((2, 3)), "x2": T((3, 2)), "axes": [[0], [1]]})],
    "keras.ops.binary_crossentropy": lambda: [
        f32({"target": T((2, 3), d, "unit"), "output": T((2, 3), d)}) for d in ("float32", "float64", "float16")
    ]
    + [f32({"target": T((4,), kind="unit"), "output": T((4,))})],
    "keras.ops.categorical_crossentropy": lambda: [
        f32({"target": T((2, 3), d, "unit"), "output": T((2, 3), d)}) for d in ("float32", "float64", "float16")
    ]
    + [f32({"target": T((2, 5, 3), kind="unit"), "output": T((2, 5, 3))})],
    "keras.ops.sparse_categorical_crossentropy": lambda: [
        f32({"target": T((2,), i, "index:3"), "output": T((2, 3), d)}) for d in ("float32", "float64") for i in ("int32", "int64")
    ]
    + [f32({"target": T((2, 5), "int32", "index:3"), "output": T((2, 5, 3))})],
    "keras.ops.normalize": lambda: dtype_trials(lambda d: {"x": T((2, 3), d)}, ("float32", "float64", "float16"))
    + [f32({"x": T((2, 3)), "axis": a}, "axis") for a in (0, -1, 1)]
    + [f32({"x": T((4,))})],
    "keras.ops.searchsorted": lambda: [
        f32({"sorted_sequence": T((5,), d, "sorted"), "values": T((3,), d)}) for d in ("float32", "int32")
    ],
    "keras.ops.average_pool": lambda: [f32({"inputs": T((1, 6, 6, 3)), "pool_size": 2})],
    "keras.ops.max_pool": lambda: [f32({"inputs": T((1, 6, 6, 3)), "pool_size": 2})],
    "keras.ops.depth_to_space": lambda: [f32({"x": T((1, 2, 2, 8)), "block_size": 2})],
    "keras.ops.space_to_depth": lambda: [f32({"x": T((1, 4, 4, 2)), "block_size": 2})],
    "keras.ops.segment_sum": lambda: [f32({"data": T((4, 3)), "segment_ids": T((4,), "int32", "index:2")})],
    "keras.ops.rot90": lambda: dtype_trials(lambda d: {"array": T((4, 3, 2), d)})
    + [f32({"array": T((1, 4, 3, 2))}, "shape"), f32({"array": T((4, 3, 2)), "k": 2}, "k")],
    "keras.ops.diagonal": lambda: dtype_trials(lambda d: {"x": T((3, 3), d)}) + [f32({"x": T((2, 3, 3))})],
    "keras.ops.tril": lambda: dtype_trials(lambda d: {"x": T((3, 3), d)}) + [f32({"x": T((3, 3)), "k": 1})],
    "keras.ops.triu": lambda: dtype_trials(lambda d: {"x": T((3, 3), d)}) + [f32({"x": T((3, 3)), "k": -1})],
    "keras.ops.full_like": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "fill_value": 2})
    + [f32({"x": T((2, 3)), "fill_value": 1.5})],
    "keras.ops.solve": lambda: [f32({"a": T((3, 3), d, "spd"), "b": T((3, 2), d)}) for d in ("float32", "float64")],
    "keras.ops.lstsq": lambda: [f32({"a": T((4, 3), d), "b": T((4, 2), d)}) for d in ("float32", "float64")],
    "keras.ops.outer": lambda: dtype_trials(lambda d: {"x1": T((3,), d), "x2": T((4,), d)}),
    "keras.ops.inner": lambda: dtype_trials(lambda d: {"x1": T((3,), d), "x2": T((3,), d)}) + [f32({"x1": T((2, 3)), "x2": T((4, 3))})],
    "keras.ops.vdot": lambda: dtype_trials(lambda d: {"x1": T((3,), d), "x2": T((3,), d)}),
    "keras.ops.kron": lambda: dtype_trials(lambda d: {"x1": T((2, 2), d), "x2": T((2, 3), d)}),
    "keras.ops.digitize": lambda: [f32({"x": T((2, 3)), "bins": T((4,), kind="sorted")})],
    "keras.ops.append": lambda: dtype_trials(lambda d: {"x1": T((2, 3), d), "x2": T((2, 3), d)})
    + [f32({"x1": T((2, 3)), "x2": T((1, 3)), "axis": 0})],
    "keras.ops.diff": lambda: dtype_trials(lambda d: {"a": T((2, 4), d)}) + [f32({"a": T((3, 4)), "n": 2, "axis": 0})],
    "keras.ops.argpartition": lambda: [f32({"x": T((2, 5)), "kth": 2})],
    "keras.ops.quantile": lambda: [f32({"x": T((2, 5)), "q": 0.5}), f32({"x": T((2, 5)), "q": 0.25, "axis": 1})],
    "keras.ops.percentile": lambda: [f32({"x": T((2, 5)), "q": 50.0}), f32({"x": T((2, 5)), "q": 25.0, "axis": 1})],
    "keras.ops.trace": lambda: dtype_trials(lambda d: {"x": T((3, 3), d)}) + [f32({"x": T((2, 3, 3))})],
    "keras.ops.tri": lambda: [f32({"N": 3}), f32({"N": 2, "M": 4, "k": 1})],
    "keras.ops.array_split": lambda: [f32({"x": T((5, 3)), "indices_or_sections": 2})],
    "keras.ops.hsplit": lambda: [f32({"x": T((2, 4)), "indices_or_sections": 2})],
    "keras.ops.vsplit": lambda: [f32({"x": T((4, 2)), "indices_or_sections": 2})],
    "keras.ops.dsplit": lambda: [f32({"x": T((2, 2, 4)), "indices_or_sections": 2})],
    "keras.ops.ldexp": lambda: [f32({"x1": T((2, 3)), "x2": T((2, 3), "int32")})],
    "keras.ops.nan_to_num": lambda: dtype_trials(lambda d: {"x": T((2, 3), d)}),
}

# Arguments passed when the call omits them, where the alias's default (None) means another value than the keras
# op's same default: TensorFlow's argmax and gather work along axis 0. Guesses, checked like the rest.
OMITTED = {
    **{f"{ns}.{fn}": {"axis": 0} for ns in ("tf", "tf.math") for fn in ("argmax", "argmin")},
    "tf.gather": {"axis": 0},
}

# Alias-specific trials, in the keras op's parameter names with the alias's own conventions.
ALIAS_SPECIAL = {
    "tf.reverse": lambda: dtype_trials(lambda d: {"x": T((2, 3), d), "axis": [0]})
    + [f32({"x": T((2, 3, 4)), "axis": a}, "axis") for a in ([-1], [0, 2], 1)],
    "tf.image.extract_patches": lambda: [
        f32({"images": T((1, 6, 6, 3)), "size": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "dilation_rate": [1, 1, 1, 1], "padding": "VALID"})
    ],
    "tf.split": lambda: dtype_trials(lambda d: {"x": T((4, 3), d), "indices_or_sections": 2})
    + [f32({"x": T((2, 6)), "indices_or_sections": 3, "axis": -1}), f32({"x": T((4, 3)), "indices_or_sections": 4})],
}


# Ops of square matrices outside keras.ops.linalg: tried on symmetric positive definite ones.
MATRIX_OPS = {"keras.ops.logdet", "keras.ops.trace"}

# Ops whose values mean nothing (uninitialised memory): only shapes and dtypes are compared.
VALUELESS = {"keras.ops.empty_like", "keras.ops.empty"}


def generic_trials(op):
    params = OPS[op]["parameters"]
    names = [p["name"] for p in params]
    required = [p["name"] for p in params if p.get("required")]
    if op in LIST_PARAMETERS:
        xs = LIST_PARAMETERS[op]
        trials = dtype_trials(lambda d: {xs: L([T((2, 3), d), T((2, 3), d)])})
        trials += [f32({xs: L([T((2, 3)), T((2, 3), "int32")])}), f32({xs: L([T((4,)), T((4,)), T((4,))])})]
        trials += [f32({xs: L([T((2, 3, 4)), T((2, 3, 4))])})]
        if "axis" in names:
            trials += [f32({xs: L([T((2, 3)), T((2, 3))]), "axis": a}, "axis") for a in (1, -1, 0)]
        return trials
    tensors = [n for n in required if n in TENSOR_NAMES]
    if len(tensors) != len(required) or not tensors or any(p["kind"] == "*" for p in params):
        return []
    module = OPS[op]["module"]
    if len(tensors) == 1:
        (x,) = tensors
        matrices = module == "linalg" or op in MATRIX_OPS
        kind = "spd" if matrices else "unit" if module == "image" else "any"
        base, others = ((3, 3), [(2, 3, 3)]) if matrices else ((1, 6, 6, 3), [(6, 6, 3), (2, 5, 7, 3)]) if module == "image" else ((2, 3), [(4,), (2, 3, 4), ()])
        trials = dtype_trials(lambda d: {x: T(base, d, kind)})
        trials += [f32({x: T(s, kind=kind)}, "shape") for s in others]
        if "axis" in names and module != "linalg":
            axes = [0, -1, 1, (0, 2)]
            trials += [f32({x: T((2, 3, 4)), "axis": a}, f"axis={a}") for a in axes]
            if "keepdims" in names:
                trials += [f32({x: T((2, 3, 4)), "axis": a, "keepdims": True}, f"axis={a}, keepdims") for a in (-1, (0, 2))]
                trials += [f32({x: T((2, 3, 4)), "keepdims": True}, "keepdims")]
        return trials
    if len(tensors) == 2:
        a, b = tensors
        trials = dtype_trials(lambda d: {a: T((2, 3), d), b: T((2, 3), d)})
        trials += [f32({a: T((2, 3), p), b: T((2, 3), q)}) for p, q in MIXED]
        trials += [f32({a: T((2, 3), p) if isinstance(p, str) else W(p), b: T((2, 3), q) if isinstance(q, str) else W(q)}) for p, q in WEAK]
        trials += [f32({a: T(p), b: T(q)}, "shape") for p, q in [((2, 3), (3,)), ((4, 1), (1, 3)), ((2, 1, 3), (4, 3)), ((), (2, 3))]]
        return trials
    return []


def trials_for(alias, op):
    if alias in ALIAS_SPECIAL:
        return ALIAS_SPECIAL[alias]()
    if op in SPECIAL:
        return SPECIAL[op]()
    return generic_trials(op)


# ---- signatures and the mapping ----------------------------------------------------------------------------------

KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_POSITIONAL: "*",
    inspect.Parameter.VAR_KEYWORD: "**",
}
NO_DEFAULT = object()  # a default JSON cannot hold (NumPy's <no value>, an object)
REQUIRED = object()  # no default


def has_json(default):
    return default is not NO_DEFAULT and default is not REQUIRED


def json_default(value):
    """A default as JSON (dtypes by name), or NO_DEFAULT when it is none JSON holds (a sentinel, an object)."""
    if value is inspect.Parameter.empty:
        return REQUIRED
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else NO_DEFAULT
    if isinstance(value, tf.dtypes.DType):
        return value.name
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    if isinstance(value, (tuple, list)):
        items = [json_default(v) for v in value]
        return items if all(has_json(i) for i in items) else NO_DEFAULT
    return NO_DEFAULT


def alias_parameters(fn):
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [(p.name, KINDS[p.kind], json_default(p.default)) for p in signature.parameters.values()]


def mapping(alias_params, op, explicit):
    """{alias parameter: keras parameter}, by the explicit table, names, then position over the leading run."""
    keras_params = OPS[op]["parameters"]
    keras_names = [p["name"] for p in keras_params if p["kind"] in ("positional", "keyword")]
    mapped = dict(explicit)
    for name, kind, _ in alias_params:
        if name in mapped or kind in ("*", "**") or name in IGNORED:
            continue
        if name in keras_names and name not in mapped.values():
            mapped[name] = name
    alias_positional = [n for n, k, _ in alias_params if k in ("positional-only", "positional")]
    keras_positional = [p for p in keras_params if p["kind"] == "positional"]
    for a, k in zip(alias_positional, keras_positional):
        if mapped.get(a) == k["name"]:
            continue
        # Only onto a parameter the keras op requires: optional ones in the same place are often another thing
        # (`tf.argmax(input, axis, output_type)` against `keras.ops.argmax(x, axis, keepdims)`).
        if a in mapped or k["name"] in mapped.values() or a in IGNORED or not k.get("required"):
            break
        mapped[a] = k["name"]
    return mapped


# ---- calling both sides ------------------------------------------------------------------------------------------


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def concrete(spec, rng, convert):
    if isinstance(spec, T):
        return convert(values(spec, rng))
    if isinstance(spec, W):
        return spec.value
    if isinstance(spec, L):
        return [concrete(s, rng, convert) for s in spec.items]
    return spec


def symbolic(spec):
    if isinstance(spec, T):
        return KerasTensor(spec.shape, dtype=spec.dtype)
    if isinstance(spec, L):
        return [symbolic(s) for s in spec.items]
    return spec.value if isinstance(spec, W) else spec


def standard_dtype(dtype):
    return keras.backend.standardize_dtype(dtype)


def describe(out):
    """An output as ('tensor', shape, dtype, values), ('seq', [...]) or ('py', value)."""
    if isinstance(out, KerasTensor):
        return ("tensor", tuple(out.shape), standard_dtype(out.dtype), None)
    if isinstance(out, (tuple, list)):
        return ("seq", [describe(o) for o in out])
    if isinstance(out, (bool, int, float)) and not isinstance(out, np.generic):
        return ("py", out)
    if tf.is_tensor(out):
        if isinstance(out, tf.SparseTensor) or isinstance(out, tf.RaggedTensor):
            return ("other", type(out).__name__)
        return ("tensor", tuple(out.shape), standard_dtype(out.dtype), np.asarray(out))
    if isinstance(out, (np.ndarray, np.generic, jax.Array)):
        array = np.asarray(out)
        return ("tensor", array.shape, standard_dtype(array.dtype), array)
    return ("other", type(out).__name__)


def same_values(a, b, dtype):
    if a.dtype.kind in "biu" or b.dtype.kind in "biu" or dtype == "bool":
        return np.array_equal(a, b)
    half = dtype in ("float16", "bfloat16")
    try:
        return np.allclose(a.astype("float64"), b.astype("float64"), rtol=1e-2 if half else 1e-5, atol=1e-3 if half else 1e-6, equal_nan=True)
    except (TypeError, ValueError):
        return False


def difference(alias_out, keras_shape, keras_values):
    """Why the alias's output is not the keras op's, or None."""
    if alias_out[0] != keras_shape[0] and not (alias_out[0] == "py" and keras_shape[0] == "py"):
        return f"gives a {alias_out[0]} where keras.ops gives a {keras_shape[0]}"
    if alias_out[0] == "seq":
        if len(alias_out[1]) != len(keras_shape[1]):
            return f"gives {len(alias_out[1])} outputs where keras.ops gives {len(keras_shape[1])}"
        for i, (a, k, v) in enumerate(zip(alias_out[1], keras_shape[1], keras_values[1])):
            why = difference(a, k, v)
            if why:
                return f"output {i}: {why}"
        return None
    if alias_out[0] == "py":
        return None if alias_out[1] == keras_shape[1] else f"gives {alias_out[1]!r} where keras.ops gives {keras_shape[1]!r}"
    if alias_out[0] == "other":
        return f"gives a {alias_out[1]}"
    _, shape, dtype, data = alias_out
    if shape != keras_shape[1]:
        return f"shape {shape} where keras.ops gives {keras_shape[1]}"
    if dtype != keras_shape[2]:
        return f"dtype {dtype} where keras.ops gives {keras_shape[2]}"
    if keras_values[0] != "tensor" or keras_values[1] != shape:
        return f"keras.ops's eager call gives {keras_values[0]} {keras_values[1] if keras_values[0] == 'tensor' else ''}"
    if not same_values(data, keras_values[3], dtype):
        return "values differ"
    return None


def converter(namespace):
    if namespace.startswith("tf"):
        return tf.constant
    return lambda v: v


def first_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:120] if text else ''}"


keras_results = {}


def keras_result(op, keras_args):
    """The keras op's symbolic output (shape, dtype) and eager output (values), or the exception; cached, as the
    trials of the same keras op repeat for each namespace."""
    memo = (op, tuple((k, repr(v)) for k, v in keras_args.items()))
    if memo not in keras_results:
        keras_fn = keras_op(op)
        rng = np.random.default_rng(7)
        concrete_keras = {k: concrete(v, rng, lambda x: x) for k, v in keras_args.items()}
        try:
            shape = describe(quiet(keras_fn, **{k: symbolic(v) for k, v in keras_args.items()}))
            keras_results[memo] = (shape, describe(quiet(keras_fn, **concrete_keras)))
        except Exception as error:  # noqa: BLE001 - any exception is Keras refusing the call
            keras_results[memo] = error
    return keras_results[memo]


def run_trial(alias_fn, namespace, op, keras_args, alias_args, positional_only):
    """'agree', 'both raise', or the disagreement's text."""
    rng = np.random.default_rng(7)
    concrete_alias = {k: concrete(v, rng, converter(namespace)) for k, v in alias_args.items()}
    positional = [concrete_alias.pop(n) for n in positional_only if n in concrete_alias]
    try:
        alias_out = describe(quiet(alias_fn, *positional, **concrete_alias))
        if namespace.startswith("keras"):
            # keras.activations is Keras: its shapes and dtypes are the symbolic call's (jax computes float64 in float32).
            symbolic_alias = {k: symbolic(v) for k, v in alias_args.items()}
            alias_out = with_values(describe(quiet(alias_fn, *[symbolic_alias.pop(n) for n in positional_only if n in symbolic_alias], **symbolic_alias)), alias_out)
        alias_error = None
    except Exception as error:  # noqa: BLE001 - any exception is the alias refusing the call
        alias_error = error
    keras_out = keras_result(op, keras_args)
    keras_error = keras_out if isinstance(keras_out, Exception) else None
    if alias_error and keras_error:
        return "both raise"
    if alias_error:
        return f"raises {first_line(alias_error)} where keras.ops does not"
    if keras_error:
        return f"keras.ops raises {first_line(keras_error)}"
    if op in VALUELESS:
        alias_out, keras_out = without_values(alias_out), tuple(without_values(k) for k in keras_out)
    return difference(alias_out, *keras_out) or "agree"


def with_values(shape, eager):
    """A symbolic output's description with the values of the eager one."""
    if shape[0] == "tensor" and eager[0] == "tensor":
        return shape[:3] + (eager[3],)
    if shape[0] == "seq" and eager[0] == "seq" and len(shape[1]) == len(eager[1]):
        return ("seq", [with_values(a, b) for a, b in zip(shape[1], eager[1])])
    return shape


def without_values(described):
    return described[:3] + (np.zeros(described[1]),) if described[0] == "tensor" else described


def keras_op(op):
    fn = keras.ops
    for part in op.split(".")[2:]:
        fn = getattr(fn, part)
    return fn


class Tally:
    """Per key (the dtypes of a trial, or the form of its other arguments): agreeing trials, or the first disagreement."""

    def __init__(self):
        self.agree, self.disagree = {}, {}

    def add(self, key, reason=None):
        if reason is None:
            self.agree[key] = self.agree.get(key, 0) + 1
        else:
            self.disagree.setdefault(key, reason)

    def kept(self):
        return sorted(k for k in self.agree if k not in self.disagree)

    def first(self):
        return next(iter(self.disagree.values()), None)


def value_kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if value is None:
        return "none"
    if isinstance(value, str):
        return "str"
    return "seq" if isinstance(value, (tuple, list)) else "other"


def form_of(args, key_parameters, inverse, alias_defaults, ranked):
    """The non-tensor arguments a call gives (other than as the alias's default), each with its kind: `axis:int`,
    `interpolation='nearest'` (a string by its value), `repeats:seq2` (ranked: with its length)."""
    parts = []
    for k, v in args.items():
        if k in key_parameters or isinstance(v, (T, W, L)):
            continue
        default = alias_defaults.get(inverse[k], NO_DEFAULT)
        if has_json(default) and default == v and type(default) is type(v):
            continue
        kind = value_kind(v)
        if kind == "str":
            parts.append(f"{k}='{v}'")
        else:
            parts.append(f"{k}:{kind}{len(v) if ranked and kind == 'seq' else ''}")
    return set(parts)


def check(alias, alias_fn, namespace, op, params, mapped, fixed, omitted):
    """Runs the trials: (keras arguments, the alias's arguments, tag, outcome) of each trial that applies."""
    inverse = {k: a for a, k in mapped.items()}
    positional_only = [n for n, k, _ in params if k == "positional-only"]
    required = {mapped[n]: keras_default(op, mapped[n]) for n, k, d in params if d is REQUIRED and n in mapped and k != "keyword"}
    required = {k: v for k, v in required.items() if not next(p for p in OPS[op]["parameters"] if p["name"] == k).get("required")}
    records = []
    for args, tag in trials_for(alias, op):
        if any(k not in inverse for k in args):
            continue
        # A parameter the alias requires and the keras op defaults is given its keras default on both sides.
        args = {**required, **args}
        keras_args = {**{k: v for k, v in omitted.items() if k not in args}, **fixed, **args}
        alias_args = {inverse[k]: v for k, v in args.items()}
        outcome = run_trial(alias_fn, namespace, op, keras_args, alias_args, positional_only)
        if outcome not in ("agree", "both raise"):
            described = f"{alias}({', '.join(f'{inverse[k]}={v!r}' for k, v in args.items())})"
            outcome = f"{described} [{tag}]: {outcome}"
        records.append((keras_args, args, tag, outcome))
    return records


def tally(alias, op, params, mapped, records, ranked):
    """The tallies of dtype keys and of non-tensor arguments (`axis:int`), and how many trials raised on both sides.

    A disagreement counts against the arguments of the trial that no dtype trial (tagged `default`; else any) gives
    (`axis:seq` where the dtype trials give an int), or when it has none, against its key. Ranked, the key has the
    rank of each tensor (`float32:2`) and a sequence argument its length (`repeats:seq2`).
    """
    inverse = {k: a for a, k in mapped.items()}
    alias_defaults = {n: d for n, _, d in params}
    key_parameters = tensor_parameters(op, tensor_arguments(alias, op))
    dtypes, arguments, both_raise = Tally(), Tally(), 0
    parts = lambda args: form_of(args, key_parameters, inverse, alias_defaults, ranked)  # noqa: E731
    base_tags = ("default",) if any(tag == "default" for _, _, tag, _ in records) else ("f32",)
    base = set().union(*[parts(args) for _, args, tag, _ in records if tag in base_tags])
    for keras_args, args, tag, outcome in records:
        if outcome == "both raise":
            both_raise += 1
            continue
        key = "|".join(key_part(keras_args.get(k, keras_default(op, k)), ranked) for k in key_parameters)
        if outcome == "agree":
            dtypes.add(key)
            for part in parts(args):
                arguments.add(part)
        elif parts(args) <= base:
            dtypes.add(key, outcome)
        else:
            for part in parts(args) - base:
                arguments.add(part, outcome)
    return dtypes, arguments, both_raise


def needs_ranks(alias, op, params, mapped, records):
    """Whether a key both agreed and disagreed: what differs is then the shapes, which the ranked key tells apart."""
    dtypes, _, _ = tally(alias, op, params, mapped, records, False)
    return any(key in dtypes.agree for key in dtypes.disagree)


def tensor_arguments(alias, op):
    """The keras parameters some trial gives a tensor (or a number for a tensor, or a list of tensors)."""
    present = set()
    for args, _ in trials_for(alias, op):
        present.update(k for k, v in args.items() if isinstance(v, (T, W, L)))
    return present


def keras_default(op, name):
    parameter = next(p for p in OPS[op]["parameters"] if p["name"] == name)
    return parameter.get("default")


def tensor_parameters(op, present):
    """The keras parameters whose argument dtypes make a trial's key, in signature order."""
    names = [p["name"] for p in OPS[op]["parameters"]]
    return [n for n in names if n in present]


# ---- enumeration ---------------------------------------------------------------------------------------------------


def public_functions(namespace, module):
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name, None)
        if value is None or inspect.ismodule(value) or inspect.isclass(value) or not callable(value):
            continue
        yield f"{namespace}.{name}", name, value


def candidate(path, namespace, name):
    if path in RENAMES:
        return RENAMES[path] if RENAMES[path][0] in OPS else None
    image = f"keras.ops.image.{name}"
    top = f"keras.ops.{name}"
    order = [image, top] if namespace == "tf.image" else [top]
    for op in order:
        if op in OPS:
            return (op, {}, {})
    return None


def differing_defaults(params, mapped, op):
    """{keras parameter: alias default} where the alias's default is another value than the keras op's."""
    keras_defaults = {p["name"]: p.get("default", NO_DEFAULT) if not p.get("required") else NO_DEFAULT for p in OPS[op]["parameters"]}
    out = {}
    for name, _, default in params:
        k = mapped.get(name)
        if k is None or not has_json(default):
            continue
        if keras_defaults.get(k, NO_DEFAULT) is NO_DEFAULT or keras_defaults[k] != default or type(keras_defaults[k]) is not type(default):
            out[k] = default
    return out


def score(result):
    dtypes, forms, _ = result
    return len(dtypes.kept()), len(forms.kept()), sum(dtypes.agree[k] for k in dtypes.kept())


def study(path, namespace, fn, op, explicit, fixed):
    params = alias_parameters(fn)
    if params is None:
        return None, "no Python signature to map"
    keras_params = OPS[op]["parameters"]
    if any(p["kind"] == "*" for p in keras_params):
        return None, f"{op} takes *args"
    mapped = mapping(params, op, explicit)
    for p in keras_params:
        if p.get("required") and p["name"] not in mapped.values() and p["name"] not in fixed:
            return None, f"{op}'s `{p['name']}` has no counterpart"
    if not trials_for(path, op):
        return None, f"no trial is written for {op}'s parameters"
    defaults = differing_defaults(params, mapped, op)
    overrides = OMITTED.get(path, {})
    best = None
    for omitted in [{**defaults, **overrides}, overrides] if defaults else [overrides]:
        records = check(path, fn, namespace, op, params, mapped, fixed, omitted)
        ranked = needs_ranks(path, op, params, mapped, records)
        result = tally(path, op, params, mapped, records, ranked)
        if best is None or score(result) > score(best[0]):
            best = (result, omitted, ranked)
    (dtypes, forms, both_raise), omitted, ranked = best
    if os.environ.get("ALIASES_DEBUG"):
        print(json.dumps({"dtypes": dtypes.disagree, "forms": forms.disagree}, indent=1), file=sys.stderr)
    if not dtypes.kept():
        reason = dtypes.disagree.get("float32") or dtypes.first() or forms.first()
        if reason is None:
            reason = f"every trial ({both_raise}) raised on both sides" if both_raise else "no trial applies to its parameters"
        return None, reason
    entry = {"op": op, "parameters": []}
    for name, kind, default in params:
        item = {"name": name, "kind": kind}
        if name in IGNORED:
            item["ignored"] = True
        elif name in mapped:
            item["to"] = mapped[name]
        if has_json(default):
            item["default"] = typed(default)
        if mapped.get(name) in omitted:
            item["omitted"] = typed(omitted[mapped[name]])
        entry["parameters"].append(item)
    if fixed:
        entry["fixed"] = {k: typed(v) for k, v in fixed.items()}
    entry["tensors"] = tensor_parameters(op, tensor_arguments(path, op))
    if ranked:
        entry["ranked"] = True
    entry["dtypes"] = dtypes.kept()
    entry["arguments"] = forms.kept()
    entry["trials"] = sum(dtypes.agree.values())
    dropped = dtypes.first() or forms.first()
    if dropped:
        entry["dropped"] = dropped[:200]
    return entry, None


def typed(value):
    """A Python value as JSON, floats marked (JSON does not tell 1.0 from 1)."""
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    return {"float": value} if isinstance(value, float) else value


def activation_names():
    """{name `keras.activations.get` accepts: the keras.activations path of the function it returns}."""
    from keras.src.activations import ALL_OBJECTS_DICT

    # By the function's own name, which Keras serializes it as (`get("swish")` is `silu`).
    return {name: f"keras.activations.{fn.__name__}" for name, fn in sorted(ALL_OBJECTS_DICT.items()) if getattr(keras.activations, fn.__name__, None) is fn}


def main():
    only = re.compile(sys.argv[1]) if len(sys.argv) > 1 else None
    started = time.time()
    aliases, rejected, cache = {}, {}, {}
    for namespace, module in NAMESPACES.items():
        for path, name, fn in public_functions(namespace, module):
            if path in MODELLED_ELSEWHERE or (only and not only.search(path)):
                continue
            found = candidate(path, namespace, name)
            if not found:
                continue
            op, explicit, fixed = found
            memo = (id(fn), op, namespace.split(".")[0])
            if memo not in cache:
                cache[memo] = study(path, namespace, fn, op, explicit, fixed)
            entry, reason = cache[memo]
            if entry:
                aliases[path] = entry
            else:
                rejected[path] = {"op": op, "reason": reason[:240]}
            print(f"{path} -> {op}: {json.dumps(entry) if only and entry else 'kept ' + str(len(entry['dtypes'])) + ' keys' if entry else reason[:300]}", file=sys.stderr)
    table = {
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "activations": activation_names(),
        "aliases": aliases,
        "rejected": rejected,
    }
    if not only:
        write(table)
    print(f"{len(aliases)} aliases, {len(rejected)} rejected, in {time.time() - started:.0f} s", file=sys.stderr)


def write(table):
    """One alias a line."""
    lines = ["{"]
    for key in ("keras", "tensorflow", "numpy"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(table[key])},")
    lines.append(f'  "activations": {json.dumps(table["activations"])},')
    for section in ("aliases", "rejected"):
        lines.append(f"  {json.dumps(section)}: {{")
        items = list(table[section].items())
        for i, (path, entry) in enumerate(items):
            lines.append(f"    {json.dumps(path)}: {json.dumps(entry)}{',' if i < len(items) - 1 else ''}")
        lines.append("  }," if section == "aliases" else "  }")
    lines.append("}")
    with open(OUTPUT, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
