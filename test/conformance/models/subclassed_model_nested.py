# A subclassed keras.Model in the style of keras.io's "making new layers and models via subclassing": layers made
# in __init__ (a list of Dense blocks built by a comprehension, a nested custom layer holding its own sub-layers,
# Dropout used with `training`), get_config / from_config defined, and two instances built two ways: by calling
# one on keras.Input and the other on a NumPy batch.
import keras
import numpy as np
from keras import layers, ops


class GatedResidual(layers.Layer):
    """A gated residual unit: x + sigmoid(gate(x)) * dense(x), then LayerNormalization."""

    def __init__(self, units, dropout_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units, activation="elu")
        self.gate = layers.Dense(units, activation="sigmoid")
        self.dropout = layers.Dropout(dropout_rate)
        self.norm = layers.LayerNormalization()

    def call(self, x, training=None):
        h = self.dropout(self.dense(x), training=training)
        return self.norm(x + self.gate(x) * h)


class TabularClassifier(keras.Model):
    def __init__(self, hidden_units=(16, 16), num_classes=3, dropout_rate=0.2, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = list(hidden_units)
        self.num_classes = num_classes
        self.dropout_rate = dropout_rate
        self.embed = layers.Dense(hidden_units[0])
        self.hidden = [layers.Dense(units, activation="relu") for units in hidden_units]
        self.residual = GatedResidual(hidden_units[-1], dropout_rate)
        self.dropout = layers.Dropout(dropout_rate)
        self.classifier = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=None):
        x = self.embed(inputs)
        for layer in self.hidden:
            x = layer(x)
            if training:
                x = self.dropout(x, training=training)
        x = self.residual(x, training=training)
        x = ops.mean(ops.stack([x, ops.relu(x)]), axis=0)
        return self.classifier(self.dropout(x, training=training))

    def get_config(self):
        config = super().get_config()
        config.update(
            {"hidden_units": self.hidden_units, "num_classes": self.num_classes, "dropout_rate": self.dropout_rate}
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


symbolic = TabularClassifier(name="symbolic_classifier")
probabilities = symbolic(keras.Input(shape=(7,)))

eager = TabularClassifier(hidden_units=(8, 12, 12), num_classes=2, name="eager_classifier")
scores = eager(np.zeros((4, 5), dtype="float32"), training=False)
