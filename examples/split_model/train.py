"""A model split over three modules: blocks.py, nets/heads.py and this file."""

import keras
import numpy as np

import blocks
from blocks import conv_block
from nets import classifier_head
import nets.heads as heads

inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 16)
x = blocks.downsample(x)
features = conv_block(x, 32)
outputs = classifier_head(features, heads.NUM_CLASSES)
model = keras.Model(inputs, outputs, name="split_model")

predictions = model.predict(np.random.rand(1, 32, 32, 3))
