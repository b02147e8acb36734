"""A pytest plugin that turns Keras's own ops shape tests into recorded cases.

It wraps every public function of `keras.ops` (the functions of `keras.ops`
and of its submodules `keras.ops.nn`, `.numpy`, `.image`, `.linalg`, found by
object identity) in every module that holds it: the `keras.src.ops` modules
the functions live in, the public `keras.ops` modules, and the test modules
(`knp = keras.src.ops.numpy`, `from keras.src.ops.einops import rearrange`).
Each outermost call made by a test with a KerasTensor among its arguments
(nested in lists, tuples and dicts included) is recorded: the public path the
test reached the function by (`keras.ops.<name>`, or `keras.ops.<module>.<name>`
for a function only a submodule has), the arguments as JSON (see `encode`; a
Python function is its source, a test's `def` or lambda, or its public path),
and Keras's outcome: the output structure of shapes and dtypes, or the type
and message of the exception it raised. Calls that ops, layers or the
recorder itself make inside are not recorded.

Each recorded call is then replayed the way its fixture will be written
(`keras.Input(batch_shape=..., dtype=...)` for each KerasTensor, the decoded
arguments, a function run from its source with only its imports and closure):
a replay whose outcome differs from the test's call makes the case a skip
with the reason, so that the fixtures say what Keras says of them.

Used by test/conformance/mine-keras-ops-tests.py, in process.
"""

import ast
import builtins
import dis
import functools
import importlib
import inspect
import itertools
import linecache
import math
import re
import sys
import textwrap
import types

import pytest

from keras_test_mining import collection_error

# The public modules whose functions are recorded, beside `keras.ops` itself.
PUBLIC_SUBMODULES = ("nn", "numpy", "image", "linalg", "math", "core")
# Where the functions are held: their defining modules and the public API modules.
HOLDER_MODULE = re.compile(r"^keras(\.api|\._tf_keras\.keras)?(\.src)?\.ops(\.\w+)*$")
# Test classes that are run.
SHAPE_TEST_CLASS = re.compile(r"ShapeTest$")
MAX_MESSAGE = 300


class Unserializable(Exception):
    """An argument that cannot be written as Python source mechanically."""


state = {
    "cases": [],
    "outcomes": {},  # nodeid -> {"outcome", "when", "reason"}
    "collect_errors": [],  # {"file", "reason"}
    "collected": [],  # nodeids selected to run
    "deselected": [],  # nodeids of other test classes
    "files": set(),
    "public": {},  # public path -> family (the keras/src/ops module defining it), every public function
    "recorder_errors": [],
    "patched_modules": [],
}
_current = {"nodeid": None, "calls": 0, "depth": 0, "suspended": False}


# --- the public functions -----------------------------------------------------------


def _is_function(value):
    return callable(value) and not inspect.ismodule(value) and not inspect.isclass(value)


def public_functions():
    """{id(function): (function, {attribute name: public path})}, and the canonical path of each function."""
    import keras

    ops = keras.ops
    found = {}
    canonical = {}

    def add(function, name, path):
        entry = found.setdefault(id(function), (function, {}))
        entry[1].setdefault(name, path)
        canonical.setdefault(id(function), path)

    for name in dir(ops):
        value = getattr(ops, name)
        if not name.startswith("_") and _is_function(value):
            add(value, name, f"keras.ops.{name}")
    for module_name in PUBLIC_SUBMODULES:
        module = getattr(ops, module_name, None)
        if not inspect.ismodule(module):
            continue
        for name in dir(module):
            value = getattr(module, name)
            if name.startswith("_") or not _is_function(value):
                continue
            in_ops = getattr(ops, name, None) is value
            add(value, name, f"keras.ops.{name}" if in_ops else f"keras.ops.{module_name}.{name}")
    return found, canonical


def _family(function):
    """The module of keras/src/ops that defines the function: numpy, nn, math, image, linalg, core, einops."""
    module = getattr(function, "__module__", "") or ""
    return module.removeprefix("keras.src.ops.") if module.startswith("keras.src.ops.") else module


def _path_for(name, names, canonical):
    """The path of `function` reached as attribute `name`: `keras.ops.silu` and `keras.ops.swish` are one function."""
    return names.get(name) or canonical


_wrappers = {}


