# A keras.applications model whose values are compared element by element with
# Keras's (its weights saved by the generator): MobileNetV3Small, with its
# Rescaling, hard-swish activations and squeeze-and-excite blocks, as a pooled
# feature extractor on a small input.
import keras

features = keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), alpha=0.75, include_top=False, weights=None, pooling="avg")
