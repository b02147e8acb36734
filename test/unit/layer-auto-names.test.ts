// The auto-names a Keras layer takes besides its own (src/analysis/keras/layer-auto-names.json, measured by
// scripts/generate-layer-auto-names.py), read through the accessor. What the pinned Keras says, printed by
// (KERAS_BACKEND=jax .venv-conformance/bin/python):
//
//     q, v = keras.Input((5, 6)), keras.Input((4, 6))
//     layers.MultiHeadAttention(num_heads=2, key_dim=4)               # then layers.Dropout(0.1).name: dropout
//     layers.MultiHeadAttention(num_heads=2, key_dim=4)(q, v)         # then Softmax(), Dropout(0.1): softmax_1 dropout_1
//     layers.TextVectorization(vocabulary=["a", "b"])                 # then StringLookup().name: string_lookup_1
//     layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.2)
//     # then RandomBrightness(0.1), RandomHue(0.1), RandomContrast(0.1): random_brightness_1 random_hue_1 random_contrast
//
// (each after keras.backend.clear_session()).

import assert from 'node:assert/strict';
import { autoNamesKerasVersion, autoNamesTaken } from '../../src/analysis/keras/layer-auto-names.js';

describe('layer auto-names taken besides their own', () => {
  it('is measured on Keras 3', () => {
    assert.match(autoNamesKerasVersion, /^3\./);
  });

  it('MultiHeadAttention takes a softmax and a dropout when it is built, none when made or called again', () => {
    const config = { num_heads: 2, key_dim: 4, dropout: 0 };
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', config, 'construct'), []);
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', config, 'build'), ['softmax', 'dropout']);
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', config, 'call'), []);
    // A config key left out stands for its default.
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', { num_heads: 2, key_dim: 4 }, 'build'), ['softmax', 'dropout']);
    assert.deepEqual(autoNamesTaken('GroupQueryAttention', { head_dim: 2, num_query_heads: 2, num_key_value_heads: 1 }, 'build'), [
      'softmax',
      'dropout',
    ]);
  });

  it('a dropout rate adds the Dropout sublayer’s seed generator; an unknown rate is not known', () => {
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', { num_heads: 2, key_dim: 4, dropout: 0.5 }, 'build'), [
      'softmax',
      'dropout',
      'seed_generator',
    ]);
    // Any rate but 0 (rates 0.5 and 0.1 were measured).
    assert.deepEqual(autoNamesTaken('MultiHeadAttention', { num_heads: 2, key_dim: 4, dropout: 0.3 }, 'build'), [
      'softmax',
      'dropout',
      'seed_generator',
    ]);
    assert.equal(autoNamesTaken('MultiHeadAttention', { num_heads: 2, key_dim: 4, dropout: null }, 'build'), undefined);
  });

  it('TextVectorization makes a StringLookup when it is constructed', () => {
    assert.deepEqual(autoNamesTaken('TextVectorization', { vocabulary: ['a', 'b'] }, 'construct'), ['string_lookup']);
  });

  it('RandomColorJitter makes a sublayer per factor given, in Keras’s order', () => {
    const taken = (config: Record<string, number>) =>
      autoNamesTaken('RandomColorJitter', config, 'construct')?.filter((p) => p !== 'seed_generator');
    assert.deepEqual(taken({}), []);
    assert.deepEqual(taken({ brightness_factor: 0.2 }), ['random_brightness']);
    assert.deepEqual(taken({ brightness_factor: 0.2, hue_factor: 0.2 }), ['random_brightness', 'random_hue']);
    assert.deepEqual(taken({ brightness_factor: 0.3, contrast_factor: 0.5, saturation_factor: 0.1 }), [
      'random_brightness',
      'random_contrast',
      'random_saturation',
    ]);
  });

  it('a measured class that takes nothing gives []; an alias reads as its class; an unmeasured one is not known', () => {
    assert.deepEqual(autoNamesTaken('Dense', { units: 3 }, 'build'), []);
    assert.deepEqual(autoNamesTaken('Convolution2D', { filters: 4, kernel_size: 3 }, 'construct'), []);
    assert.equal(autoNamesTaken('MyCustomLayer', {}, 'construct'), undefined);
    assert.equal(autoNamesTaken('TFSMLayer', {}, 'construct'), undefined);
  });

  it('a class Keras cannot call on KerasTensors is known when made only', () => {
    assert.deepEqual(autoNamesTaken('LSTMCell', { units: 3 }, 'construct'), ['seed_generator']);
    assert.equal(autoNamesTaken('LSTMCell', { units: 3 }, 'build'), undefined);
  });
});