def _wrapper(function, path):
    key = (id(function), path)
    if key in _wrappers:
        return _wrappers[key]

    @functools.wraps(function)
    def recorded(*args, **kwargs):
        outermost = (
            _current["depth"] == 0
            and not _current["suspended"]
            and _current["nodeid"] is not None
            and _has_keras_tensor((args, kwargs))
        )
        _current["depth"] += 1
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            if outermost:
                _safe_record(function, path, args, kwargs, error=error)
            raise
        finally:
            _current["depth"] -= 1
        if outermost:
            _safe_record(function, path, args, kwargs, result=result)
        return result

    recorded._keras_ops_tests_original = function
    _wrappers[key] = recorded
    return recorded


def _patch_module(module, found, canonical):
    patched = 0
    for name, value in list(vars(module).items()):
        original = getattr(value, "_keras_ops_tests_original", value)
        entry = found.get(id(original))
        if entry is None or entry[0] is not original or value is not original:
            continue
        path = _path_for(name, entry[1], canonical[id(original)])
        setattr(module, name, _wrapper(original, path))
        patched += 1
    return patched


def install():
    """Wraps the public functions in the modules that hold them (test modules are patched once collected)."""
    found, canonical = public_functions()
    state["found"] = (found, canonical)
    state["public"] = {
        path: _family(function)
        for function, names in sorted(found.values(), key=lambda entry: sorted(entry[1].values()))
        for path in sorted(names.values())
    }
    state["public"] = dict(sorted(state["public"].items()))
    for name, module in list(sys.modules.items()):
        if module is not None and HOLDER_MODULE.match(name):
            if _patch_module(module, found, canonical):
                state["patched_modules"].append(name)
    _count_layer_calls_as_nested()


def patch_test_module(module):
    found, canonical = state["found"]
    if _patch_module(module, found, canonical):
        state["patched_modules"].append(module.__name__)


def _count_layer_calls_as_nested():
    """The ops a layer calls inside its `__call__` are the layer's work, not calls the test makes."""
    from keras.src.layers.layer import Layer

    original = Layer.__call__

    @functools.wraps(original)
    def __call__(self, *args, **kwargs):
        _current["depth"] += 1
        try:
            return original(self, *args, **kwargs)
        finally:
            _current["depth"] -= 1

    Layer.__call__ = __call__


# --- values ---------------------------------------------------------------------------


def _keras_tensor_class():
    from keras.src.backend.common.keras_tensor import KerasTensor

    return KerasTensor


