"""Python TensorFlow's own time for the bench's forward passes: the reference the native backend is held to.

Reads {"models": [[title, source, model name], ...], "runs": n} as the first line of stdin (the bench's own model
sources, the same that Tensor Lens evaluates), builds each model with Keras on the TensorFlow backend as a
tf.function on a 1×224×224×3 input, warms each up, and prints {"tensorflow": …, "keras": …}. Then, for each further
line of stdin (a model's title), it times `runs` forward passes and prints {"title": …, "milliseconds": median}:
the bench asks between its own runs, so that both are measured under the same load of the machine.
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

request = json.loads(sys.stdin.readline())
x = tf.constant(np.random.default_rng(0).random((1, 224, 224, 3), dtype=np.float32))
forwards = {}
for title, source, name in request["models"]:
    scope = {}
    exec(compile(source, title, "exec"), scope)
    forward = tf.function(lambda x, m=scope[name]: m(x, training=False))
    forward(x).numpy()
    forwards[title] = forward
print(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__}), flush=True)

for line in sys.stdin:
    title = line.strip()
    times = []
    for _ in range(request["runs"]):
        started = time.perf_counter()
        forwards[title](x).numpy()
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"title": title, "milliseconds": statistics.median(times)}), flush=True)
