# keras.ops that take Python functions, as model files use them: in a functional model between layers (map, scan,
# vectorized_map, associative_scan, fori_loop, while_loop, switch) and inside custom layers' call(), where the
# functions close over the traced tensors (cond, scan over time, vectorize, fori_loop, map over the batch).
import keras
from keras import layers, ops


class GatedScale(layers.Layer):
    """Doubles its input where the batch mean is positive, halves it elsewhere."""

    def call(self, x):
        return ops.cond(ops.mean(x) > 0.0, lambda: x * 2.0, lambda: x * 0.5)


class CumulativeOverTime(layers.Layer):
    """A running sum over the time axis, written with scan on the time-major input."""

    def call(self, x):
        steps = ops.transpose(x, (1, 0, 2))
        total, sums = ops.scan(lambda carry, step: (carry + step, carry + step), ops.zeros_like(steps[0]), steps)
        return ops.transpose(sums, (1, 0, 2)) + ops.expand_dims(total, 1) * 0.0


class Affine(layers.Layer):
    """An elementwise map written as a Python function of one number, vectorized."""

    def call(self, x):
        return ops.vectorize(lambda a: a * 0.5 + 1.0)(x)


class Smooth(layers.Layer):
    """Three passes of a neighbour average, as a fori_loop; and each example's row norms, mapped over the batch."""

    def call(self, x):
        smoothed = ops.fori_loop(0, 3, lambda i, v: (v + ops.roll(v, 1, axis=1)) * 0.5, x)
        norms = ops.map(lambda example: ops.sqrt(ops.sum(ops.square(example), axis=-1)), smoothed)
        return smoothed, norms


series = keras.Input((6, 4), name="series")
h = layers.Dense(4)(series)
h = GatedScale()(h)
h = CumulativeOverTime()(h)
h = Affine()(h)
smoothed, norms = Smooth()(h)
peaks = ops.map(lambda t: ops.max(t, axis=0), smoothed)
carry, steps = ops.scan(lambda c, t: (c + t, c * t), ops.zeros((6, 4)), smoothed)
doubled = ops.fori_loop(0, 2, lambda i, v: v * 2.0 + ops.cast(i, "float32"), peaks)
bounded = ops.while_loop(lambda v: ops.sum(v) < 50.0, lambda v: v * 1.5 + 1.0, doubled)
branch = ops.switch(1, [lambda a: a * 2.0, lambda a: a - 1.0], bounded)
prefix = ops.associative_scan(lambda a, b: a + b, smoothed, axis=1)
widest = ops.vectorized_map(lambda t: ops.max(t, axis=-1), prefix)
out = layers.Dense(3)(ops.concatenate([branch, norms, widest], axis=-1))
model = keras.Model(series, [out, carry, steps])
