// A ResNet-50-shaped Keras model file (bottleneck blocks 3-4-6-3, 224×224×3),
// written with helpers and loops, for the evaluation benchmark.

export const resnet50Source = `import keras
from keras import layers


def conv_bn(x, filters, kernel_size, strides=1, activation=True):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x) if activation else x


def bottleneck(x, filters, strides=1):
    shortcut = x
    y = conv_bn(x, filters, 1)
    y = conv_bn(y, filters, 3, strides)
    y = conv_bn(y, filters * 4, 1, activation=False)
    if strides != 1 or x.shape[-1] != filters * 4:
        shortcut = conv_bn(x, filters * 4, 1, strides, activation=False)
    return layers.ReLU()(layers.Add()([y, shortcut]))


inputs = keras.Input((224, 224, 3))
x = conv_bn(inputs, 64, 7, strides=2)
x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
for stage, (filters, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
    for block in range(blocks):
        x = bottleneck(x, filters, 2 if block == 0 and stage > 0 else 1)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1000, activation="softmax")(x)
resnet50 = keras.Model(inputs, outputs, name="resnet50")
`;
