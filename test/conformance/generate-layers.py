"""Records, mechanically, what the pinned Keras says about every layer class in
`keras.layers`: for each class a base case and the argument variants that
change its output shapes, parameter counts or output dtype, plus (a few per
class) arguments Keras rejects, with its own error text. The TypeScript suite
test/conformance/layer-cases.test.ts compares Tensor Lens with them.

    python test/conformance/generate-layers.py                     # rewrite the references
    python test/conformance/generate-layers.py --only Dense,Conv2D # regenerate some classes (canonical names or aliases)
    python test/conformance/generate-layers.py --check             # regenerate into a temp folder; exit 1 on drift
    python test/conformance/generate-layers.py --check --sample 12 # the same for a deterministic subset of classes

Nothing here is chosen per class by hand, except where a comment says so
(OVERRIDES, NOT_HERE): required constructor arguments come from a table keyed
by parameter name (REQUIRED), the input from a pool of candidates tried in
order (the first Keras accepts wins), and the variants from the types of the
constructor's defaults (`inspect.signature`, and for the keywords its
`**kwargs` pass on to a parent class, scripts/keras_kwargs.py). Every case is run as the Python
source a user would write (`source` in case.json), exec'd here, so the
reference is of exactly that source.

Layout, under test/conformance/reference-layers/ (REFERENCE_DIR):
    index.json                      Keras version; every class, its aliases, status (ok / no-case /
                                    not-constructible) with the reason, and its case ids
    <Class>/<n>/case.json           arguments, input spec, source, Keras's output shapes (symbolic and
                                    eager), dtypes, parameter counts (all, trainable, non-trainable, and
                                    those a model still trains of the layer made with trainable=False);
                                    or, for a rejected variant, the error
    <Class>/<n>/input_<i>.npy       the fixed input (seeded), when values are recorded
    <Class>/<n>/output_<j>.npy      the layer's inference outputs for it
    <Class>/<n>/model.weights.h5    weights of `keras.Model(inputs, layer(inputs))`, when the layer has any

The folder is not test/conformance/reference/layers: generate.py's drift check
and reference.ts's `references()` treat every folder under reference/ as a
fixture with a summary.json.
"""

import argparse
import inspect
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFERENCE_DIR = os.path.join(HERE, "reference-layers")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from keras_kwargs import layer_keywords, parameters_through_kwargs  # noqa: E402

BATCH = 2
MAX_REJECTED = 3
# Values (npy) are recorded for outputs up to this many elements, to keep the folder small.
MAX_VALUE_ELEMENTS = 20_000
MAX_MESSAGE = 1500

