"""Copies the model builders of the pinned Keras into library/, and writes their public names.

Tensor Lens reads `keras.applications` the way it reads the user's own modules: it
interprets these sources (never runs them). They are the pinned Keras's own files,
unchanged, so the graphs they build are Keras's by construction; the conformance
references check that. `src/analysis/keras/applications.json` maps every public path
(`keras.applications.ResNet50`, `keras.applications.resnet50.preprocess_input`) to the
source module and name it is, found by object identity as Keras exports it.
Run with the pinned Keras:
    KERAS_BACKEND=jax .venv-conformance/bin/python scripts/vendor-keras-applications.py
"""
import importlib.metadata
import json
import os
import shutil
import types

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import keras.src.applications as sources  # noqa: E402

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.path.join(root, "library", "keras", "src", "applications")
shutil.rmtree(os.path.join(root, "library", "keras"), ignore_errors=True)
os.makedirs(target)
source_folder = os.path.dirname(sources.__file__)
copied = []
for name in sorted(os.listdir(source_folder)):
    if name.endswith(".py") and not name.endswith("_test.py"):
        shutil.copyfile(os.path.join(source_folder, name), os.path.join(target, name))
        copied.append(name)

distribution = importlib.metadata.distribution("keras")
license_text = next((f for f in distribution.files if f.name.upper().startswith("LICENSE")), None)
with open(os.path.join(root, "library", "keras", "LICENSE"), "w") as f:
    f.write(f"The files under src/applications/ are copied unchanged from Keras {keras.__version__}\n")
    f.write("(https://github.com/keras-team/keras), under the license below.\n\n")
    f.write(license_text.read_text() if license_text else "Apache License, Version 2.0\n")


def public_names(module, prefix):
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            yield from public_names(value, f"{prefix}.{name}")
        elif callable(value) and value.__module__.startswith("keras.src.applications."):
            yield f"{prefix}.{name}", f"{value.__module__}.{value.__qualname__}"
        # Modules of `keras.applications` are their own paths (`keras.applications.resnet50`).


paths = dict(public_names(keras.applications, "keras.applications"))
modules = {}
for name in sorted(dir(keras.applications)):
    value = getattr(keras.applications, name)
    if isinstance(value, types.ModuleType):
        # The source module a public one re-exports (`keras.applications.resnet50` is resnet.py's names).
        owners = {paths[f"keras.applications.{name}.{n}"].rsplit(".", 1)[0] for n in dir(value) if f"keras.applications.{name}.{n}" in paths}
        if len(owners) == 1:
            modules[f"keras.applications.{name}"] = owners.pop()
table = {"keras": keras.__version__, "names": paths, "modules": modules}
with open(os.path.join(root, "src", "analysis", "keras", "applications.json"), "w") as f:
    json.dump(table, f, indent=1)
    f.write("\n")
builders = sum(1 for path in paths if path.count(".") == 2 and path.split(".")[-1][0].isupper())
print(f"{len(copied)} source files, {len(paths)} public names ({builders} builders), {len(modules)} modules")
