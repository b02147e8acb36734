"""A pytest plugin that turns Keras's own layer tests into recorded cases.

It replaces `keras.src.testing.test_case.TestCase.run_layer_test` by a recorder:
each call's arguments (the layer class, `init_kwargs`, the input shapes and
dtypes, `call_kwargs`, the expected output shape, dtype and weight counts, ...)
are recorded with the test file and test id, and the call returns at once,
without the heavy body (serialization, build, eager call, training step, mixed
precision). Parameterized tests thus give one record per case; a test that
calls `run_layer_test` several times gives several records.

Beside what the test states, each record carries what Keras itself computes
for the symbolic call the test makes (`layer_cls(**init_kwargs)` called on
KerasTensors of the input shapes): the output shapes and dtypes, or the error.

Arguments that are not JSON are encoded with tags (see `encode`); what cannot
be encoded mechanically makes the case a skip with the reason. Nothing is
dropped: tests that reference `run_layer_test` but record nothing (skipped by
pytest, failed first, took another branch) are listed with their outcome.

Used by test/conformance/mine-keras-layer-tests.py, in process. It can also be
given to pytest directly: `pytest -p keras_layer_tests_recorder` with this
folder on PYTHONPATH and `--keras-layer-tests-output=PATH`.
"""

import inspect
import json
import math
import re
import sys

import pytest

from keras_test_mining import collection_error

# Arrays of at most this many elements are recorded as nested lists.
MAX_ARRAY_ELEMENTS = 4096


class Unserializable(Exception):
    """An argument that cannot be written as Python source mechanically."""


state = {
    "cases": [],
    "outcomes": {},  # nodeid -> {"outcome", "reason"}
    "collect_errors": [],  # {"file", "reason"}
    "deselected": [],  # nodeids not statically reaching run_layer_test
    "collected": [],  # nodeids selected to run
    "files": set(),  # test files that were collected (even with no item)
    "shape_assertions": [],  # layer calls whose output shape a test asserts
    "for_shape_assertions": [],  # nodeids run only for their shape assertions
}
_current = {"nodeid": None, "calls": 0}


# --- values -----------------------------------------------------------------


def public_name(obj):
    from keras.src.api_export import get_name_from_symbol

    try:
        return get_name_from_symbol(obj)
    except TypeError:  # unhashable
        return None


def _is_array_like(value):
    return (
        hasattr(value, "shape")
        and hasattr(value, "dtype")
        and hasattr(value, "__array__")
    )


def _describe_type(value):
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"


