// Adaptive pooling and audio front ends: AdaptiveAverage/MaxPooling1D-3D
// (keras/src/layers/pooling/base_adaptive_pooling.py), STFTSpectrogram and
// MelSpectrogram (keras/src/layers/preprocessing/{stft,mel}_spectrogram.py).

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { pythonRepr } from './util.js';

/** Python's `str()` of a value and its `type()`, as Keras's f-strings print them (a JSON array reads as a tuple). */
function pythonStr(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function pythonType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (Array.isArray(value)) return "<class 'tuple'>";
  return "<class 'dict'>";
}

// ---- adaptive pooling -----------------------------------------------------------------------------------------------

/** The `output_size` forms of each rank's constructor, with their messages. */
function outputSize(config: LayerConfig, rank: number): number[] {
  const value = config['output_size'];
  if (typeof value === 'number' && Number.isInteger(value)) return Array<number>(rank).fill(value);
  if (rank === 1) {
    if (Array.isArray(value)) {
      if (value.length !== 1) throw new LayerError(`For 1D input, \`output_size\` tuple must have length 1. Received: ${pythonStr(value)}`);
      return value as number[];
    }
    throw new LayerError(
      `\`output_size\` must be an integer or tuple of 1 integer. Received: ${pythonStr(value)} of type ${pythonType(value)}`,
    );
  }
  if (Array.isArray(value) && value.length === rank) return value as number[];
  const form = rank === 2 ? '(height, width)' : '(depth, height, width)';
  throw new LayerError(`\`output_size\` must be an integer or ${form} tuple. Received: ${pythonStr(value)} of type ${pythonType(value)}`);
}

/** BaseAdaptivePooling: `data_format or image_data_format()`, not lower-cased. */
function adaptiveDataFormat(config: LayerConfig): string {
  const value = config['data_format'];
  const format = value === null || value === undefined || value === '' ? 'channels_last' : String(value);
  if (format !== 'channels_first' && format !== 'channels_last') {
    throw new LayerError(`Invalid data_format: ${format}. Expected 'channels_first' or 'channels_last'.`);
  }
  return format;
}

/** No input spec: Keras's `compute_output_shape` puts the output size between the batch and the channels, whatever the rank. */
function adaptivePooling(rank: number): LayerRule {
  return {
    hoverKeys: ['output_size', 'data_format'],
    normalize: (config) => ({ ...config, output_size: outputSize(config, rank), data_format: adaptiveDataFormat(config) }),
    compute(config, [input]) {
      const size = outputSize(config, rank);
      const last = adaptiveDataFormat(config) === 'channels_last';
      const shape = input!;
      const channels = (last ? shape.at(-1) : shape[1]) ?? null;
      const batch = shape[0] ?? null;
      return { outputs: [last ? [batch, ...size, channels] : [batch, channels, ...size]], params: 0 };
    },
  };
}

// ---- STFTSpectrogram ------------------------------------------------------------------------------------------------

/** scipy.signal.get_window's names: whether the window needs parameters ('optional': may have some). */
const windowParameters: Readonly<Record<string, boolean | 'optional'>> = Object.fromEntries(
  (
    [
      [['barthann', 'brthan', 'bth'], false],
      [['bartlett', 'bart', 'brt'], false],
      [['blackman', 'black', 'blk'], false],
      [['blackmanharris', 'blackharr', 'bkh'], false],
      [['bohman', 'bman', 'bmn'], false],
      [['boxcar', 'box', 'ones', 'rect', 'rectangular'], false],
      [['chebwin', 'cheb'], true],
      [['cosine', 'halfcosine'], false],
      [['dpss'], true],
      [['exponential', 'poisson'], 'optional'],
      [['flattop', 'flat', 'flt'], false],
      [['gaussian', 'gauss', 'gss'], true],
      [['general cosine', 'general_cosine'], true],
      [['general gaussian', 'general_gaussian', 'general gauss', 'general_gauss', 'ggs'], true],
      [['general hamming', 'general_hamming'], true],
      [['hamming', 'hamm', 'ham'], false],
      [['hann', 'han'], false],
      [['kaiser', 'ksr'], true],
      [['kaiser bessel derived', 'kaiser_bessel_derived', 'kbd'], true],
      [['lanczos', 'sinc'], false],
      [['nuttall', 'nutl', 'nut'], false],
      [['parzen', 'parz', 'par'], false],
      [['taylor', 'taylorwin'], 'optional'],
      [['triangle', 'triang', 'tri'], false],
      [['tukey', 'tuk'], 'optional'],
    ] as const
  ).flatMap(([names, needs]) => names.map((name) => [name, needs])),
);

