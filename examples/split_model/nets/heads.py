from keras import layers

from blocks import conv_block

NUM_CLASSES = 10


def classifier_head(x, units=NUM_CLASSES, dropout=0.3):
    x = conv_block(x, 64)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    return layers.Dense(units, activation="softmax")(x)
