"""Records what real Keras says about each conformance fixture: every model's
summary (layer name, class, output shape, parameter count and its non-trainable
part, in order; the model's total, trainable and non-trainable counts) and, for
the last functional or Sequential model of each file, its weights, a fixed
input and the outputs Keras computes from them. The TypeScript tests compare
Tensor Lens against these files without Python.

    python test/conformance/generate.py            # rewrite test/conformance/reference/
    python test/conformance/generate.py --check    # regenerate into a temp folder; exit 1 on any drift

Runs each fixture (our own files, never a user's) in a fresh process: Keras 3 on
JAX, or on TensorFlow for files that import it; tf_keras for the legacy
`K.function` spelling, where tf.keras 2 is the only Keras that has it.
"""
import json
import os
import runpy
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = sorted(
    [os.path.join("test/conformance/models", f) for f in os.listdir(os.path.join(HERE, "models")) if f.endswith(".py")]
    + [os.path.join("examples", f) for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".py")]
    # A project split over modules: its main file, run from its own folder as `python train.py` runs it.
    + ["examples/split_model/train.py"]
)
BATCH = 2


def environment_for(source):
    env = dict(os.environ, PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    if "K.function" in source:
        env["TF_USE_LEGACY_KERAS"] = "1"
        env["KERAS_BACKEND"] = "tensorflow"
    elif "import tensorflow" in source:
        env["KERAS_BACKEND"] = "tensorflow"
    else:
        env["KERAS_BACKEND"] = "jax"
    return env


def shape_json(shape):
    return [None if d is None else int(d) for d in shape]


def output_shape(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError):
        return None
    if isinstance(output, (list, tuple)):
        return [shape_json(t.shape) for t in output]
    return shape_json(output.shape)


def size(weights):
    """The number of scalars in a list of weights, as summary()'s `count_params` counts them."""
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def fill_keras_cache(keras, home):
    """For a fixture that loads `weights="imagenet"`: with no network, Keras's download is replaced by a file of seeded
    weights written where the download would go (`KERAS_HOME/models/<its name>`), in the legacy .h5 layout of the
    ImageNet files, which Keras then loads as it loads those. The weights differ from the model's initial ones, so that
    reading them is what the comparison checks."""
    import h5py
    import numpy as np
    from keras.src.legacy.saving import legacy_h5_format
    from keras.src.utils import file_utils

    cache = os.path.join(home, "models")
    os.makedirs(cache, exist_ok=True)
    rng = np.random.default_rng(1)
    load_weights = keras.Model.load_weights

    def get_file(fname=None, origin=None, cache_subdir="datasets", **kwargs):
        assert cache_subdir == "models", f"{fname}: only model weights are made up"
        return os.path.join(cache, fname)

    def load_made_up(model, filepath, *args, **kwargs):
        if str(filepath).startswith(cache) and not os.path.exists(filepath):
            # Positive factors and offsets keep a BatchNormalization's variance positive.
            model.set_weights([w * rng.uniform(0.8, 1.2, w.shape) + rng.uniform(0, 0.1, w.shape) for w in model.get_weights()])
            with h5py.File(filepath, "w") as f:
                legacy_h5_format.save_weights_to_hdf5_group(f, model)
        return load_weights(model, filepath, *args, **kwargs)

    file_utils.get_file = get_file
    keras.Model.load_weights = load_made_up


def record_one(fixture, out_dir):
    """Runs in the child process: executes the fixture and writes its reference files."""
    import numpy as np

    legacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
    if legacy:
        import tf_keras as keras
    else:
        import keras
    keras.utils.set_random_seed(0)
    if os.environ.get("KERAS_HOME", "").startswith(out_dir):
        fill_keras_cache(keras, os.environ["KERAS_HOME"])
    # `python FILE` puts FILE's folder first on sys.path, where its own modules are found.
    sys.path.insert(0, os.path.dirname(os.path.join(ROOT, fixture)))
    namespace = runpy.run_path(os.path.join(ROOT, fixture), run_name="__fixture__")
    models, seen = [], set()
    for value in namespace.values():
        if isinstance(value, keras.Model) and id(value) not in seen:
            seen.add(id(value))
            models.append(value)
    summary = {
        "file": fixture,
        "keras": keras.__version__,
        "backend": "tensorflow (tf_keras)" if legacy else os.environ["KERAS_BACKEND"],
        "legacy": legacy,
        "models": [
            {
                "name": m.name,
                "class": type(m).__name__,
                "layers": [
                    {
                        "name": l.name,
                        "class": type(l).__name__,
                        "outputShape": output_shape(l),
                        "params": int(l.count_params()),
                        "nonTrainableParams": size(l.non_trainable_weights),
                    }
                    for l in m.layers
                ],
                "totalParams": int(m.count_params()),
                # What summary() prints as "Trainable params" and "Non-trainable params".
                "trainableParams": size(m.trainable_weights),
                "nonTrainableParams": size(m.non_trainable_weights),
            }
            for m in models
            if m.built
        ],
    }
    graph_models = [m for m in models if m.built and type(m).__name__ in ("Functional", "Sequential", "Model")]
    if graph_models:
        top = graph_models[-1]
        rng = np.random.default_rng(0)
        inputs = []
        for i, tensor in enumerate(top.inputs):
            shape = [BATCH if d is None else int(d) for d in tensor.shape]
            dtype = str(tensor.dtype.name if hasattr(tensor.dtype, "name") else tensor.dtype)
            array = rng.integers(0, 10, shape).astype("int32") if "int" in dtype else rng.random(shape).astype("float32")
            np.save(os.path.join(out_dir, f"input_{i}.npy"), array)
            inputs.append(array)
        outputs = top.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for j, array in enumerate(outputs):
            np.save(os.path.join(out_dir, f"output_{j}.npy"), np.asarray(array, dtype="float32"))
        top.save_weights(os.path.join(out_dir, "model.weights.h5"))
        # The whole model saved as a `.keras` archive (small models only, to keep the repository small): Tensor Lens
        # reads its architecture back with load_model, and must find every layer of it as Keras does.
        if top.count_params() < 100_000 and type(top).__name__ in ("Functional", "Sequential") and not legacy:
            # And in the legacy HDF5 format (`model_config` attribute, weights under `model_weights`), read back too.
            for saved in ("model.keras", "model.h5"):
                try:
                    top.save(os.path.join(out_dir, saved))
                except NotImplementedError:
                    # Keras cannot serialize some op nodes (ops.map, ops.scan between layers): no file to read back.
                    if os.path.exists(os.path.join(out_dir, saved)):
                        os.remove(os.path.join(out_dir, saved))
        summary["evaluated"] = {"model": top.name, "inputs": len(inputs), "outputs": len(outputs)}
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")


def record_layer_table(path):
    """Keras's output shape and parameter counts (all, non-trainable, and trainable once frozen) for every case of test/unit/layer-table.ts."""
    env = dict(os.environ, KERAS_BACKEND="jax")
    script = (
        "import json, math, sys, keras\n"
        "from keras.layers import *\n"
        "cases = json.load(sys.stdin)\n"
        "out = []\n"
        "for case in cases:\n"
        "    keras.backend.clear_session()\n"
        "    inputs = [keras.Input(tuple(s), dtype=case.get('dtype', 'float32')) for s in case['inputs']]\n"
        "    layer = eval(case['layer'])  # the table's own expressions\n"
        "    y = layer(inputs if len(inputs) > 1 else inputs[0])\n"
        "    shape = [list(t.shape) for t in y] if isinstance(y, (list, tuple)) else list(y.shape)\n"
        "    size = lambda weights: int(sum(math.prod(w.shape) for w in weights))\n"
        "    row = {'layer': case['layer'], 'inputs': case['inputs'], 'output': shape, 'params': int(layer.count_params())}\n"
        "    row['nonTrainableParams'] = size(layer.non_trainable_weights)\n"
        "    # The same layer made with trainable=False (its config, so the constructor gets it), in a model: the weights\n"
        "    # that model still counts as trainable (those of sublayers that do not take the flag).\n"
        "    keras.backend.clear_session()\n"
        "    inputs = [keras.Input(tuple(s), dtype=case.get('dtype', 'float32')) for s in case['inputs']]\n"
        "    try:\n"
        "        frozen = type(layer).from_config({**layer.get_config(), 'trainable': False})\n"
        "        model = keras.Model(inputs, frozen(inputs if len(inputs) > 1 else inputs[0]))\n"
        "        row['frozenTrainableParams'] = size(model.trainable_weights)\n"
        "    except Exception as error:  # recorded as not known\n"
        "        row['frozenTrainableParams'] = None\n"
        "    out.append(row)\n"
        "json.dump({'keras': keras.__version__, 'cases': out}, sys.stdout, indent=1)\n"
    )
    cases = subprocess.check_output(
        ["node", "--import", "tsx", "-e", "import('./test/unit/layer-table.ts').then(m => console.log(JSON.stringify(m.layerCases)))"],
        cwd=ROOT,
    )
    result = subprocess.run([sys.executable, "-c", script], input=cases, env=env, check=True, capture_output=True, cwd=ROOT)
    with open(path, "wb") as f:
        f.write(result.stdout + b"\n")


def reference_name(fixture):
    """The folder of a fixture's reference: its name, after its project's folder for a fixture in one (split_model_train)."""
    stem = os.path.splitext(os.path.basename(fixture))[0]
    project = os.path.basename(os.path.dirname(fixture))
    return stem if project in ("models", "examples") else f"{project}_{stem}"


def generate(reference):
    os.makedirs(reference, exist_ok=True)
    record_layer_table(os.path.join(reference, "layer-table.json"))
    print(f"test/unit/layer-table.ts: {len(json.load(open(os.path.join(reference, 'layer-table.json')))['cases'])} cases")
    for fixture in FIXTURES:
        out_dir = os.path.join(reference, reference_name(fixture))
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(ROOT, fixture)) as f:
            source = f.read()
        env = environment_for(source)
        if 'weights="imagenet"' in source:
            env["KERAS_HOME"] = os.path.join(out_dir, "keras_home")
        subprocess.run([sys.executable, __file__, "--one", fixture, out_dir], env=env, check=True, cwd=ROOT)
        print(f"{fixture}: {env['KERAS_BACKEND']}{' (tf_keras)' if 'TF_USE_LEGACY_KERAS' in env else ''}")