/** What `scipy.signal.get_window(window, 1)` raises for a window name (STFTSpectrogram checks string windows so). */
function checkWindowName(window: string): void {
  const name = window.replace(/_symmetric$|_periodic$/, '');
  const needs = windowParameters[name];
  if (needs === undefined) throw new LayerError(`Invalid window name '${name}' in parameter window='${window}'!`);
  if (needs === true) throw new LayerError(`'${name}' must have parameters, but window='${window}'!`);
}

const stftModes = ['log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft'];

interface StftArguments {
  readonly mode: string;
  readonly frameLength: number;
  readonly frameStep: number;
  readonly fftLength: number;
  readonly padding: string;
  readonly expandDims: boolean;
  readonly channelsLast: boolean;
}

/** STFTSpectrogram's constructor: its checks in Keras's order, and the sizes it derives. */
function stftArguments(config: LayerConfig): StftArguments {
  const frameLength = config['frame_length'];
  const frameStep = config['frame_step'];
  const fftLength = config['fft_length'];
  if (typeof frameLength !== 'number')
    throw new LayerError(`Expected \`frame_length\` to be an integer. Received: frame_length=${pythonRepr(frameLength)}`);
  if (typeof frameStep === 'number' && (frameStep > frameLength || frameStep < 1)) {
    throw new LayerError(
      `\`frame_step\` should be a positive integer not greater than \`frame_length\`. Received frame_step=${frameStep}, frame_length=${frameLength}`,
    );
  }
  if (typeof fftLength === 'number' && fftLength < frameLength) {
    throw new LayerError(
      `\`fft_length\` should be not less than \`frame_length\`. Received fft_length=${fftLength}, frame_length=${frameLength}`,
    );
  }
  const mode = String(config['mode']);
  if (!stftModes.includes(mode)) {
    throw new LayerError(`Output mode is invalid, it must be one of ${stftModes.join(', ')}. Received: mode=${pythonStr(config['mode'])}`);
  }
  const scaling = config['scaling'];
  if (scaling !== null && scaling !== 'density' && scaling !== 'spectrum') {
    throw new LayerError(`Scaling is invalid, it must be \`None\`, 'density' or 'spectrum'. Received scaling=${pythonStr(scaling)}`);
  }
  const padding = config['padding'];
  if (padding !== 'valid' && padding !== 'same') {
    throw new LayerError(`Padding is invalid, it should be 'valid', 'same'. Received: padding=${pythonStr(padding)}`);
  }
  if (typeof config['window'] === 'string') checkWindowName(config['window']);
  const format =
    config['data_format'] === null || config['data_format'] === undefined ? 'channels_last' : String(config['data_format']).toLowerCase();
  if (format !== 'channels_first' && format !== 'channels_last') {
    throw new LayerError(
      `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${format}`,
    );
  }
  return {
    mode,
    frameLength,
    // `frame_step or frame_length // 2`, `fft_length or 2 ** ceil(log2(frame_length))`.
    frameStep: typeof frameStep === 'number' && frameStep !== 0 ? frameStep : Math.floor(frameLength / 2),
    fftLength: typeof fftLength === 'number' && fftLength !== 0 ? fftLength : 2 ** Math.ceil(Math.log2(frameLength)),
    padding,
    expandDims: config['expand_dims'] === true,
    channelsLast: format === 'channels_last',
  };
}