def _has_keras_tensor(value, depth=0):
    if isinstance(value, _keras_tensor_class()):
        return True
    if depth > 20:
        return False
    if isinstance(value, (list, tuple)):
        return any(_has_keras_tensor(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_has_keras_tensor(v, depth + 1) for v in value.values())
    return False


def _describe_type(value):
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"


def _dtype_name(value):
    from keras.src.backend.common import standardize_dtype

    return standardize_dtype(value)


def tensor_spec(x):
    spec = {"shape": [None if d is None else int(d) for d in x.shape], "dtype": _dtype_name(x.dtype)}
    if getattr(x, "sparse", False):
        spec["sparse"] = True
    if getattr(x, "ragged", False):
        spec["ragged"] = True
    return spec


def encode(value, tensors, where, functions=None):
    """JSON form of an argument; a KerasTensor is {"tensor": i}, its spec in `tensors` (by identity).

    - tuple: {"tuple": [...]}; list: {"list": [...]}; dict of string keys: {"dict": {...}}
    - float nan / inf: {"float": "nan" | "inf" | "-inf"}
    - slice: {"slice": [start, stop, step]}; Ellipsis: {"ellipsis": true}
    - a NumPy dtype or scalar type: {"dtype": "float32"} (the fixture writes the string, which Keras reads alike)
    - a Python function: {"function": {"name", "source", "imports", "closure"}} (see `encode_function`); the
      functions of one call are in `functions` (by identity), so that one function is one definition
    Raises Unserializable with the reason otherwise.
    """
    import numpy as np

    functions = {} if functions is None else functions

    if isinstance(value, _keras_tensor_class()):
        for i, (tensor, _) in enumerate(tensors):
            if tensor is value:
                return {"tensor": i}
        tensors.append((value, tensor_spec(value)))
        return {"tensor": len(tensors) - 1}
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        if math.isnan(value):
            return {"float": "nan"}
        if math.isinf(value):
            return {"float": "inf" if value > 0 else "-inf"}
        return value
    if type(value) is tuple:
        return {"tuple": [encode(v, tensors, f"{where}[{i}]", functions) for i, v in enumerate(value)]}
    if type(value) is list:
        return {"list": [encode(v, tensors, f"{where}[{i}]", functions) for i, v in enumerate(value)]}
    if type(value) is dict:
        if not all(isinstance(k, str) for k in value):
            raise Unserializable(f"a dict argument with keys that are not strings ({where})")
        return {"dict": {k: encode(v, tensors, f"{where}.{k}", functions) for k, v in value.items()}}
    if isinstance(value, slice):
        return {"slice": [encode(v, tensors, where, functions) for v in (value.start, value.stop, value.step)]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"dtype": _dtype_name(value)}
    if isinstance(value, np.ndarray):
        raise Unserializable(f"a NumPy array argument ({where})")
    if isinstance(value, np.generic):
        raise Unserializable(f"a NumPy scalar argument ({where}: {_describe_type(value)})")
    if isinstance(value, complex):
        raise Unserializable(f"a Python complex argument ({where})")
    kind = _describe_type(value)
    if kind.startswith("jax") or kind.startswith("jaxlib"):
        raise Unserializable(f"a JAX array argument ({where})")
    if callable(value) and not isinstance(value, type):
        return {"function": encode_function(value, tensors, where, functions)}
    raise Unserializable(f"a {kind} argument ({where})")


# --- functions ------------------------------------------------------------------------


def encode_function(fn, tensors, where, functions):
    """A function argument as the Python that defines it in the fixture, or as the public path it is reached by.

    {"name": what the fixture passes; "source": its `def` (dedented), or `fn_<i> = lambda ...`, absent for a function
    given by its public path (`keras.ops.add`, `operator.add`); "imports": {bound name: import statement}, the modules
    and functions it uses, through public Keras; "closure": {free variable: encoded value}, assigned before it}.
    """
    fn = getattr(fn, "_keras_ops_tests_original", fn)
    if id(fn) in functions:
        return functions[id(fn)][1]
    module = getattr(fn, "__module__", None) or ""
    if getattr(fn, "__name__", "") == "<lambda>":
        what = f"a Python lambda argument ({where})"
    else:
        what = f"a Python function argument ({where}: {getattr(fn, '__qualname__', None) or _describe_type(fn)})"
    path = _public_path(fn)
    if path is not None:
        owner, _, attribute = path.rpartition(".")
        encoded = {"name": attribute if owner == "builtins" else path}
        if owner != "builtins" and not _is_keras_module(owner):  # the fixture imports keras
            encoded["imports"] = {owner.partition(".")[0]: f"import {owner}"}
    elif _is_keras_module(module) and not module.endswith("_test"):
        raise Unserializable(f"{what}, a function of Keras that is not a public keras.ops function")
    elif isinstance(fn, types.FunctionType):
        encoded = _function_definition(fn, tensors, what, functions)
    else:
        raise Unserializable(f"{what} with no public path and no Python source")
    functions[id(fn)] = (fn, encoded)
    return encoded


def _is_keras_module(name):
    return name == "keras" or name.startswith("keras.")


def _public_path(fn):
    """`keras.ops.add` for a public keras.ops function; `operator.add` for a module-level function of another module
    than Keras's (a leading underscore dropped: `_operator` is `operator`); None otherwise."""
    found, canonical = state["found"]
    if id(fn) in canonical and found[id(fn)][0] is fn:
        return canonical[id(fn)]
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None)
    if not module or not name or "." in name or _is_keras_module(module):
        return None
    for public in dict.fromkeys((module.lstrip("_"), module)):
        try:
            if getattr(importlib.import_module(public), name, None) is fn:
                return f"{public}.{name}"
        except ImportError:
            continue
    return None


def _public_module(name):
    """The module that stands for `name` in the fixture: `keras.tree` for keras.src.tree, `keras.ops` for the modules of
    keras.src.ops that keras.ops has no submodule for (core), other modules as they are; None if there is none."""
    if not name.startswith("keras.src."):
        return name
    candidates = ["keras." + name.removeprefix("keras.src.")]
    if name.startswith("keras.src.ops."):
        candidates.append("keras.ops")
    for candidate in candidates:
        try:
            importlib.import_module(candidate)
            return candidate
        except ImportError:
            continue
    return None


def _import_statement(name, value):
    """The import that binds `name` to the module or function `value` in the fixture, or None."""
    value = getattr(value, "_keras_ops_tests_original", value)
    if inspect.ismodule(value):
        public = _public_module(value.__name__)
        if public is None:
            return None
        parent, _, last = public.rpartition(".")
        if public == name:
            return f"import {name}"
        return f"from {parent} import {name}" if last == name else f"import {public} as {name}"
    path = _public_path(value) if _is_function(value) else None
    if path is None:
        return None
    owner, _, attribute = path.rpartition(".")
    return f"from {owner} import {attribute}" + ("" if attribute == name else f" as {name}")


