# Method 3 of the seed document: an eager call of a subclassed model.
import tensorflow as tf
from tensorflow.keras import layers
import numpy as np

# Create a custom model by subclassing
class CustomModel(tf.keras.Model):
    def __init__(self):
        super(CustomModel, self).__init__()
        self.conv_layer = layers.Conv2D(filters=32, kernel_size=(3, 3), activation='relu')
        self.dense_layer = layers.Dense(10, activation='softmax')

    def call(self, inputs, get_conv=False):
        conv_out = self.conv_layer(inputs)
        dense_out = self.dense_layer(conv_out)
        if get_conv:
          return conv_out
        return dense_out

# Instantiate the model
model = CustomModel()

# Generate some sample input data
input_data = np.random.rand(1, 32, 32, 3)

# Perform a forward pass to retrieve the convolutional output. Use method call directly
conv_tensor = model(input_data, get_conv = True)

# Obtain the NumPy array through .numpy(). Requires explicit eager execution if not running on a method returning a numpy array
numpy_array = conv_tensor.numpy()

print(f"Shape of numpy array: {numpy_array.shape}")
print(f"Type of the result is: {type(numpy_array)}")
