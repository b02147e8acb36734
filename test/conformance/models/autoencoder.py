# A convolutional autoencoder: the encoder and decoder are Sequential models, chained.
import keras
from keras import layers

encoder = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
    ],
    name="encoder",
)
decoder = keras.Sequential(
    [
        keras.Input((7, 7, 8)),
        layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ],
    name="decoder",
)
images = keras.Input((28, 28, 1))
autoencoder = keras.Model(images, decoder(encoder(images)), name="autoencoder")
