// keras.ops of the image family (keras/src/ops/image.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.
// `data_format=None` is keras.config.image_data_format(), taken as Keras's default, channels_last.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, formatShape, sameDim, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { numpyArray, pythonRepr } from '../rules/util.js';
import { intArgument, listRepr, literal, sizeOf, standardizeShape } from './core.js';
import { pythonType } from './elementwise.js';
import { argument, OpNotKnown, operand, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';

type DataFormat = 'channels_last' | 'channels_first';

/** Python's str of a value in a message: a string as itself. */
const pyStr = (value: JsonValue): string => (typeof value === 'string' ? value : pythonRepr(value));

/** Keras `standardize_data_format`. */
function dataFormat(call: OpCall): DataFormat {
  const given = argument(call, 'data_format');
  if (given === null) return 'channels_last';
  const format = pyStr(given).toLowerCase();
  if (format !== 'channels_first' && format !== 'channels_last') {
    throw new LayerError(
      `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${format}`,
    );
  }
  return format;
}

/**
 * Rank 3 or 4. Keras words the message two ways: with the shape as a list (`Received: images.shape=[None, 16]`,
 * where compute_output_spec lists the shape first) or as a tuple (`Received input with shape: images.shape=(None, 16)`).
 */
function checkImageRank(images: Operand, name: string, shownAs: 'list' | 'tuple'): void {
  if (images.shape.length === 3 || images.shape.length === 4) return;
  const received =
    shownAs === 'list'
      ? `Received: ${name}.shape=${listRepr(images.shape)}`
      : `Received input with shape: ${name}.shape=${formatShape(images.shape)}`;
  throw new LayerError(`Invalid ${name} rank: expected rank 3 (single image) or rank 4 (batch of images). ${received}`);
}

/** The index of the channels axis of a rank-3 or rank-4 image. */
function channelsAxis(shape: Shape, format: DataFormat): number {
  return shape.length + (format === 'channels_last' ? -1 : -3);
}

/** The indices of the height and width axes of a rank-3 or rank-4 image. */
function spatialAxes(shape: Shape, format: DataFormat): [number, number] {
  const last = format === 'channels_last' ? shape.length - 2 : shape.length - 1;
  return [last - 1, last];
}

function withSizes(shape: Shape, sizes: ReadonlyMap<number, Dim>): Dim[] {
  return shape.map((d, i) => (sizes.has(i) ? sizes.get(i)! : d));
}

/** Ops whose output is the images as they are (compute_output_spec checks the rank only). */
function sameAsImages(): OpRule {
  return {
    compute(call) {
      dataFormat(call);
      const images = operand(call, 'images');
      checkImageRank(images, 'images', 'tuple');
      return { shape: images.shape, dtype: images.dtype };
    },
  };
}

const rgbToGrayscale: OpRule = {
  compute(call) {
    const format = dataFormat(call);
    const images = operand(call, 'images');
    checkImageRank(images, 'images', 'list');
    const axis = channelsAxis(images.shape, format);
    const channels = sizeOf(images.shape[axis]!, 'the channels axis of images');
    if (channels !== null && channels !== 1 && channels !== 3) {
      throw new LayerError(
        `Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received input with shape: images.shape=${formatShape(images.shape)}`,
      );
    }
    return { shape: withSizes(images.shape, new Map([[axis, 1]])), dtype: images.dtype };
  },
};

const isFloatDtype = (dtype: string): boolean => dtype.startsWith('float') || dtype === 'bfloat16';

/** rgb_to_hsv and hsv_to_rgb: float images of 3 channels, unchanged in shape. */
const colorSpace: OpRule = {
  compute(call) {
    const format = dataFormat(call);
    const images = operand(call, 'images');
    checkImageRank(images, 'images', 'list');
    if (!isFloatDtype(images.dtype))
      throw new LayerError(`Invalid images dtype: expected float dtype. Received: images.dtype=${images.dtype}`);
    const channels = sizeOf(images.shape[channelsAxis(images.shape, format)]!, 'the channels axis of images');
    if (channels !== null && channels !== 3) {
      throw new LayerError(`Input images must have 3 channels, but received images with ${channels} channels.`);
    }
    return { shape: images.shape, dtype: images.dtype };
  },
};

/** Python truthiness of a JSON value. */
const truthy = (value: JsonValue): boolean =>
  Array.isArray(value) ? value.length > 0 : typeof value === 'object' && value !== null ? Object.keys(value).length > 0 : Boolean(value);

const resize: OpRule = {
  compute(call) {
    const size = literal(call, 'size');
    if (!Array.isArray(size)) {
      const type = pythonType(size);
      if (type === 'str' || type === 'dict') throw new OpNotKnown(`\`size\` ${pythonRepr(size)} is not analysed`);
      throw new LayerError(`object of type '${type}' has no len()`);
    }
    if (size.length !== 2) throw new LayerError(`Expected \`size\` to be a tuple of 2 integers. Received: size=${pythonRepr(size)}`);
    const [height, width] = size;
    if (!size.every((d) => typeof d === 'number' && Number.isInteger(d)))
      throw new OpNotKnown(`\`size\` ${pythonRepr(size)} is not analysed`);
    if ((height as number) <= 0 || (width as number) <= 0) {
      throw new LayerError(`\`size\` must have positive height and width. Received: size=${pythonRepr(size)}`);
    }
    const images = operand(call, 'images');
    checkImageRank(images, 'images', 'tuple');
    if (truthy(argument(call, 'pad_to_aspect_ratio')) && truthy(argument(call, 'crop_to_aspect_ratio'))) {
      throw new LayerError('Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.');
    }
    const [h, w] = spatialAxes(images.shape, dataFormat(call));
    return {
      shape: withSizes(
        images.shape,
        new Map([
          [h, height as number],
          [w, width as number],
        ]),
      ),
      dtype: images.dtype,
    };
  },
};

const affineTransform: OpRule = {
  compute(call) {
    dataFormat(call);
    const images = operand(call, 'images');
    const transform = operand(call, 'transform');
    checkImageRank(images, 'images', 'tuple');
    if (transform.shape.length !== 1 && transform.shape.length !== 2) {
      throw new LayerError(
        'Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of transforms). ' +
          `Received input with shape: transform.shape=${formatShape(transform.shape)}`,
      );
    }
    return { shape: images.shape, dtype: images.dtype };
  },
};

const ints = (value: JsonValue, what: string): number[] => {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((d) => typeof d === 'number' && Number.isInteger(d)))
    throw new OpNotKnown(`${what} ${pythonRepr(value)} is not analysed`);
  return list as number[];
};

