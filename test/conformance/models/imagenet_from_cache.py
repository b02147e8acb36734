# A keras.applications base with weights="imagenet", the file already in Keras's
# cache (KERAS_HOME/models), used as a feature extractor: Keras loads that file
# instead of downloading, and so must Tensor Lens for the values.
import keras

base = keras.applications.MobileNet(input_shape=(128, 128, 3), alpha=0.25, include_top=False, weights="imagenet", pooling="avg")