const stftSpectrogram: LayerRule = {
  inputSpec: () => ({ ndim: 3 }),
  hoverKeys: ['mode', 'frame_length', 'frame_step', 'fft_length', 'window', 'padding', 'expand_dims', 'data_format'],
  normalize(config) {
    const { channelsLast } = stftArguments(config);
    return { ...config, data_format: channelsLast ? 'channels_last' : 'channels_first' };
  },
  compute(config, [input]) {
    const { mode, frameLength, frameStep, fftLength, padding, expandDims, channelsLast } = stftArguments(config);
    const shape = input!;
    const channels = (channelsLast ? shape[2] : shape[1]) ?? null;
    const bins = Math.floor(fftLength / 2) + 1;
    const frequencies = mode === 'stft' ? 2 * bins : bins;
    if (channels === null) throw new LayerError("unsupported operand type(s) for *: 'int' and 'NoneType'");
    const filters: Dim = isKnown(channels) ? frequencies * channels : null;
    // compute_conv_output_shape with the frame as kernel and frame_step as stride.
    const length = (channelsLast ? shape[1] : shape[2]) ?? null;
    let time: Dim = null;
    if (isKnown(length)) {
      time = padding === 'valid' ? Math.floor((length - (frameLength - 1) - 1) / frameStep) + 1 : Math.floor((length - 1) / frameStep) + 1;
      if (padding === 'valid' && time <= 0) {
        throw new LayerError(
          `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(shape)}\`, \`kernel shape=${formatShape([frameLength, channelsLast ? shape[2]! : shape[1]!, filters])}\`, \`dilation_rate=[1]\`, \`strides=(${frameStep},)\`, \`padding=${padding}\`.`,
        );
      }
    }
    const batch = shape[0] ?? null;
    let output: Shape;
    if (expandDims) output = channelsLast ? [batch, time, frequencies, channels] : [batch, channels, time, frequencies];
    else output = channelsLast ? [batch, time, filters] : [batch, filters, time];
    // The DFT kernels, (frame_length, 1, fft_length // 2 + 1) each: the real one unless mode="imag", the imaginary one unless mode="real".
    const kernels = (mode === 'imag' ? 0 : 1) + (mode === 'real' ? 0 : 1);
    return { outputs: [output], params: kernels * frameLength * bins };
  },
};

// ---- MelSpectrogram -------------------------------------------------------------------------------------------------

const melSpectrogram: LayerRule = {
  hoverKeys: ['fft_length', 'sequence_stride', 'sequence_length', 'window', 'sampling_rate', 'num_mel_bins', 'min_freq', 'max_freq'],
  normalize(config) {
    const fft = config['fft_length'];
    const given = config['sequence_length'];
    const sequenceLength = given === null || given === undefined || given === 0 ? fft : given;
    if (typeof fft === 'number' && typeof sequenceLength === 'number' && fft < sequenceLength) {
      throw new LayerError(
        `\`fft_length\` must be greater than or equal to   \`sequence_length\`. Received: \`sequence_length\`=${sequenceLength}, \`fft_length\`=${fft}.`,
      );
    }
    const rate = config['sampling_rate'];
    const maxFreq = config['max_freq'];
    return {
      ...config,
      sequence_length: sequenceLength ?? null,
      max_freq: (maxFreq === null || maxFreq === 0) && typeof rate === 'number' ? Math.trunc(rate / 2) : (maxFreq ?? null),
    };
  },
  compute(config, [input]) {
    const stride = config['sequence_stride'];
    const bins = config['num_mel_bins'];
    if (typeof stride !== 'number' || typeof bins !== 'number') {
      throw new LayerError(
        `Expected \`sequence_stride\` and \`num_mel_bins\` to be integers. Received: ${pythonRepr(stride)}, ${pythonRepr(bins)}`,
      );
    }
    const shape = input!;
    const length = (shape.length === 1 ? shape[0] : shape[1]) ?? null;
    const frames: Dim = isKnown(length) ? Math.floor((length + stride + 1) / stride) : null;
    return { outputs: [shape.length === 1 ? [bins, frames] : [shape[0] ?? null, bins, frames]], params: 0 };
  },
};

export const signalRules: Record<string, LayerRule> = {
  AdaptiveAveragePooling1D: adaptivePooling(1),
  AdaptiveAveragePooling2D: adaptivePooling(2),
  AdaptiveAveragePooling3D: adaptivePooling(3),
  AdaptiveMaxPooling1D: adaptivePooling(1),
  AdaptiveMaxPooling2D: adaptivePooling(2),
  AdaptiveMaxPooling3D: adaptivePooling(3),
  STFTSpectrogram: stftSpectrogram,
  MelSpectrogram: melSpectrogram,
};
