"""Regenerates src/analysis/keras/signatures.json from the installed Keras 3.

The table holds, for each layer class Tensor Lens knows, its constructor's
parameters in positional order with their defaults, exactly as Keras declares
them. Run: python scripts/generate-keras-signatures.py (needs `pip install keras`).
"""
import inspect
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

LAYERS = """InputLayer Dense Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose
DepthwiseConv1D DepthwiseConv2D SeparableConv1D SeparableConv2D
MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D
GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
Flatten Reshape Permute RepeatVector Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D
GaussianNoise GaussianDropout AlphaDropout ActivityRegularization Identity
BatchNormalization LayerNormalization Activation ReLU LeakyReLU PReLU ELU Softmax
Embedding SimpleRNN LSTM GRU Bidirectional TimeDistributed
Add Subtract Multiply Average Maximum Minimum Concatenate Dot
ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D
UpSampling1D UpSampling2D UpSampling3D Rescaling Resizing""".split()

BASE_KWARGS = ["name", "dtype", "trainable", "autocast", "activity_regularizer",
               "input_shape", "input_dim", "batch_input_shape", "batch_size"]


def literal(value):
    if value is inspect.Parameter.empty:
        return {"required": True}
    if isinstance(value, tuple):
        return {"default": list(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"default": value}
    return {"default": repr(value)}


def describe(cls):
    params = []
    for p in inspect.signature(cls.__init__).parameters.values():
        if p.name == "self":
            continue
        if p.kind == p.VAR_KEYWORD:
            params.append({"name": p.name, "kind": "**"})
            continue
        if p.kind == p.VAR_POSITIONAL:
            params.append({"name": p.name, "kind": "*"})
            continue
        kind = "keyword" if p.kind == p.KEYWORD_ONLY else "positional"
        params.append({"name": p.name, "kind": kind, **literal(p.default)})
    return params


every_layer = sorted(
    name for name in dir(keras.layers)
    if isinstance(getattr(keras.layers, name), type) and issubclass(getattr(keras.layers, name), keras.layers.Layer)
)
table = {"keras": keras.__version__, "baseKeywords": BASE_KWARGS, "allKerasLayers": every_layer, "layers": {}}
for name in LAYERS:
    table["layers"][name] = describe(getattr(keras.layers, name))
out = os.path.join(os.path.dirname(__file__), "..", "src", "analysis", "keras", "signatures.json")
with open(out, "w") as f:
    json.dump(table, f, indent=1)
    f.write("\n")
print(f"wrote {len(table['layers'])} layer signatures from Keras {keras.__version__}", file=sys.stderr)