def drift(expected_dir, actual_dir):
    """Differences between two reference folders, by file and layer."""
    import numpy as np

    problems = []
    old_table, new_table = (json.load(open(os.path.join(d, "layer-table.json")))["cases"] for d in (expected_dir, actual_dir))
    problems += [f"layer-table: {a['layer']} on {a['inputs']}: {a} → {b}" for a, b in zip(old_table, new_table) if a != b]
    for name in sorted(n for n in os.listdir(expected_dir) if os.path.isdir(os.path.join(expected_dir, n))):
        for file in sorted(os.listdir(os.path.join(expected_dir, name))):
            a, b = os.path.join(expected_dir, name, file), os.path.join(actual_dir, name, file)
            if not os.path.exists(b):
                problems.append(f"{name}/{file}: no longer produced")
            elif file == "summary.json":
                old, new = json.load(open(a)), json.load(open(b))
                for m_old, m_new in zip(old["models"], new["models"]):
                    for l_old, l_new in zip(m_old["layers"], m_new["layers"]):
                        if l_old != l_new:
                            problems.append(f"{name}: model {m_old['name']}, layer {l_old['name']}: {l_old} → {l_new}")
                    for key in ("totalParams", "trainableParams", "nonTrainableParams"):
                        if m_old.get(key) != m_new.get(key):
                            problems.append(f"{name}: model {m_old['name']}: {key} {m_old.get(key)} → {m_new.get(key)}")
                if len(old["models"]) != len(new["models"]):
                    problems.append(f"{name}: {len(old['models'])} models → {len(new['models'])}")
            elif file.endswith(".npy") and not np.allclose(np.load(a), np.load(b), rtol=1e-5, atol=1e-6):
                problems.append(f"{name}/{file}: values changed")
    return problems


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        record_one(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--check"]:
        with tempfile.TemporaryDirectory() as fresh:
            generate(fresh)
            problems = drift(os.path.join(HERE, "reference"), fresh)
        print("\n".join(problems) or "no drift: real Keras agrees with the committed references")
        sys.exit(1 if problems else 0)
    else:
        generate(os.path.join(HERE, "reference"))
