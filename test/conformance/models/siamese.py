# A Siamese network: one shared embedding model applied to two inputs, compared by distance.
import keras
from keras import layers

embedding = keras.Sequential(
    [keras.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(8)],
    name="embedding",
)
left = keras.Input((16,), name="left")
right = keras.Input((16,), name="right")
difference = layers.Subtract()([embedding(left), embedding(right)])
squared = layers.Multiply()([difference, difference])
score = layers.Dense(1, activation="sigmoid")(squared)
siamese = keras.Model([left, right], score, name="siamese")