def _function_definition(fn, tensors, what, functions):
    """The source of a function of a test, with what it uses from outside: see `encode_function`."""
    taken = {encoded["name"] for _, encoded in functions.values()}
    if fn.__name__ == "<lambda>":
        name = next(n for n in (f"fn_{i}" for i in itertools.count()) if n not in taken)
        segment = _lambda_segment(fn, what)
        if "\n" in segment:  # a lambda over several lines is within the brackets of the test's call: give it its own
            segment = f"({segment})"
        source = f"{name} = {segment}\n"
    else:
        name = fn.__name__
        if name in taken:
            raise Unserializable(f"{what}: another function of the call is also named {name}")
        try:
            source = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError) as error:
            raise Unserializable(f"{what} whose source cannot be read: {error}") from None
    try:
        module_code = compile(source, "<fixture>", "exec")
    except SyntaxError as error:
        raise Unserializable(f"{what} whose source is not Python on its own: {error.msg}") from None
    # At the fixture's top level, every name the function does not bind itself is the module's: each must be one of
    # its free variables (written as assignments), a module or public function its module has (imported), a builtin.
    free = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    imports, closure = {}, {}
    for used in sorted(_names_read(module_code) - {name}):
        if used in free:
            try:
                value = free[used].cell_contents
            except ValueError:
                raise Unserializable(f"{what} whose free variable `{used}` is not bound yet") from None
            try:
                closure[used] = encode(value, tensors, used, functions)
            except Unserializable as reason:
                raise Unserializable(f"{what} whose free variable `{used}` cannot be written: {reason}") from None
        elif used in fn.__globals__:
            statement = _import_statement(used, fn.__globals__[used])
            if statement is None:
                kind = _describe_type(fn.__globals__[used])
                raise Unserializable(f"{what} that uses `{used}` of its module, a {kind} with no public import")
            imports[used] = statement
        elif not hasattr(builtins, used):
            raise Unserializable(f"{what} that uses the undefined name `{used}`")
    encoded = {"name": name, "source": source}
    if imports:
        encoded["imports"] = imports
    if closure:
        encoded["closure"] = closure
    return encoded


def _names_read(code):
    """The names a module's code, its functions' included, reads from the module's namespace or the builtins."""
    names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_NAME", "LOAD_GLOBAL")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_read(const)
    return names


@functools.lru_cache(maxsize=None)
def _parsed_file(filename):
    text = "".join(linecache.getlines(filename))
    return text, ast.parse(text)


def _lambda_segment(fn, what):
    """The source of a lambda: of its file's lambdas that start on its first line (several can), the innermost whose
    body holds every position of its code (those of width zero are the compiler's, at column 0)."""
    code = fn.__code__
    try:
        text, tree = _parsed_file(inspect.getsourcefile(fn) or "")  # no file: no lines, no lambda found
    except SyntaxError:
        raise Unserializable(f"{what} whose source file does not parse") from None
    positions = [
        (line, column, end_line, end_column)
        for line, end_line, column, end_column in code.co_positions()
        if None not in (line, end_line, column, end_column) and (line, column) != (end_line, end_column)
    ]

    def holds(node):
        start, end = (node.body.lineno, node.body.col_offset), (node.body.end_lineno, node.body.end_col_offset)
        return all(
            start <= (line, column) and (end_line, end_column) <= end for line, column, end_line, end_column in positions
        )

    lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and n.lineno == code.co_firstlineno]
    matching = [n for n in lambdas if holds(n)]
    if not matching:
        raise Unserializable(f"{what} whose source is not found on line {code.co_firstlineno}")
    if len(matching) > 1 and not positions:
        raise Unserializable(f"{what} that cannot be told apart from the other lambdas of line {code.co_firstlineno}")
    # Lambdas that all hold the positions are nested: the innermost starts last.
    return ast.get_source_segment(text, max(matching, key=lambda n: (n.body.lineno, n.body.col_offset)))


