# A subclassed model that uses a subclassed layer.
import keras
import numpy as np
from keras import layers


class Residual(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(units, activation="relu")
        self.outer = layers.Dense(units)

    def call(self, x):
        return x + self.outer(self.inner(x))


class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.stem = layers.Dense(12)
        self.block = Residual(12)
        self.head = layers.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.head(self.block(self.stem(inputs)))


model = Classifier()
features = np.random.rand(2, 6)
probabilities = model(features)
