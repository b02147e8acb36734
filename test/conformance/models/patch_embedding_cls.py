# A tiny ViT in the style of keras.io's image-classification-with-vision-transformer: patches cut with
# keras.ops.image.extract_patches and projected by a Dense layer, a class token and a position embedding made
# with add_weight in build(), the class token broadcast over the batch and concatenated in front, one
# pre-norm encoder block (LayerNormalization, MultiHeadAttention, MLP) and a head on the class token.
import keras
from keras import layers, ops

image_size = 16
patch_size = 4
num_patches = (image_size // patch_size) ** 2
projection_dim = 16
num_heads = 2
mlp_units = [32, projection_dim]
num_classes = 5


class Patches(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        height = input_shape[1]
        width = input_shape[2]
        channels = input_shape[3]
        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        patches = ops.reshape(
            patches,
            (batch_size, num_patches_h * num_patches_w, self.patch_size * self.patch_size * channels),
        )
        return patches

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size})
        return config


class ClassTokenPositionEmbedding(layers.Layer):
    def __init__(self, num_patches, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)

    def build(self, input_shape):
        dim = self.projection.units
        self.cls_token = self.add_weight(
            shape=(1, 1, dim), initializer="random_normal", trainable=True, name="cls_token"
        )
        self.position_embedding = self.add_weight(
            shape=(1, self.num_patches + 1, dim), initializer="random_normal", trainable=True, name="pos_embedding"
        )

    def call(self, patches):
        x = self.projection(patches)
        batch_size = ops.shape(x)[0]
        cls = ops.tile(self.cls_token, [batch_size, 1, 1])
        x = ops.concatenate([cls, x], axis=1)
        return x + self.position_embedding


class BroadcastClassToken(layers.Layer):
    """The same class token, broadcast instead of tiled (the KerasHub spelling)."""

    def build(self, input_shape):
        self.token = self.add_weight(shape=(1, 1, input_shape[-1]), initializer="random_normal", trainable=True)

    def call(self, x):
        token = ops.broadcast_to(self.token, (ops.shape(x)[0], 1, ops.shape(x)[-1]))
        return ops.concatenate([token, x], axis=1)


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


# A second stem: Conv2D patches, a broadcast class token, read back with x[:, 0].
conv_inputs = keras.Input(shape=(image_size, image_size, 3))
y = layers.Conv2D(projection_dim, patch_size, strides=patch_size, name="patch_conv")(conv_inputs)
y = layers.Reshape((num_patches, projection_dim))(y)
y = BroadcastClassToken(name="class_token")(y)
y = layers.LayerNormalization(epsilon=1e-6)(y)
conv_outputs = layers.Dense(num_classes, activation="softmax")(y[:, 0])
conv_vit = keras.Model(conv_inputs, conv_outputs, name="conv_vit")

# The main model, last: the one whose values are recorded.
inputs = keras.Input(shape=(image_size, image_size, 3))
patches = Patches(patch_size)(inputs)
encoded = ClassTokenPositionEmbedding(num_patches, projection_dim)(patches)

x1 = layers.LayerNormalization(epsilon=1e-6)(encoded)
attention_output = layers.MultiHeadAttention(num_heads=num_heads, key_dim=projection_dim, dropout=0.1)(x1, x1)
x2 = layers.Add()([attention_output, encoded])
x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
x3 = mlp(x3, hidden_units=mlp_units, dropout_rate=0.1)
encoded = layers.Add()([x3, x2])

representation = layers.LayerNormalization(epsilon=1e-6)(encoded)
cls_output = representation[:, 0]
logits = layers.Dense(num_classes)(cls_output)
vit = keras.Model(inputs=inputs, outputs=logits, name="tiny_vit")
