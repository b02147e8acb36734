// Keras entry points that make inputs, models and layers: keras.Input,
// keras.Sequential, the Model and Layer base classes, K.function, and the
// functional spellings of the merge layers (`keras.layers.add([a, b])`).

import { apiFunction, type ApiFunction } from '../api-context.js';

const mergeFunctions = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'].map((className) =>
  apiFunction(`keras.layers.${className.toLowerCase()}`, ({ keras }, args, site) => keras.functionalHelper(className, args, site)),
);

export const modelFunctions: readonly ApiFunction[] = [
  { kind: 'value', path: 'keras.Model', value: { kind: 'kerasBase', base: 'Model' } },
  { kind: 'value', path: 'keras.Layer', value: { kind: 'kerasBase', base: 'Layer' } },
  apiFunction('keras.Input', ({ keras }, args, site) => keras.input(args, site)),
  apiFunction('keras.Sequential', ({ keras }, args, site) => keras.sequential(args, site)),
  apiFunction('keras.backend.function', ({ keras }, args, site) => keras.kFunction(args, site)),
  apiFunction('keras.backend.clear_session', ({ keras }) => keras.clearSession()),
  apiFunction('keras.utils.clear_session', ({ keras }) => keras.clearSession()),
  ...['keras.config', 'keras.backend'].flatMap((module) => [
    apiFunction(`${module}.set_image_data_format`, ({ keras }, args) => keras.setImageDataFormat(args)),
    apiFunction(`${module}.image_data_format`, ({ keras }) => keras.imageDataFormatValue()),
  ]),
  ...mergeFunctions,
];