def decode(value, tensors):
    """The Python value of an encoded argument, KerasTensors taken from `tensors`."""
    if isinstance(value, list):
        raise ValueError("a bare JSON list is not an encoded value")
    if not isinstance(value, dict):
        return value
    if "tensor" in value:
        return tensors[value["tensor"]]
    if "tuple" in value:
        return tuple(decode(v, tensors) for v in value["tuple"])
    if "list" in value:
        return [decode(v, tensors) for v in value["list"]]
    if "dict" in value:
        return {k: decode(v, tensors) for k, v in value["dict"].items()}
    if "float" in value:
        return float(value["float"])
    if "slice" in value:
        return slice(*(decode(v, tensors) for v in value["slice"]))
    if "ellipsis" in value:
        return Ellipsis
    if "dtype" in value:
        return value["dtype"]
    if "function" in value:
        return decode_function(value["function"], tensors)
    raise ValueError(f"unknown encoded value {value!r}")


def decode_function(function, tensors):
    """The function as the fixture defines it: its imports, closure and source run in a namespace of their own."""
    namespace = {}
    exec("import keras", namespace)
    for statement in function.get("imports", {}).values():
        exec(statement, namespace)
    for name, value in function.get("closure", {}).items():
        namespace[name] = decode(value, tensors)
    if "source" in function:
        exec(function["source"], namespace)
    return eval(function["name"], namespace)


def describe_output(value, depth=0):
    """The output structure: tensors as their specs, tuples, lists and dicts of them, other values encoded."""
    if isinstance(value, _keras_tensor_class()):
        return tensor_spec(value)
    if depth < 20 and type(value) is tuple:
        return {"tuple": [describe_output(v, depth + 1) for v in value]}
    if depth < 20 and type(value) is list:
        return {"list": [describe_output(v, depth + 1) for v in value]}
    if depth < 20 and type(value) is dict and all(isinstance(k, str) for k in value):
        return {"dict": {k: describe_output(v, depth + 1) for k, v in value.items()}}
    try:
        return {"value": encode(value, [], "the output")}
    except Unserializable:
        return {"value": None, "type": _describe_type(value)}


def normalize_message(text):
    """An exception's first line, without what differs from run to run (auto-names, addresses)."""
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    first = re.sub(r"\bkeras_tensor_\d+\b", "keras_tensor", first)
    first = re.sub(r"\b0x[0-9a-fA-F]+\b", "0x…", first)
    return first[:MAX_MESSAGE]


def describe_error(error):
    return {"type": type(error).__name__, "message": normalize_message(error)}


# --- the recorder ---------------------------------------------------------------------


def _safe_record(function, path, args, kwargs, result=None, error=None):
    _current["suspended"] = True
    try:
        _record(function, path, args, kwargs, result, error)
    except Exception as failure:  # noqa: BLE001  (never fail a test for the recorder)
        state["recorder_errors"].append(f"{_current['nodeid']}: {path}: {type(failure).__name__}: {failure}")
    finally:
        _current["suspended"] = False


def _argument_names(function, args, kwargs):
    """A name for each positional argument (the signature's), for skip reasons."""
    try:
        bound = inspect.signature(function).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return [f"args[{i}]" for i in range(len(args))]
    names = []
    for name, value in bound.arguments.items():
        parameter = inspect.signature(function).parameters[name]
        if parameter.kind == parameter.VAR_POSITIONAL:
            names += [f"{name}[{i}]" for i in range(len(value))]
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD) and name not in kwargs:
            names.append(name)
    return names + [f"args[{i}]" for i in range(len(names), len(args))]


def _record(function, path, args, kwargs, result, error):
    nodeid = _current["nodeid"]
    index = _current["calls"]
    _current["calls"] += 1
    tensors = []
    case = {"id": f"{nodeid}#{index}", "op": path}
    skip = None
    names = _argument_names(function, args, kwargs)
    encoded_args, encoded_kwargs = [], {}
    functions = {}
    try:
        for name, value in zip(names, args):
            encoded_args.append(encode(value, tensors, name, functions))
        for name, value in kwargs.items():
            encoded_kwargs[name] = encode(value, tensors, name, functions)
    except Unserializable as reason:
        skip = str(reason)
    if skip is None:
        case["inputs"] = [spec for _, spec in tensors]
        case["args"] = encoded_args
        if encoded_kwargs:
            case["kwargs"] = encoded_kwargs
    case["keras"] = {"error": describe_error(error)} if error is not None else {"output": describe_output(result)}
    import keras

    # Some tests set the global data format first (keras.config.set_image_data_format): the fixture says so too.
    if keras.config.image_data_format() != "channels_last":
        case["image_data_format"] = keras.config.image_data_format()
    if skip is None:
        skip = _replay_difference(function, case)
    if skip is not None:
        case["skip"] = skip
    state["cases"].append(case)


