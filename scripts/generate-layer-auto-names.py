"""Records which Keras auto-names each layer class of `keras.layers` takes up besides its own, when it is made
(`construct`), first called on KerasTensors (`build`) and called again (`call`), and writes
src/analysis/keras/layer-auto-names.json.

    .venv-conformance/bin/python scripts/generate-layer-auto-names.py           # rewrite the JSON
    .venv-conformance/bin/python scripts/generate-layer-auto-names.py --check   # exit 1 if the JSON differs from Keras
    .venv-conformance/bin/python scripts/generate-layer-auto-names.py --verbose # also print every case measured

Keras names layers, operations, variables, seed generators, metrics and losses from one counter per prefix
(keras/src/utils/naming.py: `auto_name` → `uniquify`, and `get_uid`), kept in the global attribute
`object_name_uids` of keras/src/backend/common/global_state.py, which `keras.backend.clear_session()` drops. A layer
that makes an unnamed sublayer (MultiHeadAttention's Softmax and Dropout) or an unnamed SeedGenerator advances that
counter for their prefixes, so a user's next `Dropout()` is `dropout_1`. This script replaces the counter dict with
one that logs every increment, in order, and for every case, in a fresh session:
  - evaluates the constructor's arguments first (a wrapped layer's own names are its own class's business), then
    constructs the layer: `construct` is what the constructor took, less the layer's own name;
  - calls it on keras.Input tensors of the case's shapes: `build` is what that first call took; then calls it again
    on new inputs of the same shapes: `call` is what each later call takes (operations on KerasTensors, such as the
    masks Masking and Embedding(mask_zero=True) compute). Neither lists the `keras_tensor` names of the tensors a
    call makes (every layer takes one per output tensor: not the layer's business).
A class no case can call (the RNN cells; Equalization, which Keras cannot call on KerasTensors) is constructed with
the first argument set generate-layers.py would try, and its `build` and `call` are null (not known).

The cases: the base case of every class in test/conformance/reference-layers/ (test/conformance/generate-layers.py,
whose argument tables and variant rules are reused here), each variant its `alternatives` gives for a constructor
parameter with a default, plus values it does not try (extra_alternatives: a dropout rate where a float defaults to
0.0, a factor where a `*_factor` argument defaults to None), then the cases of test/unit/layer-table.ts; and where
the answer depends on 2 to MAX_COMBINED parameters, every combination of their values. Not generate-layers.py's
dtype="float16" variant: a dtype only adds the input casts every layer makes (CAST_NOTE, in `notes`).

The JSON (read by src/analysis/keras/layer-auto-names.ts; formatted by the project's prettier):
    {"keras": version, "backend": "jax", "generator": this script, "notes": [general rules, not per class],
     "classes": {Class: {"construct": [prefix, ...], "build": [...] or null, "call": [...] or null,
                         # only where some argument changes the answer:
                         "dependsOn": {param: base value}, "variants": [{"when": {param: value}, "construct",
                         "build", "call"}]}},
     "measured": [every class and alias measured, whether it takes names or not],
     "unmeasured": {Class: why}, "aliases": {Alias: Class}}
Only the classes that take some name of another in some case are in `classes`. Prefixes are listed once per name
taken, in the order Keras takes them. `construct`/`build`/`call` at the class level are the base case's answer.
`dependsOn` names the parameters some variant of which changed the answer, with the base case's value of each;
`variants` gives the answers for the other values measured of those parameters (`when` holds one or more of them: an
argument set that differs from the base in exactly those parameters, with those values, has that answer; any other
value of a `dependsOn` parameter is not known). A `when` value {"$not": v} stands for any known value but v: written
where two or more values measured of that parameter alone gave one answer (a dropout rate, a factor). Values are written as a Keras config writes them: tuples as lists, a
layer as {"class_name": ...}, which matches any layer of that class.
"""

import argparse
import collections
import importlib.util
import inspect
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src", "analysis", "keras", "layer-auto-names.json")
REFERENCE_DIR = os.path.join(ROOT, "test", "conformance", "reference-layers")

