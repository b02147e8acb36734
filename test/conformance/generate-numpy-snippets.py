"""Runs the code that Tensor Lens's "Get … as NumPy" action inserts, in real Keras: each edited file as a script.

Reads [{"key", "source", "arrayName", "legacy"}, …] on stdin and prints {key: {"shape": […], "type": …}} as JSON: the
shape and type of the array the inserted code made. Run once with TF_USE_LEGACY_KERAS=1 (tf.keras is Keras 2, whose
backend has K.function) for the K.function snippets, and once without for the others; the caller sets it.
"""

import contextlib
import io
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np  # noqa: E402

results = {}
for case in json.load(sys.stdin):
    scope = {"__name__": "__main__"}
    # The files print (the seed's own prints, predict's progress bar): only the result goes to stdout.
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(case["source"], case["key"], "exec"), scope)
    array = scope[case["arrayName"]]
    results[case["key"]] = {"shape": list(np.shape(array)), "type": type(array).__name__}
print(json.dumps(results))