/** An int for every spatial axis, or the tuple given (Keras repeats an int). */
function perAxis(value: JsonValue, axes: number, what: string): number[] {
  return typeof value === 'number' ? ints(value, what).flatMap((v) => Array<number>(axes).fill(v)) : ints(value, what);
}

/** Keras `compute_conv_output_shape` (operation_utils.py) of the patches, as ExtractPatches calls it. */
function convOutputShape(input: Shape, filters: number, kernel: number[], size: number[], call: OpCall, format: DataFormat): Dim[] {
  const spatial = format === 'channels_last' ? input.slice(1, -1) : input.slice(2);
  const kernelShape = [...kernel, format === 'channels_last' ? input.at(-1)! : input[1]!, filters];
  if (kernelShape.length !== input.length) {
    throw new LayerError(
      `Kernel shape must have the same length as input, but received kernel of shape ${formatShape(kernelShape)} and input of shape ${listRepr(input)}.`,
    );
  }
  const dilationGiven = argument(call, 'dilation_rate');
  const dilation = perAxis(dilationGiven, spatial.length, '`dilation_rate`');
  if (dilation.length !== spatial.length) {
    throw new LayerError(
      "Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, but received " +
        `\`dilation_rate=${pythonRepr(dilationGiven)}\` and input of shape ${listRepr(input)}.`,
    );
  }
  const stridesGiven = argument(call, 'strides') ?? size;
  const strides = perAxis(stridesGiven, spatial.length, '`strides`');
  if (strides.length !== 1 && strides.length !== spatial.length) {
    throw new LayerError(`operands could not be broadcast together with shapes (${spatial.length},) (${strides.length},) `);
  }
  if (strides.some((s) => s <= 0)) throw new OpNotKnown(`strides of ${pythonRepr(stridesGiven)} are not analysed`);
  const padding = argument(call, 'padding');
  if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') {
    throw new LayerError(`\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${pyStr(padding)}.`);
  }
  const out = spatial.map((dim, i) => {
    const length = sizeOf(dim, `spatial axis ${i} of the images`);
    if (length === null) return null;
    const stride = strides[strides.length === 1 ? 0 : i]!;
    if (padding !== 'valid') return Math.floor((length - 1) / stride) + 1;
    return Math.floor((length - dilation[i]! * (kernel[i]! - 1) - 1) / stride) + 1;
  });
  if (out.some((d) => d !== null && d <= 0)) {
    const stridesShown = typeof stridesGiven === 'number' ? formatShape(strides) : pythonRepr(stridesGiven);
    throw new LayerError(
      `Computed output size would be zero or negative. Received \`inputs shape=${listRepr(input)}\`, ` +
        `\`kernel shape=${formatShape(kernelShape)}\`, \`dilation_rate=${numpyArray(dilation)}\`, ` +
        `\`strides=${stridesShown}\`, \`padding=${padding}\`.`,
    );
  }
  return format === 'channels_last' ? [input[0]!, ...out, filters] : [input[0]!, filters, ...out];
}

