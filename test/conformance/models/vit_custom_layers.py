# A vision-transformer block written as custom layers: a patch embedding whose position weight is made in build(),
# a layer scale with a trainable and a non-trainable add_weight, and an encoder block holding LayerNormalization,
# MultiHeadAttention, a Sequential MLP and the layer scale.
import keras
from keras import layers, ops


class PatchEmbedding(layers.Layer):
    def __init__(self, patch_size, dim, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size
        self.proj = layers.Conv2D(dim, patch_size, strides=patch_size)

    def build(self, input_shape):
        num_patches = (input_shape[1] // self.patch_size) * (input_shape[2] // self.patch_size)
        self.pos = self.add_weight(shape=(1, num_patches, self.proj.filters), initializer="zeros", name="pos")

    def call(self, images):
        x = self.proj(images)
        b, h, w, c = ops.shape(x)
        x = ops.reshape(x, (-1, h * w, c))
        return x + self.pos


class LayerScale(layers.Layer):
    def __init__(self, init_value=1e-4, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer=keras.initializers.Constant(self.init_value))
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, x):
        return x * self.gamma


class EncoderBlock(layers.Layer):
    def __init__(self, dim, heads, mlp_dim, **kwargs):
        super().__init__(**kwargs)
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.attn = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)
        self.mlp = keras.Sequential([layers.Dense(mlp_dim, activation="gelu"), layers.Dense(dim)])
        self.scale = LayerScale()

    def call(self, x, training=None):
        h = self.norm1(x)
        x = x + self.attn(h, h)
        return x + self.scale(self.mlp(self.norm2(x)))


inputs = keras.Input((32, 32, 3))
x = PatchEmbedding(4, 64)(inputs)
x = EncoderBlock(64, 4, 128)(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