def encode(value, where):
    """JSON form of a Python value, tagged where JSON has no equivalent.

    - tuple: {"$tuple": [...]}; dict: {"$dict": {...}}; list: a list
    - float nan/inf: {"$float": "nan" | "inf" | "-inf"}
    - numpy dtype or scalar type: {"$dtype": "float32"}
    - small array (numpy, JAX, TF): {"$array": {"dtype", "shape", "data"}}
    - a Keras object with a public name (a layer, an initializer, a
      regularizer, a dtype policy, ...): {"$call": "keras.layers.Dense",
      "args": [...], "kwargs": {...}}: the arguments it was constructed with
      (recorded by the patched `Operation.__new__`), else its `get_config()`
    - a function or class with a public name: {"$ref": "keras.activations.relu"}
    Raises Unserializable with the reason otherwise.
    """
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise Unserializable(f"`{where}` is bytes that are not UTF-8")
    if isinstance(value, np.generic):
        return encode(value.item(), where)
    if isinstance(value, np.dtype):
        return {"$dtype": str(value)}
    if isinstance(value, type) and issubclass(value, np.generic):
        return {"$dtype": str(np.dtype(value))}
    if isinstance(value, tuple):
        return {
            "$tuple": [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        }
    if isinstance(value, list):
        return [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise Unserializable(f"`{where}` is a dict with non-string keys")
        return {
            "$dict": {k: encode(v, f"{where}.{k}") for k, v in value.items()}
        }
    from keras.src.ops.operation import Operation

    if isinstance(value, Operation):
        return _encode_operation(value, where)
    if _is_array_like(value) and not isinstance(value, type):
        kind = _describe_type(value)
        if "Sparse" in kind or "Ragged" in kind:
            raise Unserializable(f"`{where}` is a {kind}")
        try:
            array = np.asarray(value)
        except Exception as error:  # noqa: BLE001
            raise Unserializable(f"`{where}` is a {kind} ({error})")
        if array.size > MAX_ARRAY_ELEMENTS:
            raise Unserializable(
                f"`{where}` is an array of {array.size} elements "
                f"(more than {MAX_ARRAY_ELEMENTS})"
            )
        if array.dtype == object:
            raise Unserializable(f"`{where}` is an array of Python objects")
        data = array.tolist()
        if array.dtype.kind == "S":
            data = np.char.decode(array, "utf-8").tolist()
        return {
            "$array": {
                "dtype": str(array.dtype),
                "shape": list(array.shape),
                "data": _finite(data, where),
            }
        }
    if callable(value):
        name = public_name(value)
        if name:
            return {"$ref": name}
        if isinstance(value, type):
            raise Unserializable(
                f"`{where}` is the class {value.__qualname__}, defined in "
                f"{value.__module__} (no public keras name)"
            )
        if getattr(value, "__name__", "") == "<lambda>":
            raise Unserializable(f"`{where}` is a Python lambda")
        if inspect.isfunction(value) or inspect.ismethod(value):
            raise Unserializable(
                f"`{where}` is a Python function "
                f"({getattr(value, '__qualname__', value)})"
            )
    if hasattr(value, "get_config"):
        name = public_name(type(value))
        if not name:
            raise Unserializable(
                f"`{where}` is a {_describe_type(value)} (no public keras name)"
            )
        return {
            "$call": name,
            "args": [],
            "kwargs": _encode_kwargs(value.get_config(), where),
        }
    raise Unserializable(f"`{where}` is a {_describe_type(value)}")


def _finite(data, where):
    if isinstance(data, list):
        return [_finite(d, where) for d in data]
    if isinstance(data, float) and not math.isfinite(data):
        return encode(data, where)
    return data


def _encode_kwargs(kwargs, where):
    return {k: encode(v, f"{where}.{k}") for k, v in kwargs.items()}


def _encode_operation(layer, where):
    cls = type(layer)
    name = public_name(cls)
    if not name:
        raise Unserializable(
            f"`{where}` is a {cls.__qualname__} layer defined in "
            f"{cls.__module__} (no public keras name)"
        )
    ctor = constructor_arguments(layer)
    if ctor is None:
        return {
            "$call": name,
            "args": [],
            "kwargs": _encode_kwargs(layer.get_config(), where),
        }
    args, kwargs = ctor
    return {
        "$call": name,
        "args": [encode(v, f"{where}[{i}]") for i, v in enumerate(args)],
        "kwargs": _encode_kwargs(kwargs, where),
    }


def constructor_arguments(layer):
    """The (args, kwargs) a layer was constructed with, positional ones named where the signature allows."""
    ctor = vars(layer).get("_keras_layer_tests_ctor")
    if ctor is None:
        return None
    args, kwargs = ctor
    cls = type(layer)
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
        arguments = dict(bound.arguments)
        arguments.pop(next(iter(arguments)))  # self
        spec = inspect.getfullargspec(cls.__init__)
        if spec.varargs and arguments.get(spec.varargs):
            raise TypeError("varargs")
        arguments.pop(spec.varargs, None)
        arguments |= arguments.pop(spec.varkw, {}) if spec.varkw else {}
        return (), arguments
    except TypeError:
        return args, kwargs


def _record_constructor_arguments():
    """Keeps on each Keras operation (layer) the arguments it was made with."""
    from keras.src.ops.operation import Operation

    original = Operation.__new__

    def __new__(cls, *args, **kwargs):
        instance = original(cls, *args, **kwargs)
        try:
            vars(instance)["_keras_layer_tests_ctor"] = (args, dict(kwargs))
        except Exception:  # noqa: BLE001
            pass
        return instance

    Operation.__new__ = staticmethod(__new__)


# --- shapes -------------------------------------------------------------------


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool))
        for d in value
    )


def _shape_list(shape):
    return [None if d is None else int(d) for d in shape]