/** ExtractPatches: a conv whose kernel takes each patch to its own channels (2D for a size of 2, 3D for 3). */
function patches(size: number[], images: Operand, call: OpCall): OpOutput {
  const format = dataFormat(call);
  const is3d = size.length === 3;
  const rank = images.shape.length;
  const channelsIndex = format === 'channels_last' ? rank - 1 : rank - (is3d ? 4 : 3);
  if (channelsIndex < 0) throw new LayerError('list index out of range');
  const channels = sizeOf(images.shape[channelsIndex]!, 'the channels axis of the images');
  if (channels === null) throw new LayerError("unsupported operand type(s) for *: 'int' and 'NoneType'");
  const kernel = size.slice(0, is3d ? 3 : 2);
  const unbatched = rank === (is3d ? 4 : 3);
  const input = unbatched ? [1, ...images.shape] : images.shape;
  const filters = kernel.reduce((a, b) => a * b, 1) * channels;
  const shape = convOutputShape(input, filters, kernel, size, call, format);
  return { shape: unbatched ? shape.slice(1) : shape, dtype: images.dtype };
}

const extractPatches: OpRule = {
  compute(call) {
    const size = literal(call, 'size');
    const type = pythonType(size);
    if (!Array.isArray(size) && type !== 'int' && type !== 'bool') {
      throw new LayerError(`Invalid \`size\` argument. Expected an int or a tuple. Received: size=${pyStr(size)} of type ${type}`);
    }
    if (Array.isArray(size) && size.length !== 2 && size.length !== 3) {
      throw new LayerError(
        `Invalid \`size\` argument. Expected a tuple of length 2 or 3. Received: size=${pythonRepr(size)} with length ${size.length}`,
      );
    }
    const sizes = typeof size === 'number' ? perAxis(size, 2, '`size`') : ints(size, '`size`');
    return patches(sizes, operand(call, 'images'), call);
  },
};

const extractPatches3d: OpRule = {
  compute(call) {
    const size = literal(call, 'size');
    const sizes = typeof size === 'number' ? perAxis(size, 3, '`size`') : ints(size, '`size`');
    return patches(sizes, operand(call, 'volumes'), call);
  },
};

const mapCoordinates: OpRule = {
  compute(call) {
    const inputs = operand(call, 'inputs');
    const coordinates = operand(call, 'coordinates');
    if (coordinates.shape.length === 0) throw new LayerError('tuple index out of range');
    const leading = sizeOf(coordinates.shape[0]!, 'the leading axis of coordinates');
    if (leading !== inputs.shape.length) {
      throw new LayerError(
        'First dim of `coordinates` must be the same as the rank of `inputs`. ' +
          `Received inputs with shape: ${formatShape(inputs.shape)} and coordinate leading dim of ${formatDim(leading)}`,
      );
    }
    if (coordinates.shape.length < 2) {
      throw new LayerError(
        `Invalid coordinates rank: expected at least rank 2. Received input with shape: ${formatShape(coordinates.shape)}`,
      );
    }
    return { shape: coordinates.shape.slice(1), dtype: inputs.dtype };
  },
};

