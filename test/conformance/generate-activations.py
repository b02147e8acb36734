#!/usr/bin/env python3
"""Keras's values of every activation in keras.activations, as a layer applies it: test/conformance/reference/activations.json.

The names are Keras's own list (the public functions of `keras.activations`, less serialize/deserialize/get), each
applied by `keras.layers.Activation(name)` to one fixed input, 4·sin(i·1.37) for i in range(12) in shape (2, 6), so
that each piece of the piecewise ones (hard_sigmoid, relu6, hard_tanh, threshold) is met. Values are recorded to 8
significant digits, or the error Keras raises. The engine test (activations.test.ts) applies each the same way: an
`Activation` layer, which shares its lookup with every layer's `activation=` (Dense, Conv2D, …).

    KERAS_BACKEND=jax .venv-conformance/bin/python test/conformance/generate-activations.py
    ... generate-activations.py --check        # generate again, compare with the committed file
"""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from keras_test_mining import dump, prettier  # noqa: E402

OUTPUT = os.path.join(HERE, "reference", "activations.json")
SHAPE = (2, 6)


def sample():
    return [round(4 * math.sin(i * 1.37), 3) for i in range(math.prod(SHAPE))]


def record():
    import keras
    import numpy as np

    names = sorted(
        name
        for name in dir(keras.activations)
        if not name.startswith("_") and name not in ("serialize", "deserialize", "get") and callable(getattr(keras.activations, name))
    )
    x = np.array(sample(), dtype="float32").reshape(SHAPE)
    cases = []
    for name in names:
        try:
            y = keras.ops.convert_to_numpy(keras.layers.Activation(name)(x))
            cases.append({"name": name, "shape": list(y.shape), "values": [float(f"{v:.8g}") for v in y.ravel().tolist()]})
        except Exception as error:  # noqa: BLE001 - Keras's refusal is what is recorded
            cases.append({"name": name, "error": f"{type(error).__name__}: {error}"})
    return {"keras": keras.__version__, "backend": keras.backend.backend(), "input": sample(), "shape": list(SHAPE), "cases": cases}


if __name__ == "__main__":
    document = record()
    if sys.argv[1:2] == ["--check"]:
        with open(OUTPUT) as f:
            committed = json.load(f)
        drift = [c["name"] for c, d in zip(committed["cases"], document["cases"]) if c != d]
        if len(committed["cases"]) != len(document["cases"]):
            drift.append(f"{len(committed['cases'])} activations → {len(document['cases'])}")
        print("\n".join(drift) or "no drift: real Keras agrees with reference/activations.json")
        sys.exit(1 if drift else 0)
    with open(OUTPUT, "w") as f:
        f.write(dump(document))
    prettier(OUTPUT)
    print(f"{OUTPUT}: {len(document['cases'])} activations")