# The run must not depend on the machine: CPU only, one thread (the machine is shared), fixed hashing.
ENVIRONMENT = {
    "KERAS_BACKEND": "jax",
    "JAX_PLATFORMS": "cpu",
    "CUDA_VISIBLE_DEVICES": "",
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


# --- Values that are not plain JSON: how they are written in case.json and rendered as Python ---------------------


class Layer:
    """A layer given as an argument (`layer=`, `cell=`): rendered `keras.layers.<cls>(<kwargs>)`; JSON {"layer": ...}."""

    def __init__(self, cls, **kwargs):
        self.cls, self.kwargs = cls, kwargs


class Python:
    """Python source that is not a literal (a lambda): rendered verbatim; JSON {"python": ...}."""

    def __init__(self, source):
        self.source = source


class Alt:
    """Alternatives for a required argument, tried in order (with every input candidate) until Keras accepts one."""

    def __init__(self, *values):
        self.values = values


def to_json(value):
    if isinstance(value, tuple):
        return {"tuple": [to_json(v) for v in value]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, Layer):
        return {"layer": {"class": value.cls, "kwargs": {k: to_json(v) for k, v in value.kwargs.items()}}}
    if isinstance(value, Python):
        return {"python": value.source}
    if isinstance(value, dict):
        return {"dict": {k: to_json(v) for k, v in value.items()}}
    if isinstance(value, float) and value == int(value):
        # JSON would read back 2.0 as the integer 2, and the TypeScript side would render it so.
        raise ValueError(f"integral float {value} in a case: use a non-integral value")
    return value


def py(value):
    """A Python literal, the way test/conformance/layer-cases.ts renders the same JSON (keep the two in step)."""
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(py(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(py(v) for v in value) + "]"
    if isinstance(value, Layer):
        return f"keras.layers.{value.cls}({kwargs_source(value.kwargs)})"
    if isinstance(value, Python):
        return value.source
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {value!r}")


def kwargs_source(kwargs):
    return ", ".join(f"{k}={py(v)}" for k, v in kwargs.items())


# --- The tables -----------------------------------------------------------------------------------------------------

# Values for required constructor arguments, by parameter name (generic: the same for every class). Also used for an
# optional argument whose default is None: as a variant; and, when a class cannot be called with its required arguments
# alone (lookups without a vocabulary, Normalization without statistics), for an optional argument as a fill-in.
REQUIRED = {
    "units": 3,
    "filters": 4,
    "kernel_size": 3,
    "pool_size": 2,
    "output_size": 2,
    "strides": 1,
    "rate": 0.5,
    "stddev": 0.5,
    "factor": Alt(0.2, 4),
    "height_factor": 0.2,
    "width_factor": 0.2,
    "num_heads": 2,
    "key_dim": 4,
    "value_dim": 3,
    "head_dim": 2,
    "num_query_heads": 2,
    "num_key_value_heads": 1,
    "input_dim": 11,
    "output_dim": 4,
    "num_tokens": 11,
    "num_bins": 4,
    "groups": 2,
    "target_shape": (-1, 2),
    "dims": (2, 1),
    "n": 2,
    "axes": 1,
    "height": 4,
    "width": 4,
    "scale": 0.5,
    "activation": "relu",
    "equation": "ab,bc->ac",
    "output_shape": 4,
    "lora_rank": 2,
    "max_number": 2,
    "vocabulary": Alt([1, 2, 3], ["a", "b", "c"]),
    "bin_boundaries": [-0.5, 0.5],
    "mean": 0.5,
    "variance": 1.5,
    "function": Python("lambda x: x * 2.5"),
    "layer": Layer("Dense", units=3),
    "cell": Layer("SimpleRNNCell", units=3),
    "cells": [Layer("SimpleRNNCell", units=3), Layer("SimpleRNNCell", units=2)],
    "layers": [Layer("Rescaling", scale=0.5), Layer("Flatten")],
}

# Per-class overrides of REQUIRED, where the generic value cannot work: Bidirectional wraps a recurrent layer, not Dense.
OVERRIDES = {
    "Bidirectional": {"layer": Layer("LSTM", units=3)},
}

# Classes that wrap another framework's model or function: nothing to build here without one.
NOT_HERE = {
    "TFSMLayer": "wraps a TensorFlow SavedModel (filepath=): needs an exported SavedModel on disk",
    "TorchModuleWrapper": "wraps a PyTorch module: needs torch and the torch backend",
    "JaxLayer": "wraps a user's JAX function (call_fn=, init_fn=): nothing generic to build",
    "FlaxLayer": "wraps a Flax module (module=): needs flax and a user's module",
    # Not a wrapper, but not called on tensors either: keras.Input makes it, and every case has one.
    "InputLayer": "the layer keras.Input makes (shape=, no call on a tensor): every case's input is one",
}
# Abstract bases: constructible, but their call() is the subclass's; tried anyway, the error is recorded.
ABSTRACT = {
    "Layer": "abstract base class of every layer: call() is the subclass's",
    "Wrapper": "abstract base class of layer wrappers (Bidirectional, TimeDistributed): call() is the subclass's",
}

# Alternative values of string arguments, by parameter name (None: the argument left out of the layer's role).
STRINGS = {
    "padding": ["valid", "same", "causal"],
    "data_format": ["channels_first", "channels_last"],
    "interpolation": ["nearest", "bilinear", "bicubic"],
    "merge_mode": ["concat", "sum", "mul", "ave", None],
    "output_mode": ["int", "one_hot", "multi_hot", "count", "tf_idf"],
}
# Constructor parameters never varied: they name or place the layer, or are the base case itself.
UNVARIED = {"name", "dtype", "seed", "self"}
# Variants every layer accepts through **kwargs: a dtype, kept where the output dtype changes (values not recorded).
EXTRA_VARIANTS = [("dtype", "float16")]
# A constructor taking one of these reads integer ids: integer inputs are tried first.
INTEGER_HINTS = {"input_dim", "num_tokens", "num_bins", "vocabulary", "max_tokens"}

# The pool of inputs, tried in order; shapes include the batch. `call`: how the tensors are passed
# (single: layer(x); list: layer([a, b]); query_value: layer(query, value)).
FLOAT_CANDIDATES = [
    {"id": "float32 rank 2", "call": "single", "inputs": [((2, 6), "float32")]},
    {"id": "float32 rank 3", "call": "single", "inputs": [((2, 5, 6), "float32")]},
    {"id": "float32 rank 4", "call": "single", "inputs": [((2, 6, 6, 3), "float32")]},
    {"id": "float32 rank 5", "call": "single", "inputs": [((2, 4, 4, 4, 3), "float32")]},
    {"id": "float32 rank 6", "call": "single", "inputs": [((2, 2, 4, 4, 4, 3), "float32")]},
]
INT_CANDIDATES = [
    {"id": "int32 rank 2", "call": "single", "inputs": [((2, 6), "int32")]},
    {"id": "int32 rank 3", "call": "single", "inputs": [((2, 5, 6), "int32")]},
]
STRING_CANDIDATES = [{"id": "string rank 1", "call": "single", "inputs": [((2,), "string")]}]
MULTI_CANDIDATES = [
    {"id": "two float32 rank 2", "call": "list", "inputs": [((2, 6), "float32")] * 2},
    {"id": "two float32 rank 3", "call": "list", "inputs": [((2, 5, 6), "float32")] * 2},
    {"id": "two float32 rank 4", "call": "list", "inputs": [((2, 6, 6, 3), "float32")] * 2},
    {"id": "two int32 rank 2", "call": "list", "inputs": [((2, 6), "int32")] * 2},
    {"id": "two int32 rank 1", "call": "list", "inputs": [((2,), "int32")] * 2},
    {"id": "query, value float32 rank 3", "call": "query_value", "inputs": [((2, 5, 6), "float32"), ((2, 4, 6), "float32")]},
]
# Last resort, for layers with a long minimum length (spectrograms: frame_length 256).
LONG_CANDIDATES = [{"id": "float32 rank 3, 256 steps, 1 channel", "call": "single", "inputs": [((2, 256, 1), "float32")]}]


def candidates_for(parameters):
    if INTEGER_HINTS & set(parameters):
        return INT_CANDIDATES + STRING_CANDIDATES + FLOAT_CANDIDATES + MULTI_CANDIDATES + LONG_CANDIDATES
    return FLOAT_CANDIDATES + INT_CANDIDATES + STRING_CANDIDATES + MULTI_CANDIDATES + LONG_CANDIDATES


def channels_first(candidate):
    """The candidate with its channels (last axis) moved after the batch, for data_format="channels_first"."""
    moved = [((s[0], s[-1], *s[1:-1]) if len(s) >= 3 else s, d) for s, d in candidate["inputs"]]
    return {**candidate, "id": candidate["id"] + ", channels first", "inputs": moved}


def alternatives(name, default):
    """Values to try instead of a default, by the default's type (and, for strings and None, the parameter's name)."""
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, str) or (default is None and name in STRINGS):
        return [v for v in STRINGS.get(name, []) if v != default]
    if isinstance(default, int):
        return [default + 1, 2 * default] if default > 1 else [default + 1, default + 2]
    if isinstance(default, tuple) and default:
        leaves = list(flatten_tuple(default))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in leaves):
            return []
        every = map_tuple(default, lambda v: v + 1)
        first = bump_first(default)
        return [every] + ([first] if first != every else [])
    if default is None and name in REQUIRED:
        value = REQUIRED[name]
        return list(value.values) if isinstance(value, Alt) else [value]
    return []


def flatten_tuple(value):
    for v in value:
        if isinstance(v, tuple):
            yield from flatten_tuple(v)
        else:
            yield v


def map_tuple(value, fn):
    return tuple(map_tuple(v, fn) if isinstance(v, tuple) else fn(v) for v in value)


def bump_first(value):
    """The tuple with only its first integer increased: (1, 1) → (2, 1), ((0, 0), (0, 0)) → ((1, 0), (0, 0))."""
    head, rest = value[0], value[1:]
    return (bump_first(head) if isinstance(head, tuple) else head + 1, *rest)


# --- Running a case -------------------------------------------------------------------------------------------------


def source_of(cls_name, kwargs, candidate):
    inputs = candidate["inputs"]

    def make_input(shape, dtype):
        per_sample = py(tuple(shape[1:]))
        return f"keras.Input(shape={per_sample}" + ("" if dtype == "float32" else f", dtype={py(dtype)}") + ")"

    layer = f"keras.layers.{cls_name}({kwargs_source(kwargs)})"
    if candidate["call"] == "single":
        lines = [f"inputs = {make_input(*inputs[0])}", f"outputs = {layer}(inputs)", "model = keras.Model(inputs, outputs)"]
    else:
        names = [f"input_{i}" for i in range(len(inputs))]
        lines = [f"{n} = {make_input(*spec)}" for n, spec in zip(names, inputs)]
        args = f"[{', '.join(names)}]" if candidate["call"] == "list" else ", ".join(names)
        lines += [f"outputs = {layer}({args})", f"model = keras.Model([{', '.join(names)}], outputs)"]
    return "import keras\n\n" + "\n".join(lines) + "\n"


def clean_message(error):
    message = str(error).strip() or repr(error)
    message = message.replace(ROOT + os.sep, "").replace(ROOT, ".")
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)
    message = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", message)
    message = re.sub(r"keras_tensor_\d+", "keras_tensor_…", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + " …"


class Rejected(Exception):
    def __init__(self, stage, error):
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage, self.error = stage, error

    def describe(self):
        return {"stage": self.stage, "type": type(self.error).__name__, "message": clean_message(self.error)}


def fresh():
    """A clean Keras session (auto-names from scratch) and seed 0, before every build. Garbage is collected once per
    class (generate_class): clear_session's gc.collect takes long with JAX and TensorFlow loaded."""
    import keras

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


def tensors_of(outputs):
    if isinstance(outputs, (list, tuple)):
        return list(outputs), True
    return [outputs], False


def shape_json(shape):
    return [None if d is None else int(d) for d in shape]


def dtype_name(dtype):
    return str(getattr(dtype, "name", dtype))


def symbolic(cls, cls_name, kwargs, candidate):
    """Runs the case's source: the layer built on keras.Input. Returns what Keras records, or raises Rejected."""
    import keras

    fresh()
    source = source_of(cls_name, kwargs, candidate)
    namespace = {}
    # Construct first on its own, to tell construction errors from call errors.
    try:
        eval(f"keras.layers.{cls_name}({kwargs_source(kwargs)})", {"keras": keras})
    except Exception as error:
        raise Rejected("construct", error)
    fresh()
    try:
        exec(compile(source, f"<{cls_name}>", "exec"), namespace)
    except Exception as error:
        raise Rejected("call", error)
    model = namespace["model"]
    layers = [l for l in model.layers if type(l) is cls]
    outputs, is_list = tensors_of(namespace["outputs"])
    if len(layers) != 1 or not all(isinstance(t, keras.KerasTensor) for t in outputs):
        raise Rejected("call", TypeError("the call did not give one layer of the class and tensor outputs"))
    layer = layers[0]
    size = lambda weights: int(sum(int(__import__("numpy").prod(w.shape)) for w in weights))
    return {
        "source": source,
        "model": model,
        "layer": layer,
        "outputIsList": is_list,
        "outputs": [{"shape": shape_json(t.shape), "dtype": dtype_name(t.dtype)} for t in outputs],
        "params": int(layer.count_params()),
        "trainableParams": size(layer.trainable_weights),
        "nonTrainableParams": size(layer.non_trainable_weights),
    }


def fixed_inputs(candidate):
    import numpy as np

    rng = np.random.default_rng(0)
    arrays = []
    for shape, dtype in candidate["inputs"]:
        if dtype == "float32":
            arrays.append(rng.standard_normal(shape).astype("float32"))
        elif dtype == "int32":
            arrays.append(rng.integers(0, 10, shape).astype("int32"))
        else:
            arrays.append(rng.choice(["a", "b", "c", "d"], shape))
    return arrays


def perturb_constant_weights(layer):
    """Weights Keras initializes to one constant (biases, gamma/beta, moving statistics, PReLU's alpha) would not show
    a weight read wrongly or not at all: they get seeded values in [0.5, 1.5). Other weights keep Keras's initializers."""
    import numpy as np

    rng = np.random.default_rng(1)
    for w in layer.weights:
        value = np.asarray(w.numpy())
        if value.size > 0 and np.issubdtype(value.dtype, np.floating) and np.all(value == value.flat[0]):
            w.assign(rng.uniform(0.5, 1.5, value.shape).astype(value.dtype))


def eager(built, candidate):
    """Calls the model eagerly (inference) on the fixed input. Returns the arrays and whether a second call agrees."""
    import numpy as np

    arrays = fixed_inputs(candidate)
    layer = built["layer"]
    # The layer itself, as the source calls it: a functional model does not take string arrays on JAX.
    call = {
        "single": lambda: layer(arrays[0], training=False),
        "list": lambda: layer(arrays, training=False),
        "query_value": lambda: layer(*arrays, training=False),
    }[candidate["call"]]
    try:
        perturb_constant_weights(layer)
        if built["model"].weights:
            # Through the weights file, as a user would load it: a layer that keeps state derived from its variables
            # (Normalization's mean and variance, set in build from the variables' initial values) updates it on load.
            with tempfile.TemporaryDirectory() as scratch:
                path = os.path.join(scratch, "model.weights.h5")
                built["model"].save_weights(path)
                built["model"].load_weights(path)
        first, _ = tensors_of(call())
        second, _ = tensors_of(call())
    except Exception as error:
        raise Rejected("eager", error)
    first = [np.asarray(t) for t in first]
    second = [np.asarray(t) for t in second]
    deterministic = all(a.shape == b.shape and np.array_equal(a, b, equal_nan=True) for a, b in zip(first, second))
    return arrays, first, deterministic


STAGES = ["construct", "call", "eager"]


def consistent(built, eager_result):
    """Keras's eager outputs have the shapes its symbolic call declared (None standing for any size)."""
    outputs = eager_result[1]
    return len(outputs) == len(built["outputs"]) and all(
        len(o["shape"]) == a.ndim and all(d is None or d == e for d, e in zip(o["shape"], a.shape))
        for o, a in zip(built["outputs"], outputs)
    )


def attempt(cls, cls_name, kwargs, candidates):
    """The first candidate Keras accepts, symbolically and then eagerly, with eager shapes that agree with the symbolic
    ones (AdaptiveAveragePooling2D takes a rank-3 input and declares a rank-4 output: a rank-4 input is the case to
    record); failing that, the first accepted at all. Returns (candidate, built, eager result); else raises the Rejected
    of the candidate that got furthest (the first of those)."""
    furthest, fallback = None, None
    for candidate in candidates:
        try:
            built = symbolic(cls, cls_name, kwargs, candidate)
            result = eager(built, candidate)
        except Rejected as rejected:
            if furthest is None or STAGES.index(rejected.stage) > STAGES.index(furthest.stage):
                furthest = rejected
            if rejected.stage == "construct":
                break
            continue
        if consistent(built, result):
            return candidate, built, result
        # Every build starts from a clean session (symbolic), so the model kept here keeps its auto-names.
        fallback = fallback or (candidate, built, result)
    if fallback is not None:
        return fallback
    raise furthest


def signature_parameters(cls):
    """The constructor's parameters, then those its **kwargs pass on to a parent class (`lora_rank` of Conv2D,
    `data_format` of the augmentation layers), less Layer's own (name, dtype, trainable, input_shape, …)."""
    import keras

    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return {}
    own = {p.name: p for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    base = layer_keywords(keras.layers.Layer)
    through = [p for p in parameters_through_kwargs(cls) if p.name not in base] if "__init__" in cls.__dict__ else []
    return {**own, **{p.name: p for p in through}}


def base_argument_sets(cls_name, parameters):
    """Keyword arguments for the base case, in the order to try: the required ones (each combination of alternatives),
    then the same with the None-default arguments REQUIRED knows filled in."""
    overrides = OVERRIDES.get(cls_name, {})
    required = [p for p in parameters.values() if p.default is inspect.Parameter.empty]
    missing = [p.name for p in required if p.name not in overrides and p.name not in REQUIRED]
    if missing:
        return None, f"no value for required argument(s) {', '.join(missing)} in the REQUIRED table"
    # Fill-ins: optional arguments the table knows whose default is None or another value (GroupNormalization's
    # groups=32 is more than any candidate's channels).
    fill = [
        p
        for p in parameters.values()
        if p.default is not inspect.Parameter.empty
        and p.name in REQUIRED
        and p.name not in UNVARIED
        and (p.default is None or p.default != REQUIRED[p.name])
    ]

    def combinations(params):
        options = []
        for p in params:
            value = overrides.get(p.name, REQUIRED.get(p.name))
            options.append([(p.name, v) for v in (value.values if isinstance(value, Alt) else [value])])
        return [dict(c) for c in itertools.product(*options)]

    sets = combinations(required)
    for p in fill:
        sets += combinations(required + [p])
    if len(fill) > 1:
        sets += combinations(required + fill)
    return sets, None


def record_case(out_dir, case, built, eager_result):
    """Writes case.json and, where values are recorded, the input, output and weights files."""
    import numpy as np

    os.makedirs(out_dir, exist_ok=True)
    if built is not None:
        arrays, outputs, deterministic = eager_result
        case["outputs"] = [{**o, "eagerShape": list(a.shape)} for o, a in zip(case["outputs"], outputs)]
        reason = None
        if any(i["dtype"] == "string" for i in case["inputs"]):
            reason = "string inputs: no .npy the TypeScript side reads"
        elif not all(o["dtype"] in ("float32", "int32", "int64", "bool") for o in case["outputs"]):
            reason = "output dtype " + ", ".join(sorted({o["dtype"] for o in case["outputs"]})) + ": values are compared in float32 or int32 only"
        elif any(
            len(o["shape"]) != len(o["eagerShape"]) or any(d is not None and d != e for d, e in zip(o["shape"], o["eagerShape"]))
            for o in case["outputs"]
        ):
            reason = "Keras's eager output shape differs from its symbolic one (see outputs): Keras disagrees with itself"
        elif not deterministic:
            reason = "two inference calls on the same input differ: random at inference"
        elif sum(a.size for a in outputs) > MAX_VALUE_ELEMENTS:
            reason = f"more than {MAX_VALUE_ELEMENTS} output elements"
        if reason is None:
            for i, a in enumerate(arrays):
                np.save(os.path.join(out_dir, f"input_{i}.npy"), a)
            for j, a in enumerate(outputs):
                np.save(os.path.join(out_dir, f"output_{j}.npy"), a.astype("float32" if np.issubdtype(a.dtype, np.floating) else "int32"))
            weights = None
            if built["model"].weights:
                built["model"].save_weights(os.path.join(out_dir, "model.weights.h5"))
                weights = "model.weights.h5"
            case["values"] = {
                "inputs": [f"input_{i}.npy" for i in range(len(arrays))],
                "outputs": [f"output_{j}.npy" for j in range(len(outputs))],
                "weights": weights,
            }
        else:
            case["values"] = None
            case["valuesReason"] = reason
    if built is not None:
        case["frozenTrainableParams"] = frozen_trainable(built, case["call"])
    with open(os.path.join(out_dir, "case.json"), "w") as f:
        json.dump(case, f, indent=1, ensure_ascii=False)
        f.write("\n")


def weight_count(weights):
    return int(sum(math.prod(int(d) for d in w.shape) for w in weights))


def frozen_trainable(built, call):
    """The case's layer made with trainable=False (from its config, so its constructor gets the flag), called in a
    model on the same inputs: the weights that model still counts trainable, those of sublayers the layer makes
    without passing the flag on (Bidirectional's copies, MultiHeadAttention's projections). None where Keras cannot
    remake the layer so (a class whose constructor takes no `trainable`)."""
    import keras

    layer, model = built["layer"], built["model"]
    try:
        frozen = type(layer).from_config({**layer.get_config(), "trainable": False})
        inputs = list(model.inputs)
        outputs = frozen(inputs) if call == "list" else frozen(*inputs)
        return weight_count(keras.Model(inputs, outputs).trainable_weights)
    except Exception:
        return None


def case_json(cls_name, aliases, kind, variant, kwargs, candidate):
    return {
        "class": cls_name,
        "aliases": aliases,
        "kind": kind,
        "variant": variant,
        "kwargs": {k: to_json(v) for k, v in kwargs.items()},
        "call": candidate["call"],
        "candidate": candidate["id"],
        "inputs": [{"shape": list(s), "dtype": d} for s, d in candidate["inputs"]],
        "source": source_of(cls_name, kwargs, candidate),
    }


def built_json(built):
    return {k: built[k] for k in ("outputIsList", "outputs", "params", "trainableParams", "nonTrainableParams")}


def signature_of(built):
    return json.dumps(built_json(built), sort_keys=True)


def generate_class(cls_name, cls, aliases, out_root):
    """All cases of one class, written under out_root/<cls_name>/. Returns its index entry."""
    import gc

    gc.collect()
    entry = {"class": cls_name, "aliases": aliases, "pythonClass": f"{cls.__module__}.{cls.__qualname__}"}
    if cls_name in NOT_HERE:
        return {**entry, "status": "not-constructible", "reason": NOT_HERE[cls_name], "cases": [], "rejected": []}
    parameters = signature_parameters(cls)
    argument_sets, missing = base_argument_sets(cls_name, parameters)
    if argument_sets is None:
        return {**entry, "status": "no-case", "reason": missing, "cases": [], "rejected": []}
    candidates = candidates_for(parameters)

    base = None
    failures = []
    for kwargs in argument_sets:
        try:
            base = (kwargs, *attempt(cls, cls_name, kwargs, candidates))
            break
        except Rejected as rejected:
            failures.append({"kwargs": {k: to_json(v) for k, v in kwargs.items()}, **rejected.describe()})
    if base is None:
        status = "not-constructible" if cls_name in ABSTRACT else "no-case"
        reason = ABSTRACT.get(cls_name) or (
            "Keras accepted no input candidate with any argument set; the error of the input that got furthest, "
            f"with the first argument set: {failures[0]['type']}: {failures[0]['message']}"
        )
        return {**entry, "status": status, "reason": reason, "attempts": failures[:4], "cases": [], "rejected": []}

    kwargs, candidate, built, eager_result = base
    cases, rejected, n = [], [], 0
    record_case(
        os.path.join(out_root, cls_name, str(n)),
        {"id": f"{cls_name}/{n}", **case_json(cls_name, aliases, "base", None, kwargs, candidate), **built_json(built)},
        built,
        eager_result,
    )
    cases.append(f"{cls_name}/{n}")
    base_signature = signature_of(built)
    base_candidate = candidate

    variants = [
        (p.name, value)
        for p in parameters.values()
        if p.default is not inspect.Parameter.empty and p.name not in UNVARIED and p.name not in kwargs
        for value in alternatives(p.name, p.default)
    ] + EXTRA_VARIANTS
    for name, value in variants:
        variant_kwargs = {**kwargs, name: value}
        first = channels_first(base_candidate) if name == "data_format" and value == "channels_first" else base_candidate
        # The base case's input first, then the other candidates called the same way (a list for a merge layer).
        others = [first] + [
            channels_first(c) if name == "data_format" and value == "channels_first" else c
            for c in candidates
            if c is not base_candidate and c["call"] == base_candidate["call"]
        ]
        found, error = None, None
        for c in others:
            try:
                found = (c, symbolic(cls, cls_name, variant_kwargs, c))
                break
            except Rejected as r:
                error = error or r
                if r.stage == "construct":
                    break
        variant = {"parameter": name, "value": to_json(value)}
        if found is not None:
            c, b = found
            # Kept only where it changes what the layer gives, against the base case: output shapes, dtypes or
            # parameter counts.
            if signature_of(b) == base_signature:
                continue
            try:
                e = eager(b, c)
            except Rejected as r:
                found, error = None, r
        if found is None:
            if len(rejected) >= MAX_REJECTED:
                continue
            n += 1
            case = {"id": f"{cls_name}/{n}", **case_json(cls_name, aliases, "rejected", variant, variant_kwargs, first)}
            record_case(os.path.join(out_root, cls_name, str(n)), {**case, "error": error.describe()}, None, None)
            rejected.append(case["id"])
            continue
        n += 1
        case = {"id": f"{cls_name}/{n}", **case_json(cls_name, aliases, "variant", variant, variant_kwargs, c), **built_json(b)}
        record_case(os.path.join(out_root, cls_name, str(n)), case, b, e)
        cases.append(case["id"])
    status = {"status": "ok"}
    if cls_name in ABSTRACT:
        status["note"] = ABSTRACT[cls_name]
    return {**entry, **status, "cases": cases, "rejected": rejected}


def layer_classes():
    """Canonical name → (class, aliases) for every class in keras.layers: aliases are the names of the same object."""
    import keras

    groups = {}
    for name in dir(keras.layers):
        value = getattr(keras.layers, name)
        if isinstance(value, type) and issubclass(value, keras.layers.Layer):
            groups.setdefault(id(value), (value, []))[1].append(name)
    classes = {}
    for value, names in groups.values():
        canonical = value.__name__ if value.__name__ in names else names[0]
        classes[canonical] = (value, sorted(names))
    return dict(sorted(classes.items())), sum(len(n) for _, n in groups.values())


def sample(names, count):
    """A deterministic, evenly spread subset of the classes."""
    if count >= len(names):
        return list(names)
    return [names[(i * len(names)) // count] for i in range(count)]


def generate(out_root, only=None, log=True):
    import keras
    import logging

    logging.getLogger("absl").setLevel(logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore")
    classes, name_count = layer_classes()
    selected = list(classes) if only is None else only
    index_path = os.path.join(out_root, "index.json")
    entries = {}
    if only is not None and os.path.exists(index_path):
        entries = {e["class"]: e for e in json.load(open(index_path))["classes"]}
    os.makedirs(out_root, exist_ok=True)
    for cls_name in selected:
        started = time.time()
        shutil.rmtree(os.path.join(out_root, cls_name), ignore_errors=True)
        cls, aliases = classes[cls_name]
        entries[cls_name] = generate_class(cls_name, cls, aliases, out_root)
        e = entries[cls_name]
        if log:
            detail = e.get("reason", "")[:100]
            print(
                f"{cls_name}: {e['status']}, {len(e['cases'])} cases, {len(e['rejected'])} rejected ({time.time() - started:.1f}s) {detail}",
                flush=True,
            )
    index = {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "generator": "test/conformance/generate-layers.py",
        "names": name_count,
        "classes": [entries[c] for c in classes if c in entries],
    }
    with open(index_path, "w") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return index


# --- Drift ----------------------------------------------------------------------------------------------------------


def drift(expected_root, actual_root, classes):
    import h5py
    import numpy as np

    problems = []
    old_index, new_index = (json.load(open(os.path.join(d, "index.json"))) for d in (expected_root, actual_root))
    for key in ("keras", "backend", "names"):
        if old_index[key] != new_index[key]:
            problems.append(f"index.json: {key} {old_index[key]} → {new_index[key]}")
    old_entries = {e["class"]: e for e in old_index["classes"]}
    new_entries = {e["class"]: e for e in new_index["classes"]}
    if classes is None:
        for name in sorted(set(old_entries) ^ set(new_entries)):
            problems.append(f"index.json: class {name} {'gone' if name in old_entries else 'new'}")
    for name in sorted(classes if classes is not None else set(old_entries) & set(new_entries)):
        if old_entries.get(name) != new_entries.get(name):
            problems.append(f"index.json: {name}: {old_entries.get(name)} → {new_entries.get(name)}")
        for case_id in (new_entries.get(name) or {}).get("cases", []) + (new_entries.get(name) or {}).get("rejected", []):
            a_dir, b_dir = os.path.join(expected_root, case_id), os.path.join(actual_root, case_id)
            files = sorted(set(os.listdir(b_dir)) | (set(os.listdir(a_dir)) if os.path.isdir(a_dir) else set()))
            for file in files:
                a, b = os.path.join(a_dir, file), os.path.join(b_dir, file)
                if not os.path.exists(a) or not os.path.exists(b):
                    problems.append(f"{case_id}/{file}: {'new' if os.path.exists(b) else 'no longer produced'}")
                elif file.endswith(".json"):
                    old, new = json.load(open(a)), json.load(open(b))
                    if old != new:
                        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                        problems.append(f"{case_id}: {', '.join(f'{k}: {old.get(k)} → {new.get(k)}' for k in keys)}")
                elif file.endswith(".npy"):
                    x, y = np.load(a), np.load(b)
                    if x.shape != y.shape or not np.allclose(x, y, rtol=1e-5, atol=1e-6):
                        problems.append(f"{case_id}/{file}: values changed")
                elif file.endswith(".h5"):
                    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
                        da, db = {}, {}
                        fa.visititems(lambda k, v: da.__setitem__(k, v[()]) if isinstance(v, h5py.Dataset) else None)
                        fb.visititems(lambda k, v: db.__setitem__(k, v[()]) if isinstance(v, h5py.Dataset) else None)
                        if set(da) != set(db) or any(
                            np.shape(da[k]) != np.shape(db[k]) or not np.allclose(da[k], db[k], rtol=1e-5, atol=1e-6) for k in da
                        ):
                            problems.append(f"{case_id}/{file}: weights changed")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="regenerate into a temp folder and report drift")
    parser.add_argument("--sample", type=int, help="with --check: only a deterministic subset of this many classes")
    parser.add_argument("--only", help="comma-separated classes (canonical names or aliases) to regenerate")
    parser.add_argument("--out", default=REFERENCE_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args()

    classes, _ = layer_classes()
    alias_of = {alias: name for name, (_, aliases) in classes.items() for alias in aliases}
    only = None
    if args.only:
        unknown = [n for n in args.only.split(",") if n not in alias_of]
        if unknown:
            parser.error(f"not classes of keras.layers: {', '.join(unknown)}")
        only = sorted({alias_of[n] for n in args.only.split(",")})
    if args.check:
        subset = only or (sample(list(classes), args.sample) if args.sample else None)
        started = time.time()
        with tempfile.TemporaryDirectory() as fresh_dir:
            generate(fresh_dir, only=subset, log=False)
            problems = drift(args.out, fresh_dir, subset)
        what = f"{len(subset)} classes ({', '.join(subset)})" if subset else f"all {len(classes)} classes"
        print("\n".join(problems) or f"no drift: real Keras agrees with the committed layer references ({what}, {time.time() - started:.0f}s)")
        sys.exit(1 if problems else 0)
    started = time.time()
    if only is None:
        shutil.rmtree(args.out, ignore_errors=True)
    index = generate(args.out, only=only)
    entries = index["classes"]
    print(
        f"{len(entries)} classes ({index['names']} names): {sum(len(e['cases']) for e in entries)} cases, "
        f"{sum(len(e['rejected']) for e in entries)} rejected, "
        f"{sum(e['status'] != 'ok' for e in entries)} classes without a case; {time.time() - started:.0f}s"
    )


if __name__ == "__main__":
    if any(os.environ.get(k) != v for k, v in ENVIRONMENT.items()):
        # Re-run with the fixed environment (it must be set before JAX and TensorFlow load).
        sys.exit(subprocess.run([sys.executable, *sys.argv], env={**os.environ, **ENVIRONMENT}).returncode)
    main()
