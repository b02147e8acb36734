# A text classifier: token ids through an Embedding, a bidirectional LSTM and a GRU.
import keras
from keras import layers

tokens = keras.Input(shape=(40,), dtype="int32")
x = layers.Embedding(input_dim=1000, output_dim=32)(tokens)
x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
x = layers.GRU(16)(x)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(4, activation="softmax")(x)
classifier = keras.Model(tokens, outputs, name="text_classifier")