_spec = importlib.util.spec_from_file_location("generate_layers", os.path.join(ROOT, "test", "conformance", "generate-layers.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


class Recording(collections.defaultdict):
    """The name counter, logging each increment as (prefix, the name it gave)."""

    def __init__(self):
        super().__init__(int)
        self.log = []

    def __setitem__(self, key, value):
        # defaultdict's __missing__ first stores 0 (not a use); uniquify and get_uid then store count + 1.
        if value:
            self.log.append((key, key if value == 1 else f"{key}_{value - 1}"))
        super().__setitem__(key, value)


def fresh():
    from keras.src.backend.common import global_state

    gen.fresh()
    recording = Recording()
    global_state.set_global_attribute("object_name_uids", recording)
    return recording


def from_json(value):
    """case.json's form of a value (generate-layers.py's to_json) back to generate-layers.py's objects."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if isinstance(value, dict):
        if "tuple" in value:
            return tuple(from_json(v) for v in value["tuple"])
        if "layer" in value:
            return gen.Layer(value["layer"]["class"], **{k: from_json(v) for k, v in value["layer"]["kwargs"].items()})
        if "python" in value:
            return gen.Python(value["python"])
        if "dict" in value:
            return {k: from_json(v) for k, v in value["dict"].items()}
    return value


def config_value(value):
    """A Python argument as a Keras config writes it (what Tensor Lens's analysis holds): tuples as lists, a layer as
    {"class_name": ...}; something else that is not JSON as None (never matched)."""
    import keras

    if isinstance(value, (tuple, list)):
        return [config_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): config_value(v) for k, v in value.items()}
    if isinstance(value, keras.layers.Layer):
        return {"class_name": type(value).__name__}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


class Failed(Exception):
    pass


def measure(cls, make_arguments, inputs, call):
    """Runs one case in a fresh session. make_arguments() → (args, kwargs), evaluated before the constructor runs;
    inputs: [(shape without batch, dtype)], or None to construct only. Returns (config, construct, build, call,
    oddities), build and call None when constructed only; raises Failed."""
    import keras

    recording = fresh()
    try:
        tensors = [keras.Input(shape=tuple(shape), dtype=dtype) for shape, dtype in inputs or []]
        args, kwargs = make_arguments()
    except Exception as error:
        raise Failed(f"inputs/arguments: {type(error).__name__}: {error}")
    try:
        bound = inspect.signature(cls).bind_partial(*args, **kwargs)
        config = {}
        for name, value in bound.arguments.items():
            parameter = bound.signature.parameters[name]
            if parameter.kind == parameter.VAR_KEYWORD:
                config.update({k: config_value(v) for k, v in value.items()})
            elif parameter.kind != parameter.VAR_POSITIONAL:
                config[name] = config_value(value)
    except TypeError:
        config = {k: config_value(v) for k, v in kwargs.items()}
    start = len(recording.log)
    try:
        layer = cls(*args, **kwargs)
    except Exception as error:
        raise Failed(f"construct: {type(error).__name__}: {error}")
    construct = recording.log[start:]
    oddities = []
    own = [i for i, (_, name) in enumerate(construct) if name == layer.name]
    if own:
        construct = construct[: own[0]] + construct[own[0] + 1 :]
    else:
        oddities.append(f"the layer's name {layer.name!r} was not taken by its constructor")
    if inputs is None:
        return config, [p for p, _ in construct], None, None, oddities

    def call_on(tensors, which):
        start = len(recording.log)
        try:
            if call == "single":
                outputs = layer(tensors[0])
            elif call == "list":
                outputs = layer(tensors)
            else:
                outputs = layer(*tensors)
        except Exception as error:
            raise Failed(f"{which} call: {type(error).__name__}: {error}")
        taken = recording.log[start:]
        flat = keras.tree.flatten(outputs)
        tensor_names = [p for p, _ in taken if p == "keras_tensor"]
        if len(tensor_names) != len(flat):
            oddities.append(f"the {which} call took {len(tensor_names)} keras_tensor names for {len(flat)} output tensors")
        return [p for p, _ in taken if p != "keras_tensor"]

    build = call_on(tensors, "first")
    # A later call, on new inputs of the same shapes (made before it: their names are not the layer's).
    again = [keras.Input(shape=tuple(shape), dtype=dtype) for shape, dtype in inputs]
    later = call_on(again, "second")
    return config, [p for p, _ in construct], build, later, oddities


# --- The cases ------------------------------------------------------------------------------------------------------


def reference_base(cls_name):
    path = os.path.join(REFERENCE_DIR, cls_name, "0", "case.json")
    if not os.path.exists(path):
        return None
    case = json.load(open(path))
    if case["kind"] != "base":
        return None
    candidate = {
        "id": case["candidate"],
        "call": case["call"],
        "inputs": [(tuple(i["shape"]), i["dtype"]) for i in case["inputs"]],
    }
    return {k: from_json(v) for k, v in case["kwargs"].items()}, candidate


def evaluated(kwargs):
    """generate-layers.py's kwargs (its Layer/Python objects) as live values: each rendered as the source a user
    writes and evaluated, so a wrapped layer is made (and takes its names) before the constructor runs."""
    import keras

    def make():
        return [], {k: eval(gen.py(v), {"keras": keras}) for k, v in kwargs.items()}

    return make


def extra_alternatives(name, default):
    """Values generate-layers.py does not try, that may make sublayers or seed generators: a dropout rate for a float
    default of 0.0; a factor for a `*_factor` argument whose default None leaves its sublayer out (RandomColorJitter)."""
    if isinstance(default, float) and default == 0.0:
        return [0.5, 0.1]
    if default is None and name.endswith("factor") and name not in gen.REQUIRED:
        return [0.2, 0.4]
    return []


def class_cases(cls_name, cls):
    """(kind, kwargs, candidate) for the base case and the variants of one class; None without a base case."""
    base = reference_base(cls_name)
    if base is None:
        return None
    kwargs, candidate = base
    parameters = gen.signature_parameters(cls)
    cases = [("base", kwargs, candidate)]
    variants = [
        (p.name, value)
        for p in parameters.values()
        if p.default is not inspect.Parameter.empty and p.name not in gen.UNVARIED and p.name not in kwargs
        for value in gen.alternatives(p.name, p.default) + extra_alternatives(p.name, p.default)
    ]
    # Not generate-layers.py's EXTRA_VARIANTS (dtype="float16"): a dtype only adds the input casts every layer makes
    # (CAST_NOTE), which depend on the input's dtype, not on the class.
    for name, value in variants:
        c = gen.channels_first(candidate) if name == "data_format" and value == "channels_first" else candidate
        cases.append(("variant", {**kwargs, name: value}, c))
    return cases


MAX_COMBINED = 4


def combined_cases(base, ran):
    """Where the answer depends on several of the parameters the single variants varied (up to MAX_COMBINED of them:
    RandomColorJitter's four factors), every combination of their measured values, so that `when` can name them."""
    """base: the base case (kind, kwargs, candidate); ran: (kwargs, answer) of every case that ran, the base first."""
    _, base_kwargs, candidate = base
    base_answer = ran[0][1]
    changed = collections.defaultdict(list)
    for kwargs, answer in ran[1:]:
        (name,) = [k for k in kwargs if k not in base_kwargs] or [None]
        if name is not None and answer != base_answer and kwargs[name] not in changed[name]:
            changed[name].append(kwargs[name])
    if not 2 <= len(changed) <= MAX_COMBINED:
        return []
    names = sorted(changed)
    combined = []
    # The first value of each (where every value of a parameter gives one answer, `when` says "any but the base's").
    for values in __import__("itertools").product(*[[None, changed[n][0]] for n in names]):
        chosen = {n: v for n, v in zip(names, values) if v is not None}
        if len(chosen) >= 2:
            combined.append(("combined", {**base_kwargs, **chosen}, candidate))
    return combined


def table_cases():
    import ast

    cases = json.loads(
        subprocess.check_output(
            ["node", "--import", "tsx", "-e", "import('./test/unit/layer-table.ts').then(m => console.log(JSON.stringify(m.layerCases)))"],
            cwd=ROOT,
        )
    )
    out = []
    for case in cases:
        tree = ast.parse(case["layer"], mode="eval").body
        if not isinstance(tree, ast.Call) or not isinstance(tree.func, ast.Name):
            print(f"skipped table case {case['layer']}: not Class(...)", file=sys.stderr)
            continue
        out.append((tree.func.id, case, tree))
    return out


def table_arguments(tree):
    import ast

    import keras

    namespace = {name: getattr(keras.layers, name) for name in dir(keras.layers)}
    namespace["keras"] = keras

    def ev(node):
        return eval(compile(ast.Expression(node), "<layer-table>", "eval"), namespace)

    def make():
        return [ev(a) for a in tree.args], {k.arg: ev(k.value) for k in tree.keywords}

    return make


# --- The answer per class -------------------------------------------------------------------------------------------

MOMENTS = ("construct", "build", "call")

CAST_NOTE = (
    "Not in the classes' lists: at every call, a layer whose dtype policy computes in another float dtype than a "
    "float input tensor's (Layer.__call__ → DTypePolicy.convert_input, when autocast is on) casts that input with "
    "keras.ops.cast, which takes one 'cast' name per input cast; integer inputs are not cast."
)
NOTES = [
    CAST_NOTE,
    "'seed_generator' names (keras.random.SeedGenerator, made by dropout and random layers) and operation names "
    "('not_equal', 'any': the masks of Masking and Embedding(mask_zero=True)) are listed: they share the counters "
    "with layers, though no layer class has those prefixes.",
    "'keras_tensor' names (one per tensor a call makes) are never listed.",
    "build: what the first call takes (sublayers made in build()); call: what every later call takes.",
]


def summarize(cls_name, results):
    """results: [(kind, config, answer)], the base first; answer: {moment: [prefix] or None (not measured)}.
    The class's JSON entry, or None when it takes no names of others in any case."""
    _, base_config, base_answer = results[0]
    if all(not any(answer.values()) for _, _, answer in results):
        return None
    entry = dict(base_answer)
    # Parameters whose value changed the answer against the base case.
    depends = set()
    for _, config, answer in results[1:]:
        if answer != base_answer:
            depends |= {k for k in config if config[k] != base_config.get(k, inspect.Parameter.empty)}
    if not depends:
        return entry
    import keras

    parameters = gen.signature_parameters(getattr(keras.layers, cls_name))

    def base_value(k):
        if k in base_config:
            return base_config[k]
        p = parameters.get(k)
        return config_value(p.default) if p is not None and p.default is not inspect.Parameter.empty else None

    entry["dependsOn"] = {k: base_value(k) for k in sorted(depends)}
    # A parameter every measured value of which (two or more, the others as in the base case) gives one answer stands
    # in `when` as {"$not": base value}: any value but the base's.
    alone = collections.defaultdict(list)
    for kind, config, answer in results[1:]:
        differing = [k for k in config if config[k] != base_config.get(k, base_value(k))]
        if kind == "variant" and len(differing) == 1 and differing[0] in depends:
            alone[differing[0]].append((config[differing[0]], answer))
    general = {k for k, seen in alone.items() if len({json.dumps(v) for v, _ in seen}) >= 2 and all(a == seen[0][1] for _, a in seen)}
    variants = []
    for _, config, answer in results[1:]:
        when = {
            k: ({"$not": base_value(k)} if k in general else config[k])
            for k in sorted(depends)
            if k in config and config[k] != base_value(k)
        }
        if not when:
            continue
        variant = {"when": when, **answer}
        if variant not in variants:
            variants.append(variant)
    entry["variants"] = variants
    return entry


def construct_only(cls_name, cls):
    """For a class without a case that calls it (cells, a layer Keras cannot call on KerasTensors): the first argument
    set generate-layers.py would try, constructed only."""
    sets, _ = gen.base_argument_sets(cls_name, gen.signature_parameters(cls))
    for kwargs in sets or []:
        try:
            return measure(cls, evaluated(kwargs), None, None)
        except Failed:
            continue
    return None


def generate(verbose):
    import keras

    classes, _ = gen.layer_classes()
    alias_of = {alias: name for name, (_, aliases) in classes.items() for alias in aliases}
    by_class = collections.defaultdict(list)
    for name, case, tree in table_cases():
        if name in alias_of:
            by_class[alias_of[name]].append((case, tree))
    entries, measured, unmeasured, oddities = {}, [], {}, []

    def note(where, config, answer, odd):
        oddities.extend(f"{where} {kwargs_text(config)}: {o}" for o in odd)
        if verbose:
            print(f"{where} {kwargs_text(config)}: " + " ".join(f"{m} {answer[m]}" for m in MOMENTS), flush=True)

    for cls_name, (cls, aliases) in classes.items():
        results, ran, why = [], [], None
        cases = class_cases(cls_name, cls) or []
        for kind, kwargs, candidate in cases:
            inputs = [(shape[1:], dtype) for shape, dtype in candidate["inputs"]]
            try:
                config, *answer, odd = measure(cls, evaluated(kwargs), inputs, candidate["call"])
            except Failed as failed:
                if kind == "base":
                    why = f"the base case failed: {failed}"
                    break
                continue
            answer = dict(zip(MOMENTS, answer))
            results.append((kind, config, answer))
            ran.append((kwargs, answer))
            note(f"{cls_name} {kind}", config, answer, odd)
        for kind, kwargs, candidate in combined_cases(cases[0], ran) if why is None and ran else []:
            inputs = [(shape[1:], dtype) for shape, dtype in candidate["inputs"]]
            try:
                config, *answer, odd = measure(cls, evaluated(kwargs), inputs, candidate["call"])
            except Failed:
                continue
            answer = dict(zip(MOMENTS, answer))
            results.append((kind, config, answer))
            note(f"{cls_name} {kind}", config, answer, odd)
        for case, tree in by_class.get(cls_name, []) if why is None else []:
            inputs = [(shape, case.get("dtype", "float32")) for shape in case["inputs"]]
            try:
                config, *answer, odd = measure(cls, table_arguments(tree), inputs, "single" if len(inputs) == 1 else "list")
            except Failed as failed:
                oddities.append(f"table case {case['layer']} failed: {failed}")
                continue
            answer = dict(zip(MOMENTS, answer))
            # Without a reference base case the first table case stands as the base.
            results.append(("table" if results else "base", config, answer))
            note(f"{cls_name} table {case['layer']}", config, answer, odd)
        if not results:
            if cls_name in gen.NOT_HERE:
                unmeasured[cls_name] = gen.NOT_HERE[cls_name]
                continue
            found = construct_only(cls_name, cls)
            if found is None:
                unmeasured[cls_name] = why or "no case calls it, and no argument set constructs it"
                continue
            config, *answer, odd = found
            answer = dict(zip(MOMENTS, answer))
            results.append(("base", config, answer))
            note(f"{cls_name} construct-only", config, answer, odd)
            oddities.append(f"{cls_name}: constructed only (build and call not known): {why or 'no case calls it'}")
        measured += aliases
        entry = summarize(cls_name, results)
        if entry is not None:
            entries[cls_name] = entry
    return {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "generator": "scripts/generate-layer-auto-names.py",
        "notes": NOTES,
        "classes": entries,
        "measured": sorted(measured),
        "unmeasured": unmeasured,
        "aliases": {a: c for a, c in sorted(alias_of.items()) if a != c},
    }, oddities


def kwargs_text(config):
    return "(" + ", ".join(f"{k}={json.dumps(v)}" for k, v in config.items()) + ")"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed JSON differs from what Keras says")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args()
    import logging
    import warnings

    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    result, oddities = generate(args.verbose)
    # Written as prettier writes it (`npm run format:check` reads src/), by the project's own prettier.
    text = subprocess.run(
        [os.path.join(ROOT, "node_modules", ".bin", "prettier"), "--stdin-filepath", os.path.relpath(OUT, ROOT)],
        input=json.dumps(result, indent=2, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for o in oddities:
        print(f"note: {o}")
    summary = ", ".join(
        f"{c} ({' '.join(f'{m} {e[m]}' for m in MOMENTS)}{', varies with ' + ','.join(e['dependsOn']) if 'dependsOn' in e else ''})"
        for c, e in result["classes"].items()
    )
    print(f"{len(result['classes'])} classes take names of others:\n  " + summary.replace("), ", ")\n  "))
    print(f"{len(result['measured'])} names measured; unmeasured: {', '.join(result['unmeasured']) or 'none'}")
    if args.check:
        old = open(OUT).read() if os.path.exists(OUT) else ""
        if old != text:
            print(f"{os.path.relpath(OUT, ROOT)} differs from what Keras {result['keras']} says: rerun without --check")
            sys.exit(1)
        print("no drift")
        return
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if any(os.environ.get(k) != v for k, v in gen.ENVIRONMENT.items()):
        # The fixed environment of generate-layers.py (set before JAX loads).
        sys.exit(subprocess.run([sys.executable, *sys.argv], env={**os.environ, **gen.ENVIRONMENT}).returncode)
    main()