def shape_structure(value, dtypes=None):
    """An input shape argument: one shape, a list/tuple of shapes, or a dict.

    {"structure": "single" | "list" | "tuple" | "dict",
     "tensors": [{"name"?: str, "shape": [...], "dtype": str | None}]}
    """
    if isinstance(value, dict):
        return {
            "structure": "dict",
            "tensors": [
                {
                    "name": k,
                    "shape": _shape_list(v),
                    "dtype": _dtype_at(dtypes, k),
                }
                for k, v in value.items()
            ],
        }
    if isinstance(value, (tuple, list)) and value and all(
        _is_shape(v) and not isinstance(v, int) for v in value
    ):
        if isinstance(value, list) or any(
            isinstance(v, tuple) for v in value
        ):
            structure = "list" if isinstance(value, list) else "tuple"
            return {
                "structure": structure,
                "tensors": [
                    {"shape": _shape_list(v), "dtype": _dtype_at(dtypes, i)}
                    for i, v in enumerate(value)
                ],
            }
    if _is_shape(value):
        return {
            "structure": "single",
            "tensors": [
                {"shape": _shape_list(value), "dtype": _dtype_at(dtypes, None)}
            ],
        }
    raise Unserializable(f"input shape {value!r} is not a shape structure")


def _dtype_at(dtypes, key):
    if dtypes is None:
        return None
    if key is None:
        value = dtypes
    else:
        try:
            value = dtypes[key]
        except (KeyError, IndexError, TypeError):
            return None
    return _dtype_name(value)


def _dtype_name(value):
    from keras.src.backend.common import standardize_dtype

    import numpy as np

    if value is None:
        return None
    try:
        if np.dtype(value).kind in "USO":
            return "string"
    except Exception:  # noqa: BLE001  (not a NumPy dtype: "string", tf.string, ...)
        pass
    try:
        return standardize_dtype(value)
    except Exception:  # noqa: BLE001
        return str(value)


def tensor_structure(value, what):
    """Shapes and dtypes of a (structure of) tensors or arrays."""
    import numpy as np

    def leaf(x, name=None):
        kind = _describe_type(x)
        entry = {}
        if name is not None:
            entry["name"] = name
        if hasattr(x, "shape") and hasattr(x, "dtype"):
            entry["shape"] = _shape_list(x.shape)
            entry["dtype"] = _dtype_name(x.dtype)
        else:
            array = np.asarray(x)
            entry["shape"] = list(array.shape)
            entry["dtype"] = _dtype_name(array.dtype)
        if "Sparse" in kind or getattr(x, "sparse", False) is True:
            entry["sparse"] = True
        if "Ragged" in kind or getattr(x, "ragged", False) is True:
            entry["ragged"] = True
        return entry

    if isinstance(value, dict):
        return {
            "structure": "dict",
            "tensors": [leaf(v, k) for k, v in value.items()],
        }
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (list, tuple, dict)) for v in value):
            raise Unserializable(f"{what} is a nested structure")
        return {
            "structure": "list" if isinstance(value, list) else "tuple",
            "tensors": [leaf(v) for v in value],
        }
    return {"structure": "single", "tensors": [leaf(value)]}


def expected_shape_structure(value):
    if value is None:
        return None
    try:
        structure = shape_structure(value)
        for tensor in structure["tensors"]:
            tensor.pop("dtype")
        return structure
    except Unserializable:
        return {"unrecognized": repr(value)}


# --- the recorder ---------------------------------------------------------------



def _plain(value):
    """A JSON-safe rendering of a flag-like argument."""
    try:
        return encode(value, "value")
    except Unserializable:
        return repr(value)


