# Method 2 of the seed document: a sub-model plus predict().
import tensorflow as tf
from tensorflow.keras import layers
import numpy as np

# Assume a simple model as above with conv and dense
input_layer = layers.Input(shape=(32, 32, 3))
conv_layer = layers.Conv2D(filters=32, kernel_size=(3, 3), activation='relu')(input_layer)
dense_layer = layers.Dense(10, activation='softmax')(conv_layer)
model = tf.keras.models.Model(inputs=input_layer, outputs=dense_layer)

# Assume we want to get the output of conv_layer
conv_model = tf.keras.models.Model(inputs=model.input, outputs=conv_layer)

# Generate some sample input data
input_data = np.random.rand(1, 32, 32, 3)

# Obtain the NumPy array through the model
numpy_array = conv_model.predict(input_data)

print(f"Shape of numpy array: {numpy_array.shape}")
print(f"Type of the result is: {type(numpy_array)}")
