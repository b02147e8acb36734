"""Records what real Keras builds for every builder of `keras.applications`, and
for each argument variant that changes its graph: every summary row (layer name,
class, output shape, parameter count and its non-trainable part), the model's
totals, or the exception Keras raises for the variant. The variants come from
each builder's own signature (inspect), not from a hand-picked list:

- the default call;
- `include_top=False` with each `pooling` (None, "avg", "max");
- `include_top=False` with a non-square input shape of odd sizes, and with an
  `input_tensor`;
- `include_top=True` with other `classes` and `classifier_activation`, and with a
  non-default `input_shape`;
- each further parameter the builder has (`alpha`, `depth_multiplier`,
  `minimalistic`, `include_preprocessing`, `dropout_rate`, …) changed alone;
- `weights="imagenet"` where the arguments make Keras refuse the weights (it
  raises before downloading; a variant that would download is left out, as this
  machine has no network) and a weights path that does not exist.

Every call passes `weights=None` unless it is about weights: the graph is the same,
and nothing is downloaded. One gzipped JSON a builder in
test/conformance/reference-applications/.

    python test/conformance/generate-applications.py                 # rewrite all
    python test/conformance/generate-applications.py --check --sample N  # regenerate N builders, exit 1 on drift
"""
import gzip
import inspect
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "reference-applications")
COMMON = {"include_top", "weights", "input_tensor", "input_shape", "pooling", "classes", "classifier_activation", "name"}
ODD_SHAPE = (99, 130, 3)
TOP_SHAPE = (128, 160, 3)
TENSOR_SHAPE = (96, 96, 3)


def builders():
    import keras

    return sorted(n for n in dir(keras.applications) if n[0].isupper() and callable(getattr(keras.applications, n)))


def literal(value):
    return repr(value)


def variants(builder):
    """The calls recorded for one builder: (keyword source, keywords), weights=None added unless given."""
    import keras

    parameters = inspect.signature(getattr(keras.applications, builder)).parameters
    calls = [{}]
    calls += [{"include_top": False, "pooling": pooling} for pooling in (None, "avg", "max")]
    calls.append({"include_top": False, "input_shape": ODD_SHAPE})
    calls.append({"include_top": False, "pooling": "avg", "input_tensor": ("keras.Input(shape=%r)" % (TENSOR_SHAPE,),)})
    calls.append({"classes": 10, "classifier_activation": None})
    calls.append({"input_shape": TOP_SHAPE, "classes": 7})
    for name, parameter in parameters.items():
        if name in COMMON or parameter.default is inspect.Parameter.empty:
            continue
        default = parameter.default
        if isinstance(default, bool):
            changed = [not default]
        elif isinstance(default, float):
            changed = [0.5, 0.75] if name == "alpha" else [0.5]
        elif isinstance(default, int):
            changed = [default + 1]
        else:
            continue
        calls += [{name: value} for value in changed]
        calls += [{name: value, "include_top": False, "pooling": "avg", "input_shape": ODD_SHAPE} for value in changed[:1]]
    calls.append({"weights": "imagenet", "classes": 10})
    calls.append({"weights": "imagenet", "include_top": True, "input_shape": TOP_SHAPE})
    calls.append({"weights": "no_such_file.weights.h5"})
    calls.append({"include_top": False, "input_shape": (16, 16, 3)})
    calls.append({"pooling": "mean", "include_top": False})
    return [c if "weights" in c else {"weights": None, **c} for c in calls]


def call_source(builder, keywords):
    parts = [f"{k}={v[0] if isinstance(v, tuple) and len(v) == 1 and isinstance(v[0], str) else literal(v)}" for k, v in keywords.items()]
    return f"keras.applications.{builder}({', '.join(parts)})"


def size(weights):
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def shape_json(shape):
    return [None if d is None else int(d) for d in shape]


def record_builder(builder, out_dir):
    """Runs in a child process: every variant of one builder."""
    import keras

    recorded = []
    for keywords in variants(builder):
        source = call_source(builder, keywords)
        keras.utils.clear_session()
        try:
            model = eval(source, {"keras": keras})
        except Exception as error:  # noqa: BLE001 — what Keras raises is the reference
            message = str(error)
            if "fetch failure" in message or "URL" in message or "urlopen" in message.lower():
                continue  # it would download the weights: not recordable without network
            recorded.append({"call": source, "error": f"{type(error).__name__}: {message}"})
            continue
        rows = []
        for layer in model.layers:
            output = layer.output
            shape = [shape_json(t.shape) for t in output] if isinstance(output, (list, tuple)) else shape_json(output.shape)
            rows.append([layer.name, type(layer).__name__, shape, int(layer.count_params()), size(layer.non_trainable_weights)])
        recorded.append(
            {
                "call": source,
                "model": model.name,
                "layers": rows,
                "totalParams": int(model.count_params()),
                "trainableParams": size(model.trainable_weights),
                "nonTrainableParams": size(model.non_trainable_weights),
            }
        )
    table = {"keras": keras.__version__, "backend": os.environ["KERAS_BACKEND"], "builder": f"keras.applications.{builder}", "variants": recorded}
    with gzip.open(os.path.join(out_dir, f"{builder}.json.gz"), "wt", compresslevel=9) as f:
        json.dump(table, f, separators=(",", ":"))
    # gzip writes the time into its header: made byte-stable so an unchanged reference is an unchanged file.
    path = os.path.join(out_dir, f"{builder}.json.gz")
    data = bytearray(open(path, "rb").read())
    data[4:8] = b"\0\0\0\0"
    open(path, "wb").write(bytes(data))
    print(f"{builder}: {len(recorded)} variants, {sum(len(v.get('layers', [])) for v in recorded)} rows", flush=True)


def generate(out_dir, names):
    os.makedirs(out_dir, exist_ok=True)
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    for name in names:
        subprocess.run([sys.executable, __file__, "--one", name, out_dir], env=env, check=True)


def read(path):
    with gzip.open(path, "rt") as f:
        return json.load(f)


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    if sys.argv[1:2] == ["--one"]:
        record_builder(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--check"]:
        sample = int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else None
        names = builders()
        if sample:
            names = names[:: max(1, len(names) // sample)][:sample]
        with tempfile.TemporaryDirectory() as fresh:
            generate(fresh, names)
            problems = [n for n in names if read(os.path.join(OUT, f"{n}.json.gz")) != read(os.path.join(fresh, f"{n}.json.gz"))]
        # The sources Tensor Lens reads must be the pinned Keras's own, unchanged (scripts/vendor-keras-applications.py).
        import filecmp

        import keras.src.applications as sources

        vendored = os.path.join(HERE, "..", "..", "library", "keras", "src", "applications")
        installed = os.path.dirname(sources.__file__)
        for name in sorted(f for f in os.listdir(installed) if f.endswith(".py") and not f.endswith("_test.py")):
            if not os.path.exists(os.path.join(vendored, name)) or not filecmp.cmp(os.path.join(installed, name), os.path.join(vendored, name), shallow=False):
                problems.append(f"library/keras/src/applications/{name}: not the pinned Keras's (run scripts/vendor-keras-applications.py)")
        print("\n".join(f"{n}: drift from the committed reference" for n in problems) or f"no drift in {len(names)} builders")
        sys.exit(1 if problems else 0)
    else:
        generate(OUT, sys.argv[1:] or builders())