def record_layer_test(test, arguments):
    nodeid = _current["nodeid"] or test.id()
    index = _current["calls"]
    _current["calls"] += 1
    file, _, test_id = nodeid.partition("::")
    layer_cls = arguments["layer_cls"]
    public = public_name(layer_cls)
    case = {
        "file": file,
        "test": test_id,
        "call": index,
        "class": {
            "module": layer_cls.__module__,
            "qualname": layer_cls.__qualname__,
            "public": public if public and public.startswith("keras.layers.") else None,
        },
    }
    skips = []

    def attempt(what, fn):
        try:
            return fn()
        except Unserializable as error:
            skips.append(str(error))
        except Exception as error:  # noqa: BLE001
            skips.append(f"{what} could not be recorded: {type(error).__name__}: {error}")
        return None

    if not case["class"]["public"]:
        skips.append(
            f"layer class {layer_cls.__qualname__} (in {layer_cls.__module__}) "
            "has no public keras.layers name"
        )

    init_kwargs = arguments["init_kwargs"] or {}
    case["init_kwargs"] = {}
    for key, value in init_kwargs.items():
        encoded = attempt("init_kwargs", lambda: encode(value, key))
        case["init_kwargs"][key] = encoded
    call_kwargs = arguments["call_kwargs"] or {}
    case["call_kwargs"] = {}
    for key, value in call_kwargs.items():
        case["call_kwargs"][key] = attempt(
            "call_kwargs", lambda: encode(value, f"call_kwargs.{key}")
        )

    input_shape = arguments["input_shape"]
    input_data = arguments["input_data"]
    input_dtype = arguments["input_dtype"]
    if input_shape is not None:
        input_dtype_default = input_dtype
        if input_dtype_default is None:
            from keras.src import tree

            input_dtype_default = tree.map_shape_structure(
                lambda _: "float32", input_shape
            )
        case["input"] = attempt(
            "input_shape",
            lambda: {"from": "input_shape", **shape_structure(input_shape, input_dtype_default)},
        )
        if case["input"] and case["input"]["structure"] == "dict":
            # run_layer_test calls layer(**{k.removesuffix("_shape"): ...}).
            for tensor in case["input"]["tensors"]:
                tensor["name"] = re.sub(r"_shape$", "", tensor["name"])
    elif input_data is not None:
        case["input"] = attempt(
            "input_data",
            lambda: {"from": "input_data", **tensor_structure(input_data, "input_data")},
        )
    else:
        case["input"] = None
        skips.append(
            "no input_shape and no input_data: the test checks serialization only"
        )
    if case.get("input"):
        for tensor in case["input"]["tensors"]:
            if arguments["input_sparse"]:
                tensor["sparse"] = True
            if arguments["input_ragged"]:
                tensor["ragged"] = True

    expected = {
        "output_shape": expected_shape_structure(arguments["expected_output_shape"]),
        "output_dtype": _plain(arguments["expected_output_dtype"]),
        "output_sparse": bool(arguments["expected_output_sparse"]),
        "output_ragged": bool(arguments["expected_output_ragged"]),
        "output_given": arguments["expected_output"] is not None,
        "num_trainable_weights": arguments["expected_num_trainable_weights"],
        "num_non_trainable_weights": arguments["expected_num_non_trainable_weights"],
        "num_non_trainable_variables": arguments["expected_num_non_trainable_variables"],
        "num_seed_generators": arguments["expected_num_seed_generators"],
        "num_losses": arguments["expected_num_losses"],
        "mask_shape": _plain(arguments["expected_mask_shape"]),
    }
    if arguments["expected_output"] is not None:
        # Only described (shapes and dtypes): the fixture does not need it, so it never makes a skip.
        try:
            expected["output"] = tensor_structure(arguments["expected_output"], "expected_output")
        except Exception as error:  # noqa: BLE001
            expected["output"] = {"unrecorded": f"{type(error).__name__}: {error}"}
    case["expected"] = expected
    case["supports_masking"] = arguments["supports_masking"]
    case["run_training_check"] = bool(arguments["run_training_check"])
    case["run_mixed_precision_check"] = bool(arguments["run_mixed_precision_check"])
    case["assert_built_after_instantiation"] = bool(
        arguments["assert_built_after_instantiation"]
    )
    case["custom_objects"] = sorted((arguments["custom_objects"] or {}).keys())
    if input_shape is not None or input_data is not None:
        case["keras"] = _symbolic_call(arguments)
    case["skip"] = skips or None
    state["cases"].append(case)


def _symbolic_call(arguments):
    """What Keras computes for the test's symbolic call: output shapes and dtypes."""
    from keras.src import ops
    from keras.src import tree
    from keras.src.testing import test_case

    _current["suspended"] = True
    try:
        init_kwargs = arguments["init_kwargs"] or {}
        call_kwargs = arguments["call_kwargs"] or {}
        input_shape = arguments["input_shape"]
        sparse = bool(arguments["input_sparse"])
        ragged = bool(arguments["input_ragged"])
        if input_shape is not None:
            dtype = arguments["input_dtype"]
            if dtype is None:
                dtype = tree.map_shape_structure(lambda _: "float32", input_shape)
            inputs = test_case.create_keras_tensors(input_shape, dtype, sparse, ragged)
        else:
            inputs = tree.map_structure(
                lambda x: test_case.create_keras_tensors(
                    ops.shape(x), x.dtype, sparse, ragged
                ),
                arguments["input_data"],
            )
        layer = arguments["layer_cls"](**init_kwargs)
        if isinstance(inputs, dict):
            outputs = layer(**inputs, **call_kwargs)
        else:
            outputs = layer(inputs, **call_kwargs)
        result = tensor_structure(outputs, "the output")
        result["num_trainable_weights"] = len(layer.trainable_weights)
        result["num_non_trainable_weights"] = len(layer.non_trainable_weights)
        try:
            result["params"] = int(layer.count_params())
        except Exception:  # noqa: BLE001
            pass
        return result
    except Exception as error:  # noqa: BLE001
        message = str(error).strip().splitlines()
        return {"error": f"{type(error).__name__}: {message[0] if message else ''}"[:500]}
    finally:
        _current["suspended"] = False


