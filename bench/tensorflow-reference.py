"""Python TensorFlow's own time for the bench's forward passes: the reference the native backend is held to.

Reads {"models": [[title, source, model name], ...], "runs": n} on stdin (the bench's own model sources, the same
that Tensor Lens evaluates), builds each model with Keras on the TensorFlow backend, and times its forward pass on a
1×224×224×3 input as a tf.function, median of `runs` after a warm-up. Prints {title: milliseconds} as JSON.
"""

import json
import os
import statistics
import sys
import time

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

request = json.load(sys.stdin)
results = {}
for title, source, name in request["models"]:
    scope = {}
    exec(compile(source, title, "exec"), scope)
    model = scope[name]
    forward = tf.function(lambda x, m=model: m(x, training=False))
    x = tf.constant(np.random.default_rng(0).random((1, 224, 224, 3), dtype=np.float32))
    forward(x).numpy()
    times = []
    for _ in range(request["runs"]):
        started = time.perf_counter()
        forward(x).numpy()
        times.append((time.perf_counter() - started) * 1000)
    results[title] = statistics.median(times)
print(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__, "milliseconds": results}))