/** The words of pad_images or crop_images: `top_padding`, `top_cropping`, … */
interface Margins {
  readonly verb: 'padding' | 'cropping';
  readonly top: number | null;
  readonly left: number | null;
  readonly bottom: number | null;
  readonly right: number | null;
  readonly targetHeight: number | null;
  readonly targetWidth: number | null;
}

function margins(call: OpCall, verb: 'padding' | 'cropping'): Margins {
  const read = (name: string): number | null => intArgument(call, name, true);
  return {
    verb,
    top: read(`top_${verb}`),
    left: read(`left_${verb}`),
    bottom: read(`bottom_${verb}`),
    right: read(`right_${verb}`),
    targetHeight: read('target_height'),
    targetWidth: read('target_width'),
  };
}

const shown = (value: number | null): string => (value === null ? 'None' : String(value));

function nonNegative(name: string, value: number | null): void {
  if (value !== null && value < 0) throw new LayerError(`${name} must be >= 0. Received: ${name}=${value}`);
}

/** Keras `_validate_pad_images_args` / `_validate_crop_images_args`: two of each three given, none negative. */
function validateMargins(m: Margins): void {
  const v = m.verb;
  const groups: [string, number | null][][] = [
    [
      [`top_${v}`, m.top],
      [`bottom_${v}`, m.bottom],
      ['target_height', m.targetHeight],
    ],
    [
      [`left_${v}`, m.left],
      [`right_${v}`, m.right],
      ['target_width', m.targetWidth],
    ],
  ];
  for (const group of groups) {
    if (group.filter(([, value]) => value === null).length !== 1) {
      throw new LayerError(
        `Must specify exactly two of ${group.map(([name]) => name).join(', ')}. ` +
          `Received: ${group.map(([name, value]) => `${name}=${shown(value)}`).join(', ')}`,
      );
    }
  }
  for (const [name, value] of groups.flat()) nonNegative(name, value);
}

/**
 * One axis of pad_images (`sign` 1) or crop_images (-1): the target size, from the margins where it is not given,
 * each margin checked where the size is known.
 */
function marginAxis(
  size: number | null,
  before: number | null,
  after: number | null,
  target: number | null,
  names: [string, string, string],
  sign: 1 | -1,
): number | null {
  const out = target ?? (size === null ? null : size + sign * (before! + after!));
  if (size === null) return out;
  const t = out!;
  const first = before ?? sign * (t - size) - after!;
  const second = after ?? sign * (t - size) - first;
  nonNegative(names[0], first);
  nonNegative(names[1], second);
  nonNegative(names[2], t);
  return t;
}

/** pad_images and crop_images: the images at the target height and width. */
function resizeByMargins(verb: 'padding' | 'cropping'): OpRule {
  return {
    compute(call) {
      const format = dataFormat(call);
      const m = margins(call, verb);
      const images = operand(call, 'images');
      checkImageRank(images, 'images', 'list');
      validateMargins(m);
      const [h, w] = spatialAxes(images.shape, format);
      const height = sizeOf(images.shape[h]!, 'the height of the images');
      const width = sizeOf(images.shape[w]!, 'the width of the images');
      const sign = verb === 'padding' ? 1 : -1;
      if (verb === 'cropping') {
        for (const [what, size, target] of [
          ['height', height, m.targetHeight],
          ['width', width, m.targetWidth],
        ] as const) {
          if (size === null && target === null) {
            throw new LayerError(
              `When the ${what} of the images is unknown, \`target_${what}\` must be specified.` +
                `Received images.shape=${listRepr(images.shape)} and target_${what}=None`,
            );
          }
        }
      }
      const targetHeight = marginAxis(height, m.top, m.bottom, m.targetHeight, [`top_${verb}`, `bottom_${verb}`, 'target_height'], sign);
      const targetWidth = marginAxis(width, m.left, m.right, m.targetWidth, [`left_${verb}`, `right_${verb}`, 'target_width'], sign);
      return {
        shape: withSizes(
          images.shape,
          new Map([
            [h, targetHeight],
            [w, targetWidth],
          ]),
        ),
        dtype: images.dtype,
      };
    },
  };
}