def _install_recorder():
    from keras.src.testing import test_case

    signature = inspect.signature(test_case.TestCase.run_layer_test)

    def run_layer_test(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        arguments.pop("self")
        record_layer_test(self, arguments)

    test_case.TestCase.run_layer_test = run_layer_test


# --- the second source: shape assertions after layer calls -----------------------------


def _as_shape(value):
    if hasattr(value, "as_list") and not isinstance(value, (list, tuple)):
        try:
            value = value.as_list()
        except ValueError:
            return None
    if isinstance(value, (tuple, list)) and _is_shape(value):
        return tuple(value)
    return None


def _install_shape_assertion_recorder():
    """Keeps the outermost layer calls of each test, and records those whose output shape the test asserts.

    `Layer.__call__` is wrapped to remember each outermost call (not the calls a
    layer or a model makes inside); `assertEqual` / `assertAllEqual` of Keras's
    TestCase, once passed, look for the latest such call with an output of the
    asserted shape. The call is then replayed symbolically on a fresh layer made
    with the same constructor arguments (as the fixture source does): a replay
    that fails or gives another shape (the layer's state or the data mattered)
    makes the record a skip with the reason.
    """
    from keras.src.layers.layer import Layer
    from keras.src.models import Model
    from keras.src.testing import test_case

    original_call = Layer.__call__
    depth = {"n": 0}

    def __call__(self, *args, **kwargs):
        depth["n"] += 1
        try:
            outputs = original_call(self, *args, **kwargs)
        finally:
            depth["n"] -= 1
        if depth["n"] == 0 and not isinstance(self, Model) and _current.get("nodeid") and not _current.get("suspended"):
            calls = _current.setdefault("layer_calls", [])
            if len(calls) < 1000:
                calls.append({"layer": self, "args": args, "kwargs": kwargs, "outputs": outputs, "recorded": False})
        return outputs

    Layer.__call__ = __call__

    def wrap(name):
        original = getattr(test_case.TestCase, name)

        def assertion(self, first, second, *args, **kwargs):
            result = original(self, first, second, *args, **kwargs)
            try:
                shape = _as_shape(first)
                if shape is not None and _as_shape(second) == shape:
                    _record_shape_assertion(shape)
            except Exception as error:  # noqa: BLE001  (never fail a test for the recorder)
                state.setdefault("recorder_errors", []).append(f"{_current.get('nodeid')}: {type(error).__name__}: {error}")
            return result

        setattr(test_case.TestCase, name, assertion)

    wrap("assertEqual")
    wrap("assertAllEqual")


def _flat_outputs(outputs):
    from keras.src import tree

    return [x for x in tree.flatten(outputs) if hasattr(x, "shape") and hasattr(x, "dtype")]


def _record_shape_assertion(shape):
    calls = _current.get("layer_calls") or []
    for call in reversed(calls):
        flat = _flat_outputs(call["outputs"])
        index = next((i for i, x in enumerate(flat) if _as_shape(tuple(x.shape)) == shape), None)
        if index is None:
            continue
        if call["recorded"]:
            return
        call["recorded"] = True
        state["shape_assertions"].append(_shape_assertion_case(call, index, shape))
        return


def _shape_assertion_case(call, index, shape):
    from keras.src.ops.operation import Operation

    nodeid = _current["nodeid"]
    file, _, test_id = nodeid.partition("::")
    number = _current["asserted"]
    _current["asserted"] += 1
    layer = call["layer"]
    cls = type(layer)
    public = public_name(cls)
    case = {
        "origin": "assertEqual",
        "file": file,
        "test": test_id,
        "call": number,
        "class": {
            "module": cls.__module__,
            "qualname": cls.__qualname__,
            "public": public if public and public.startswith("keras.layers.") else None,
        },
        "init_kwargs": {},
        "call_kwargs": {},
        "input": None,
        "asserted": {"output": index, "shape": list(shape)},
    }
    skips = []
    if not case["class"]["public"]:
        skips.append(f"layer class {cls.__qualname__} (in {cls.__module__}) has no public keras.layers name")
    ctor = constructor_arguments(layer)
    if ctor is None:
        skips.append("the layer's constructor arguments were not recorded")
    else:
        args, kwargs = ctor
        if args:
            skips.append("the layer was constructed with positional arguments that the signature does not name")
        for key, value in kwargs.items():
            try:
                case["init_kwargs"][key] = encode(value, key)
            except Unserializable as error:
                case["init_kwargs"][key] = None
                skips.append(str(error))
    args, kwargs = call["args"], call["kwargs"]
    tensors_in = lambda v: any(_is_array_like(x) or isinstance(x, Operation) for x in _leaves(v))  # noqa: E731
    tensor_kwargs = {k: v for k, v in kwargs.items() if tensors_in(v)}
    other_kwargs = {k: v for k, v in kwargs.items() if k not in tensor_kwargs}
    replay_inputs = None  # (positional input, keyword inputs) for the replay
    if len(args) == 1 and not tensor_kwargs:
        try:
            case["input"] = {"from": "layer_call", **tensor_structure(args[0], "the input")}
            replay_inputs = (args[0], {})
        except Unserializable as error:
            skips.append(str(error))
        except Exception as error:  # noqa: BLE001
            skips.append(f"the input could not be recorded: {type(error).__name__}: {error}")
    else:
        # Several tensors (positional beyond the first, or by keyword): all passed by keyword, positional ones
        # named by the layer's `call` signature (`layer(q, v)` is `layer(query=q, value=v)`).
        named = {}
        try:
            parameters = [
                p
                for p in inspect.signature(layer.call).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            parameters = []
        if len(args) > len(parameters):
            skips.append("the layer was called with more positional arguments than its `call` names")
        else:
            for parameter, value in zip(parameters, args):
                if tensors_in(value):
                    named[parameter.name] = value
                else:
                    other_kwargs[parameter.name] = value
        named.update(tensor_kwargs)
        for key, value in named.items():
            if not (_is_array_like(value) or isinstance(value, Operation) or hasattr(value, "shape")):
                skips.append(f"`{key}` is a structure of tensors, not one tensor")
        if not skips:
            try:
                case["input"] = {"from": "layer_call", **tensor_structure(named, "the input")}
                replay_inputs = (None, named)
            except Exception as error:  # noqa: BLE001
                skips.append(f"the input could not be recorded: {type(error).__name__}: {error}")
    if case["input"] and not all(hasattr(x, "shape") for x in _leaves([replay_inputs[0], replay_inputs[1]]) if x is not None):
        skips.append("the input is not made of tensors or arrays")
    for key, value in other_kwargs.items():
        try:
            case["call_kwargs"][key] = encode(value, f"call_kwargs.{key}")
        except Unserializable as error:
            skips.append(str(error))
    # The same fields as a run_layer_test record: the test asserts one output's shape (`asserted`), nothing else.
    case["expected"] = {
        "output_shape": None,
        "output_dtype": None,
        "output_sparse": False,
        "output_ragged": False,
        "output_given": False,
        "num_trainable_weights": None,
        "num_non_trainable_weights": None,
        "num_non_trainable_variables": None,
        "num_seed_generators": None,
        "num_losses": None,
        "mask_shape": None,
    }
    case["supports_masking"] = None
    case["run_training_check"] = False
    case["run_mixed_precision_check"] = False
    case["assert_built_after_instantiation"] = False
    case["custom_objects"] = []
    if not skips:
        case["keras"] = _replay(cls, ctor[1], replay_inputs, other_kwargs)
        replayed = case["keras"]
        if "error" in replayed:
            skips.append(f"the symbolic replay fails: {replayed['error']}")
        elif index >= len(replayed["tensors"]) or replayed["tensors"][index]["shape"] != list(shape):
            got = [t["shape"] for t in replayed["tensors"]]
            skips.append(
                f"replayed symbolically on a fresh layer, Keras gives {got} where the test asserts {list(shape)} "
                "for output {index} (the layer's state or the data matters)".replace("{index}", str(index))
            )
    case["skip"] = skips or None
    return case


def _leaves(value):
    from keras.src import tree

    try:
        return tree.flatten(value)
    except Exception:  # noqa: BLE001
        return [value]


def _replay(cls, kwargs, inputs, call_kwargs):
    """Keras's symbolic output for a fresh layer of the same arguments, called on KerasTensors of the inputs' shapes.

    `inputs` is (the positional input or None, the inputs passed by keyword).
    """
    from keras.src import tree
    from keras.src.backend.common.keras_tensor import KerasTensor

    _current["suspended"] = True
    try:
        positional, named = inputs
        symbolic = lambda v: tree.map_structure(  # noqa: E731
            lambda x: KerasTensor(tuple(x.shape), dtype=_dtype_name(x.dtype), sparse="Sparse" in _describe_type(x)),
            v,
        )
        layer = cls(**kwargs)
        keyword_inputs = {k: symbolic(v) for k, v in named.items()}
        if positional is None:
            outputs = layer(**keyword_inputs, **call_kwargs)
        else:
            outputs = layer(symbolic(positional), **keyword_inputs, **call_kwargs)
        result = tensor_structure(outputs, "the output")
        result["num_trainable_weights"] = len(layer.trainable_weights)
        result["num_non_trainable_weights"] = len(layer.non_trainable_weights)
        try:
            result["params"] = int(layer.count_params())
        except Exception:  # noqa: BLE001
            pass
        return result
    except Exception as error:  # noqa: BLE001
        message = str(error).strip().splitlines()
        return {"error": f"{type(error).__name__}: {message[0] if message else ''}"[:500]}
    finally:
        _current["suspended"] = False


# --- static selection -------------------------------------------------------------


def _source(obj):
    try:
        return inspect.getsource(inspect.unwrap(obj))
    except (OSError, TypeError):
        return None


_reaching_cache = {}


RUN_LAYER_TEST = re.compile(r"\brun_layer_test\b")
# `self.assertEqual(y.shape, (2, 3))`, `self.assertEqual(tuple(out.shape), ...)`, over lines too.
SHAPE_ASSERTION = re.compile(r"assert(?:Equal|AllEqual|TupleEqual)\(\s*[^,]{0,80}?\.shape\b")


def _reaching_names(module, pattern=RUN_LAYER_TEST):
    """Names of the module's functions and methods whose source (transitively) matches the pattern."""
    if (module, pattern) in _reaching_cache:
        return _reaching_cache[(module, pattern)]
    sources = {}
    for name, obj in vars(module).items():
        if inspect.isfunction(obj):
            sources[name] = _source(obj) or ""
        elif inspect.isclass(obj) and getattr(obj, "__module__", None) == module.__name__:
            for attr, member in vars(obj).items():
                if inspect.isfunction(member):
                    sources[attr] = sources.get(attr, "") + (_source(member) or "")
    reaching = {name for name, text in sources.items() if pattern.search(text)}
    changed = True
    while changed:
        changed = False
        for name, text in sources.items():
            if name in reaching:
                continue
            if any(re.search(rf"\b{re.escape(r)}\b", text) for r in reaching):
                reaching.add(name)
                changed = True
    _reaching_cache[(module, pattern)] = reaching
    return reaching


def reaches(item, pattern=RUN_LAYER_TEST):
    """Whether the test's source, or a function or method of its module that it names, matches the pattern."""
    function = getattr(item, "obj", None)
    module = getattr(item, "module", None)
    text = _source(function) if function is not None else None
    if text is None or module is None:
        return True  # cannot tell: run it
    if pattern.search(text):
        return True
    # The test's own name is in its source: leave it out.
    own = getattr(inspect.unwrap(function), "__name__", "")
    names = _reaching_names(module, pattern) - {own}
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


# --- pytest hooks -----------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("keras-layer-tests")
    group.addoption(
        "--keras-layer-tests-output",
        default=None,
        help="write the raw records as JSON to this path at the end of the session",
    )
    group.addoption(
        "--keras-layer-tests-all",
        action="store_true",
        default=False,
        help="run every test, not only those that reach run_layer_test statically",
    )
    group.addoption(
        "--keras-layer-tests-shape-assertions",
        action="store_true",
        default=False,
        help="also record layer calls whose output shape a test asserts with assertEqual",
    )


def pytest_configure(config):
    # Markers of Keras's own conftest.py (not shipped in the package).
    for marker in ("requires_trainable_backend", "requires_tpu", "large"):
        config.addinivalue_line("markers", f"{marker}: Keras test marker")
    _install_shims()
    _install_recorder()
    _record_constructor_arguments()
    if config.getoption("--keras-layer-tests-shape-assertions"):
        _install_shape_assertion_recorder()


def _install_shims():
    """Stand-ins for what Keras's test files import from outside the package.

    - `conftest`: Keras's repository-root conftest.py (not shipped in the
      package), of which the layer tests use `skip_if_backend`.
    - `grain`: an optional data-loading dependency that only tests of grain
      pipelines use; a stub lets the rest of the file be collected (a test
      that uses it fails, and says so).
    """
    import importlib.util
    import types

    shims = []
    if importlib.util.find_spec("conftest") is None:
        conftest = types.ModuleType("conftest")

        def skip_if_backend(given_backend, reason):
            from keras.src.backend import backend

            return pytest.mark.skipif(backend() == given_backend, reason=reason)

        conftest.skip_if_backend = skip_if_backend
        sys.modules["conftest"] = conftest
        shims.append("conftest (skip_if_backend, as in Keras's repository)")
    if importlib.util.find_spec("grain") is None:
        grain = types.ModuleType("grain")

        def missing(name):
            raise ModuleNotFoundError(
                f"grain is not installed: `grain.{name}` (stubbed by the recorder)"
            )

        grain.__getattr__ = missing
        sys.modules["grain"] = grain
        shims.append("grain (not installed: a stub whose every attribute raises)")
    state["shims"] = shims


def pytest_collectreport(report):
    file = report.nodeid.split("::")[0]
    if file.endswith(".py"):
        state["files"].add(file)
    if report.failed:
        state["collect_errors"].append(collection_error(report))


def pytest_collection_modifyitems(session, config, items):
    if config.getoption("--keras-layer-tests-all"):
        state["collected"] = [item.nodeid for item in items]
        return
    shapes = config.getoption("--keras-layer-tests-shape-assertions")
    kept, dropped = [], []
    for item in items:
        if reaches(item):
            kept.append(item)
        elif shapes and reaches(item, SHAPE_ASSERTION):
            kept.append(item)
            state["for_shape_assertions"].append(item.nodeid)
        else:
            dropped.append(item)
    items[:] = kept
    state["collected"] = [item.nodeid for item in kept]
    state["deselected"] = [item.nodeid for item in dropped]
    config.hook.pytest_deselected(items=dropped)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid
    _current["calls"] = 0
    _current["layer_calls"] = []
    _current["asserted"] = 0
    yield
    _current["nodeid"] = None
    _current["layer_calls"] = []


def pytest_runtest_logreport(report):
    """The test's outcome: skipped (at setup or in the test), failed (first failure), or passed."""
    outcomes = state["outcomes"]
    if report.nodeid in outcomes and outcomes[report.nodeid]["outcome"] != "passed":
        return
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = re.sub(r"^Skipped: ", "", str(reason))
        outcomes[report.nodeid] = {"outcome": "skipped", "when": report.when, "reason": reason}
    elif report.failed:
        text = str(report.longrepr)
        errors = [l for l in text.splitlines() if l.startswith("E ")]
        lines = text.splitlines() or [""]
        reason = (errors[0][2:].strip() if errors else lines[-1])[:500]
        outcomes[report.nodeid] = {"outcome": "failed", "when": report.when, "reason": reason}
    elif report.when == "call":
        outcomes[report.nodeid] = {"outcome": "passed", "when": "call", "reason": None}


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--keras-layer-tests-output")
    if path:
        with open(path, "w") as f:
            json.dump(snapshot(), f, indent=1, sort_keys=True)


def snapshot():
    return {
        "cases": state["cases"],
        "outcomes": state["outcomes"],
        "collect_errors": state["collect_errors"],
        "deselected": state["deselected"],
        "collected": state["collected"],
        "files": sorted(state["files"]),
        "shims": state.get("shims", []),
        "shape_assertions": state["shape_assertions"],
        "for_shape_assertions": state["for_shape_assertions"],
        "recorder_errors": state.get("recorder_errors", []),
    }


if __name__ == "__main__":
    sys.exit("This is a pytest plugin: see test/conformance/mine-keras-layer-tests.py")
