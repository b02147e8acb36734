"""Runs the cases of test/unit/layer-table.ts through real Keras and reports any
case whose output shape or parameter count differs from the table.

Needs Keras 3 (`pip install keras jax`). Run: python scripts/check-layer-table.py
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras.layers import *  # noqa: E402,F401,F403

cases = json.loads(subprocess.check_output(
    ["node", "--import", "tsx", "-e",
     "import('./test/unit/layer-table.ts').then(m => console.log(JSON.stringify(m.layerCases)))"],
    cwd=os.path.join(os.path.dirname(__file__), ".."),
))

failures = 0
for case in cases:
    keras.backend.clear_session()
    dtype = case.get("dtype", "float32")
    inputs = [keras.Input(tuple(shape), dtype=dtype) for shape in case["inputs"]]
    layer = eval(case["layer"])  # the table's own expressions, never user code
    out = layer(inputs if len(inputs) > 1 else inputs[0])
    shapes = [list(t.shape) for t in out] if isinstance(out, (list, tuple)) else list(out.shape)
    params = layer.count_params()
    expected = case["output"]
    if shapes != expected or params != case["params"]:
        failures += 1
        print(f"DIFF {case['layer']} on {case['inputs']}: keras {shapes} {params}, table {expected} {case['params']}")
print(f"{len(cases) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