/** start_points and end_points: (4, 2) or (N, 4, 2). */
function checkPoints(points: Operand, name: string): void {
  const rank = points.shape.length;
  const last = points.shape.slice(-2).map((d, i) => sizeOf(d, `axis ${rank - 2 + i} of ${name}`));
  if ((rank !== 2 && rank !== 3) || last[0] !== 4 || last[1] !== 2) {
    throw new LayerError(
      `Invalid ${name} shape: expected (4,2) for a single image or (N,4,2) for a batch. Received shape: ${formatShape(points.shape)}`,
    );
  }
}

const perspectiveTransform: OpRule = {
  compute(call) {
    dataFormat(call);
    const images = operand(call, 'images');
    const start = operand(call, 'start_points');
    const end = operand(call, 'end_points');
    checkImageRank(images, 'images', 'tuple');
    checkPoints(start, 'start_points');
    checkPoints(end, 'end_points');
    const same =
      start.shape.length === end.shape.length &&
      start.shape.every((d, i) => {
        const e = end.shape[i]!;
        if (sameDim(d, e)) return true;
        sizeOf(d, 'the batch of start_points');
        sizeOf(e, 'the batch of end_points');
        return false;
      });
    if (!same) {
      throw new LayerError(
        'start_points and end_points must have the same shape. ' +
          `Received start_points.shape=${formatShape(start.shape)}, end_points.shape=${formatShape(end.shape)}`,
      );
    }
    return { shape: images.shape, dtype: images.dtype };
  },
};

/** `scale_and_translate`: a tensor of `output_shape`, of the images' dtype. */
const scaleAndTranslate: OpRule = {
  compute(call) {
    const images = operand(call, 'images');
    return { shape: standardizeShape(literal(call, 'output_shape')), dtype: images.dtype };
  },
};

/** `sobel_edges`: a batch of images, with a last axis of 2 for [dy, dx]. */
const sobelEdges: OpRule = {
  compute(call) {
    dataFormat(call);
    const images = operand(call, 'images');
    if (images.shape.length !== 4) {
      throw new LayerError(`Invalid images rank: expected rank 4 (batch of images). Received: images.shape=${listRepr(images.shape)}`);
    }
    return { shape: [...images.shape, 2], dtype: images.dtype };
  },
};

/** `ssim`: one value per image of the batch, or a scalar for one image. */
const ssim: OpRule = {
  compute(call) {
    dataFormat(call);
    const image1 = operand(call, 'image1');
    const image2 = operand(call, 'image2');
    checkImageRank(image1, 'image1', 'tuple');
    checkImageRank(image2, 'image2', 'tuple');
    return { shape: image1.shape.length === 3 ? [] : [image1.shape[0]!], dtype: image1.dtype };
  },
};

export const imageOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.image.affine_transform': affineTransform,
  'keras.ops.image.crop_images': resizeByMargins('cropping'),
  'keras.ops.image.elastic_transform': sameAsImages(),
  'keras.ops.image.extract_patches': extractPatches,
  'keras.ops.image.extract_patches_3d': extractPatches3d,
  'keras.ops.image.gaussian_blur': sameAsImages(),
  'keras.ops.image.hsv_to_rgb': colorSpace,
  'keras.ops.image.map_coordinates': mapCoordinates,
  'keras.ops.image.pad_images': resizeByMargins('padding'),
  'keras.ops.image.perspective_transform': perspectiveTransform,
  'keras.ops.image.resize': resize,
  'keras.ops.image.rgb_to_grayscale': rgbToGrayscale,
  'keras.ops.image.rgb_to_hsv': colorSpace,
  'keras.ops.image.scale_and_translate': scaleAndTranslate,
  'keras.ops.image.sobel_edges': sobelEdges,
  'keras.ops.image.ssim': ssim,
};
