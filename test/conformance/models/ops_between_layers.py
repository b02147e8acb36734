# keras.ops and Python operators between layers, and Lambda layers, in a functional model: the arithmetic real model
# files do on tensors (gating, pooling by hand, normalising, reshaping).
import keras
from keras import layers, ops

tokens = keras.Input((12, 16), name="tokens")
side = keras.Input((4,), name="side")

h = layers.Dense(16)(tokens)
gate = ops.sigmoid(layers.Dense(16)(tokens))
h = h * gate + tokens
mean = ops.mean(h, axis=1)
peak = ops.max(h, axis=1)
pooled = ops.concatenate([mean, peak, side], axis=-1)
scaled = layers.Lambda(lambda t: t / ops.sqrt(ops.sum(ops.square(t), axis=-1, keepdims=True) + 1e-6))(pooled)
expanded = ops.expand_dims(scaled, 1)
tiled = ops.reshape(ops.repeat(expanded, 3, axis=1), (-1, 3 * 36))
logits = layers.Dense(5)(tiled)
probs = ops.softmax(logits - ops.max(logits, axis=-1, keepdims=True))
clipped = ops.clip(probs, 1e-4, 1.0)
model = keras.Model([tokens, side], [clipped, ops.argmax(logits, axis=-1)])
