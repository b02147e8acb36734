# Method 1 of the seed document: K.function over a functional model.
import tensorflow as tf
from tensorflow.keras import layers
import numpy as np
import tensorflow.keras.backend as K

# Assume a simple model
input_layer = layers.Input(shape=(32, 32, 3))
conv_layer = layers.Conv2D(filters=32, kernel_size=(3, 3), activation='relu')(input_layer)
model = tf.keras.models.Model(inputs=input_layer, outputs=conv_layer)

# Obtain the KerasTensor object from the convolutional layer
conv_tensor = model.output

# Create the function. input_tensors = model.inputs, outputs = conv_tensor
get_conv_output = K.function(model.inputs, [conv_tensor])

# Prepare a sample input
input_data = np.random.rand(1, 32, 32, 3)

# Execute the function to get the numpy array
numpy_array = get_conv_output(input_data)[0]

print(f"Shape of numpy array: {numpy_array.shape}")
print(f"Type of the result is: {type(numpy_array)}")
