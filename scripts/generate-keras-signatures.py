"""Regenerates src/analysis/keras/signatures.json from the installed Keras 3.

For every layer class in `keras.layers`: its constructor's parameters in
positional order with their defaults, exactly as Keras declares them, and the
other names `keras.layers` gives the same class object (its aliases, found by
identity: `MaxPool2D is MaxPooling2D`), and the keywords its `**kwargs` accept:
those its `__init__` pops from them, and the parameters of each ancestor's
`__init__` they are passed on to, down to `Layer`'s (keras_kwargs.py); and
the default of `training` in its `call`, which an eager call runs with.
Also every initializer class of `keras.initializers`, with its names and parameters.
Run with the pinned Keras:
    KERAS_BACKEND=jax .venv-conformance/bin/python scripts/generate-keras-signatures.py
"""
import inspect
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_kwargs import parameters_through_kwargs  # noqa: E402
from keras_signature import describe_parameters  # noqa: E402

names_by_class = {}
for name in sorted(dir(keras.layers)):
    value = getattr(keras.layers, name)
    if isinstance(value, type) and issubclass(value, keras.layers.Layer):
        names_by_class.setdefault(value, []).append(name)

classes = {}
for cls, names in names_by_class.items():
    # Keras serializes (`to_json`'s class_name) and auto-names by the class's own name, which
    # keras.layers may not export (GroupQueryAttention is the class GroupedQueryAttention).
    entry = {"names": names, "parameters": describe_parameters(cls.__init__), "kwargs": [p.name for p in parameters_through_kwargs(cls)]}
    training = inspect.signature(cls.call).parameters.get("training")
    if training is not None and training.default is not inspect.Parameter.empty:
        # What `training` is in a call that does not give it, outside a model (an eager call): the signature's default.
        entry["callTraining"] = training.default
    classes[cls.__name__] = entry

# The initializer classes of keras.initializers (`Constant(0.5)`, `HeNormal(seed=1)`), by class name: their public
# names (the snake_case ones are the same class objects) and constructor parameters, which are their config keys.
initializer_names = {}
for name in sorted(dir(keras.initializers)):
    value = getattr(keras.initializers, name)
    if isinstance(value, type) and issubclass(value, keras.initializers.Initializer) and value is not keras.initializers.Initializer:
        initializer_names.setdefault(value, []).append(name)
initializers = {
    cls.__name__: {"names": names, "parameters": describe_parameters(cls.__init__)} for cls, names in initializer_names.items()
}

table = {"keras": keras.__version__, "classes": dict(sorted(classes.items())), "initializers": dict(sorted(initializers.items()))}
out = os.path.join(os.path.dirname(__file__), "..", "src", "analysis", "keras", "signatures.json")
with open(out, "w") as f:
    json.dump(table, f, indent=1)
    f.write("\n")
total = sum(len(names) for names in names_by_class.values())
print(
    f"wrote {len(classes)} layer classes ({total} names in keras.layers) and {len(initializers)} initializer classes from Keras {keras.__version__}",
    file=sys.stderr,
)