def _replay(function, case):
    import keras

    tensors = [
        keras.Input(
            batch_shape=tuple(spec["shape"]),
            dtype=spec["dtype"],
            **({"sparse": True} if spec.get("sparse") else {}),
            **({"ragged": True} if spec.get("ragged") else {}),
        )
        for spec in case["inputs"]
    ]
    args = [decode(v, tensors) for v in case["args"]]
    kwargs = {k: decode(v, tensors) for k, v in case.get("kwargs", {}).items()}
    try:
        return {"output": describe_output(function(*args, **kwargs))}
    except Exception as error:  # noqa: BLE001
        return {"error": describe_error(error)}


def _summary(outcome):
    if "error" in outcome:
        return f"{outcome['error']['type']}: {outcome['error']['message']}"
    return _format_output(outcome["output"])


def _format_output(output):
    if "shape" in output:
        dims = ", ".join("None" if d is None else str(d) for d in output["shape"])
        return f"({dims}{',' if len(output['shape']) == 1 else ''}) {output['dtype']}"
    for kind, (opening, closing) in (("tuple", "()"), ("list", "[]")):
        if kind in output:
            return opening + ", ".join(_format_output(o) for o in output[kind]) + closing
    if "dict" in output:
        return "{" + ", ".join(f"{k}: {_format_output(o)}" for k, o in output["dict"].items()) + "}"
    return repr(output.get("value"))


def _replay_difference(function, case):
    """Why the fixture's call (KerasTensors of keras.Input, decoded arguments) is not the test's call, or None."""
    try:
        replayed = _replay(function, case)
    except Exception as error:  # noqa: BLE001
        return f"the fixture's inputs cannot be made: {type(error).__name__}: {normalize_message(error)}"
    original = case["keras"]
    same = (
        replayed["error"]["type"] == original["error"]["type"]
        if "error" in original and "error" in replayed
        else replayed.get("output", object()) == original.get("output")
    )
    if same:
        return None
    return (
        f"replayed on keras.Input tensors, Keras gives {_summary(replayed)} "
        f"where the test's call gives {_summary(original)}"
    )


# --- pytest hooks -----------------------------------------------------------------------


def pytest_configure(config):
    for marker in ("requires_trainable_backend", "requires_tpu", "large"):
        config.addinivalue_line("markers", f"{marker}: Keras test marker")
    _install_shims()
    install()


def _install_shims():
    """`conftest`: Keras's repository-root conftest.py (not shipped in the package), of which tests use `skip_if_backend`."""
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
    state["shims"] = shims


def pytest_collectreport(report):
    file = report.nodeid.split("::")[0]
    if file.endswith(".py"):
        state["files"].add(file)
    if report.failed:
        state["collect_errors"].append(collection_error(report))


def pytest_collection_modifyitems(session, config, items):
    kept, dropped = [], []
    modules = {}
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and SHAPE_TEST_CLASS.search(cls.__name__):
            kept.append(item)
            module = getattr(item, "module", None)
            if module is not None:
                modules[module.__name__] = module
        else:
            dropped.append(item)
    for module in modules.values():
        patch_test_module(module)
    items[:] = kept
    state["collected"] = [item.nodeid for item in kept]
    state["deselected"] = [item.nodeid for item in dropped]
    config.hook.pytest_deselected(items=dropped)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current["nodeid"] = item.nodeid
    _current["calls"] = 0
    _current["depth"] = 0
    yield
    _current["nodeid"] = None


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
        errors = [line for line in text.splitlines() if line.startswith("E ")]
        lines = text.splitlines() or [""]
        reason = (errors[0][2:].strip() if errors else lines[-1])[:500]
        outcomes[report.nodeid] = {"outcome": "failed", "when": report.when, "reason": reason}
    elif report.when == "call":
        outcomes[report.nodeid] = {"outcome": "passed", "when": "call", "reason": None}


def snapshot():
    return {
        "cases": state["cases"],
        "outcomes": state["outcomes"],
        "collect_errors": state["collect_errors"],
        "collected": state["collected"],
        "deselected": state["deselected"],
        "files": sorted(state["files"]),
        "shims": state.get("shims", []),
        "public": state["public"],
        "recorder_errors": state["recorder_errors"],
        "patched_modules": sorted(set(state["patched_modules"])),
    }


if __name__ == "__main__":
    sys.exit("This is a pytest plugin: see test/conformance/mine-keras-ops-tests.py")
