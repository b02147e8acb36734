# Transfer learning as the Keras guides write it: a keras.applications base,
# frozen, called with training=False inside a functional model with a new head;
# and a feature extractor from one of the base's inner layers.
import keras
from keras import layers

base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None)
base.trainable = False

features = keras.Model(base.input, base.get_layer("block_6_expand_relu").output, name="features")

inputs = keras.Input(shape=(32, 32, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inputs * 255.0)
x = base(x, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(5)(x)
model = keras.Model(inputs, outputs, name="classifier")
