// Readers for Keras weight files (.weights.h5, legacy .h5, .keras) and matching them to a model's layers.
//
// Layouts, as written by Keras 3.15 (checked against real files):
//
// Keras 3 `.weights.h5` (also `model.weights.h5` inside a `.keras` zip): every saveable object gets a
// group holding a `vars` subgroup whose datasets `0`, `1`, … are its own variables in Keras's order
// (trainable then non-trainable: kernel, bias; BatchNormalization gamma, beta, moving_mean,
// moving_variance). The group names are NOT layer names: Functional and Sequential models store their
// layers under `layers/<snake_case class name, uniquified>` (`layers/dense`, `layers/dense_1`,
// `layers/batch_normalization`), subclassed models under their Python attribute paths (`first`,
// `blocks/dense_1` for a list), and nested models/sublayers below their parent (`layers/sequential/
// layers/dense`, `layers/multi_head_attention/query_dense`). The real layer name is the `name`
// attribute of the `vars` group (written by Keras 3.15; files without it fall back to the group name).
// We key each layer that owns variables by its layer name, prefixed by the names of enclosing layers
// for nested ones ("inner/in_dense", "mha/query"; RNN weights belong to the cell: "lstm/lstm_cell",
// "bi/forward_lstm/lstm_cell"). The top-level `optimizer` group is skipped. matchWeights gathers such
// entries back into the one layer tfjs and legacy files see.
//
// Legacy Keras 2 `.h5` (Keras 2 `save_weights`, or `model.save('x.h5')` where it sits under
// `model_weights`): attribute `layer_names` lists the top-level layers in model order; each layer group
// has attribute `weight_names` (e.g. `conv2d/kernel:0`, or `conv2d/kernel` from Keras 3) naming datasets
// relative to that group. Long attributes are split by Keras into `layer_names0`, `layer_names1`, ….
// Nested models are stored as one top-level layer holding all their weights in order.

import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { hdf5Signature, loadHdf5, type H5Module } from '../../analysis/saved-models/hdf5.js';
import { isSupportedNumeric, toFloat32, type NumericKind } from '../inputs/binary.js';
import { addSublayerEntries, mergeLora, type LoraAlphas } from './legacy-layout.js';

export interface StoredWeight {
  /** Keras 3: `vars/<index>`; Keras 2: the weight name without the layer prefix and `:0`, e.g. `kernel`. */
  readonly name: string;
  readonly shape: number[];
  readonly values: Float32Array;
}

export type WeightFormat = 'keras3-weights-h5' | 'keras2-h5' | 'keras-archive';

export interface WeightFile {
  readonly path: string;
  readonly format: WeightFormat;
  /** Weights of each layer by Keras layer name, in Keras's order (kernel, bias, …; BatchNormalization: gamma, beta, moving_mean, moving_variance). */
  readonly layers: ReadonlyMap<string, readonly StoredWeight[]>;
}

export class WeightFileError extends Error {
  override name = 'WeightFileError';
}

/** Largest single dataset read, in bytes. */
const MAX_DATASET_BYTES = 2 ** 31;
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const ARCHIVE_WEIGHTS = 'model.weights.h5';
/** Deflate cannot expand data by more than about 1032:1. */
const MAX_DEFLATE_RATIO = 1032;

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_OPAQUE = 5;
const H5T_ENUM = 8;

/** h5wasm embeds libhdf5 (megabytes of wasm): loaded on the first weights file, not with the worker. */
let h5wasm: Awaited<ReturnType<typeof loadHdf5>>['h5wasm'];

/** Reads .weights.h5 (Keras 3), .h5 (Keras 2 weights or whole model), .keras (zip of config.json, metadata.json, model.weights.h5). */
export async function readWeightFile(path: string): Promise<WeightFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new WeightFileError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof WeightFileError) throw error;
    throw new WeightFileError(`Cannot read ${path}: ${describeFsError(error)}`);
  }
  const head = await readAt(path, 0, 8);
  if (ZIP_SIGNATURE.every((b, i) => head[i] === b)) return readArchive(path);
  if (path.endsWith('.keras')) throw new WeightFileError(`${path} is not a .keras archive (not a zip file)`);
  await checkHdf5Header(path, size, path);
  const { format, layers } = await readHdf5(resolve(path), path, size);
  return { path, format, layers };
}

/**
 * Matches stored weights to the layers a model expects; throws WeightFileError listing every mismatch (missing layer,
 * unexpected count, wrong shape), e.g. "conv2d: expected kernel (3, 3, 3, 32), found (3, 3, 3, 16)".
 * A layer missing at the top level is also looked up as the last part of a nested key ("inner/dense") when exactly one
 * such key exists, and as the concatenation of the nested keys below it ("inner/…", for a nested model given as one
 * layer, as tfjs and legacy .h5 files see it). Layers the model expects without weights need not be in the file.
 */
export function matchWeights(
  file: WeightFile,
  expected: ReadonlyMap<string, readonly { name: string; shape: number[] }[]>,
): Map<string, Float32Array[]> {
  const problems: string[] = [];
  const matched = new Map<string, Float32Array[]>();
  for (const [layer, specs] of expected) {
    const stored =
      ownThenSublayers(file.layers, layer, specs.length) ??
      findNested(file.layers, layer) ??
      gatherSublayers(file.layers, sublayerPrefix(file.layers, layer), specs);
    if (!stored) {
      if (specs.length === 0) matched.set(layer, []);
      else problems.push(`${layer}: not found in the file`);
      continue;
    }
    if (stored.length !== specs.length) {
      const names = specs.length > 0 ? ` (${specs.map((s) => s.name).join(', ')})` : '';
      problems.push(`${layer}: expected ${plural(specs.length, 'weight')}${names}, found ${stored.length}`);
      continue;
    }
    let ok = true;
    specs.forEach((spec, i) => {
      const weight = stored[i];
      if (weight && !sameShape(spec.shape, weight.shape)) {
        problems.push(`${layer}: expected ${spec.name} ${formatShape(spec.shape)}, found ${formatShape(weight.shape)}`);
        ok = false;
      }
    });
    if (ok)
      matched.set(
        layer,
        stored.map((w) => w.values),
      );
  }
  if (problems.length > 0) {
    throw new WeightFileError(`Weights in ${file.path} do not match the model: ${problems.join('; ')}`);
  }
  return matched;
}

/**
 * A layer's own entry; when it holds fewer weights than the model expects and the layer has sublayers in the file
 * (SpectralNormalization: its own kernel and vector_u, then its wrapped layer's kernel and bias), its own entry
 * followed by theirs, in file order.
 */
function ownThenSublayers(
  layers: ReadonlyMap<string, readonly StoredWeight[]>,
  layer: string,
  expected: number,
): readonly StoredWeight[] | undefined {
  const own = layers.get(layer);
  if (!own || own.length >= expected) return own;
  const parts = [...layers].filter(([key]) => key.startsWith(`${layer}/`)).flatMap(([, weights]) => weights);
  return parts.length > 0 && own.length + parts.length === expected ? [...own, ...parts] : own;
}

/**
 * The entry path whose sub-entries hold a layer's weights: the layer's name, or the one nested path ending with it
 * (`block/mha` for a MultiHeadAttention inside a custom layer, whose weights are all in `block/mha/query`, …).
 */
function sublayerPrefix(layers: ReadonlyMap<string, readonly StoredWeight[]>, layer: string): string {
  const prefixes = new Set<string>();
  for (const key of layers.keys()) {
    // Where `layer` starts as a whole part of the key: "/key" makes the first part like the others.
    const at = `/${key}`.indexOf(`/${layer}/`);
    if (at >= 0) prefixes.add(key.slice(0, at + layer.length));
  }
  return prefixes.size === 1 ? [...prefixes][0]! : layer;
}

function findNested(layers: ReadonlyMap<string, readonly StoredWeight[]>, layer: string): readonly StoredWeight[] | undefined {
  const keys = [...layers.keys()].filter((key) => key.endsWith(`/${layer}`));
  return keys.length === 1 && keys[0] !== undefined ? layers.get(keys[0]) : undefined;
}

/**
 * A model used as a layer (or a layer with sublayers) is one layer to the model but several entries in a Keras 3 file
 * ("block/dense", "block/norm", …), and the file's order of them need not be the model's. Takes the entries in an order
 * whose shapes fit the expected weights, trying them in file order at each step; if none fits, in file order, so that
 * the mismatch gets reported.
 */
function gatherSublayers(
  layers: ReadonlyMap<string, readonly StoredWeight[]>,
  layer: string,
  specs: readonly { name: string; shape: number[] }[],
): readonly StoredWeight[] | undefined {
  const parts = [...layers].filter(([key]) => key.startsWith(`${layer}/`)).map(([, weights]) => weights);
  if (parts.length === 0) return undefined;
  const byName = sublayersByName(layers, layer, specs);
  if (byName) return byName;
  const ordered: StoredWeight[] = [];
  const remaining = [...parts];
  while (remaining.length > 0) {
    const at = ordered.length;
    const index = remaining.findIndex((part) =>
      part.every((weight, i) => {
        const spec = specs[at + i];
        return spec !== undefined && sameShape(spec.shape, weight.shape);
      }),
    );
    if (index < 0) break;
    ordered.push(...(remaining.splice(index, 1)[0] ?? []));
  }
  return remaining.length === 0 ? ordered : parts.flat();
}

/**
 * When the model names its weights after Keras's sublayers (`mha/query/kernel`, `mha/key/kernel`), the entries of the
 * file are taken by those names: shapes alone cannot tell apart sublayers of one shape (query, key and value kernels).
 */
function sublayersByName(
  layers: ReadonlyMap<string, readonly StoredWeight[]>,
  layer: string,
  specs: readonly { name: string }[],
): readonly StoredWeight[] | undefined {
  const keys: string[] = [];
  for (const spec of specs) {
    // The weight's name starts with the layer's TensorFlow.js name, which may differ from its Keras name.
    const parts = spec.name.split('/');
    if (parts.length < 3) return undefined;
    const key = [layer, ...parts.slice(1, -1)].join('/');
    if (keys.at(-1) !== key) keys.push(key);
  }
  if (keys.length === 0 || new Set(keys).size !== keys.length || !keys.every((key) => layers.has(key))) return undefined;
  const weights = keys.flatMap((key) => layers.get(key)!);
  return weights.length === specs.length ? weights : undefined;
}

/** Python tuple notation, as Keras prints shapes: (3, 3, 3, 32), (3,), (). */
function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- files and archives

async function readAt(path: string, offset: number, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw new WeightFileError(`Cannot read ${path}: ${describeFsError(error)}`);
  } finally {
    await handle?.close();
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

async function readArchive(path: string): Promise<WeightFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new WeightFileError(`Cannot read ${path}: ${describeFsError(error)}`);
  }
  let entry: Uint8Array | undefined;
  try {
    const files = unzipSync(bytes, {
      filter: (file) => {
        if (file.name !== ARCHIVE_WEIGHTS) return false;
        // Check the sizes the zip declares before fflate allocates the output buffer.
        const limit = file.compression === 0 ? file.size : file.size * MAX_DEFLATE_RATIO;
        if (file.originalSize > limit || file.originalSize > MAX_DATASET_BYTES) {
          throw new WeightFileError(`${path} is corrupt: ${ARCHIVE_WEIGHTS} declares an impossible size`);
        }
        return true;
      },
    });
    entry = files[ARCHIVE_WEIGHTS];
  } catch (error) {
    if (error instanceof WeightFileError) throw error;
    throw new WeightFileError(`${path} is not a valid .keras archive (corrupt or truncated zip)`);
  }
  if (!entry) throw new WeightFileError(`No ${ARCHIVE_WEIGHTS} found in ${path}`);

  // h5wasm in Node reads through the host file system, so the inner file goes to a private temp directory.
  const dir = await mkdtemp(join(tmpdir(), 'tensor-lens-weights-'));
  try {
    const inner = join(dir, ARCHIVE_WEIGHTS);
    await writeFile(inner, entry);
    const where = `${path} (${ARCHIVE_WEIGHTS})`;
    await checkHdf5Header(inner, entry.length, where);
    const { layers } = await readHdf5(inner, where, entry.length);
    return { path, format: 'keras-archive', layers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Finds the HDF5 superblock (at offset 0, 512, 1024, … after a user block) and checks that the end-of-file address it
 * declares fits in the real file, so truncated files are reported before libhdf5 touches them.
 */
async function checkHdf5Header(fsPath: string, size: number, where: string): Promise<void> {
  let base = -1;
  for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
    const probe = await readAt(fsPath, offset, 8);
    if (hdf5Signature.every((b, i) => probe[i] === b)) {
      base = offset;
      break;
    }
  }
  if (base < 0) throw new WeightFileError(`${where} is not an HDF5 file`);
  const block = await readAt(fsPath, base, 96);
  const truncated = new WeightFileError(`${where} is corrupt or truncated`);
  const version = block[8];
  let offsetSize: number | undefined;
  let addresses: number;
  if (version === 0 || version === 1) {
    offsetSize = block[13];
    addresses = version === 0 ? 24 : 28;
  } else if (version === 2 || version === 3) {
    offsetSize = block[9];
    addresses = 12;
  } else {
    throw truncated;
  }
  if (offsetSize !== 2 && offsetSize !== 4 && offsetSize !== 8) throw truncated;
  // Both layouts store base address, then one more address, then the end-of-file address.
  const eofAt = addresses + 2 * offsetSize;
  if (block.length < eofAt + offsetSize) throw truncated;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const readAddress = (at: number): bigint =>
    offsetSize === 8 ? view.getBigUint64(at, true) : BigInt(offsetSize === 4 ? view.getUint32(at, true) : view.getUint16(at, true));
  const undefinedAddress = (1n << BigInt(8 * offsetSize)) - 1n;
  const baseAddress = readAddress(addresses);
  const eof = readAddress(eofAt);
  if (eof !== undefinedAddress && baseAddress + eof > BigInt(size)) throw truncated;
}

// ---------------------------------------------------------------- HDF5 contents

async function h5Module(): Promise<H5Module> {
  const library = await loadHdf5();
  h5wasm = library.h5wasm;
  return library.module;
}

async function readHdf5(
  fsPath: string,
  where: string,
  size: number,
): Promise<{ format: WeightFormat; layers: Map<string, StoredWeight[]> }> {
  const module = await h5Module();
  let file: H5File | undefined;
  try {
    file = new h5wasm.File(fsPath, 'r');
    if (file.file_id < 0n) {
      file = undefined;
      throw new WeightFileError(`${where} is corrupt or truncated`);
    }
    const reader = new DatasetReader(module, where, size);
    const legacy = legacyWeightsGroup(file);
    const format: WeightFormat = legacy ? 'keras2-h5' : 'keras3-weights-h5';
    const layers = legacy ? readLegacyLayers(legacy, reader, where, loraAlphas(file)) : readKeras3Layers(file, reader);
    if (layers.size === 0) throw new WeightFileError(`No layer weights found in ${where}`);
    return { format, layers };
  } catch (error) {
    if (error instanceof WeightFileError) throw error;
    throw new WeightFileError(`${where} is corrupt or truncated`);
  } finally {
    try {
      file?.close();
    } catch {
      // Closing a file whose structure is damaged can fail too; the read error is the one to report.
    }
  }
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Group order within a Keras 3 file: natural order of the names ("dense_2" before "dense_10"), except that a
 * Bidirectional wrapper's `forward_layer` comes before its `backward_layer`, as in Keras's weight order. (h5py does
 * not record creation order, so the model's layer order is not in the file.)
 */
function compareGroupKeys(a: string, b: string): number {
  if (a === 'forward_layer' && b === 'backward_layer') return -1;
  if (a === 'backward_layer' && b === 'forward_layer') return 1;
  return collator.compare(a, b);
}

function childGroup(group: Group, key: string): Group | undefined {
  const child = group.get(key);
  return child instanceof h5wasm.Group ? child : undefined;
}

function hasListAttribute(group: Group, name: string): boolean {
  const names = Object.keys(group.attrs);
  return names.includes(name) || names.includes(`${name}0`);
}

/** Reads a string-list attribute, joining the chunks `name0`, `name1`, … Keras uses for long lists. */
function stringListAttribute(group: Group, name: string): string[] {
  const names = new Set(Object.keys(group.attrs));
  const chunks: string[] = [];
  if (names.has(name)) chunks.push(name);
  else for (let i = 0; names.has(`${name}${i}`); i++) chunks.push(`${name}${i}`);
  const out: string[] = [];
  for (const chunk of chunks) {
    const value = group.get_attribute(chunk, false);
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) out.push(...value.map(String));
    else if (!(ArrayBuffer.isView(value) && (value as { length: number }).length === 0)) {
      throw new Error(`attribute ${chunk} of ${group.path} is not a list of names`);
    }
  }
  return out;
}

function stringAttribute(group: Group, name: string): string | undefined {
  if (!Object.keys(group.attrs).includes(name)) return undefined;
  const value = group.get_attribute(name, false);
  return typeof value === 'string' ? value : undefined;
}

function legacyWeightsGroup(file: H5File): Group | undefined {
  if (hasListAttribute(file, 'layer_names')) return file;
  if (!file.keys().includes('model_weights')) return undefined;
  const group = childGroup(file, 'model_weights');
  return group && hasListAttribute(group, 'layer_names') ? group : undefined;
}

/** The `lora_alpha` of each layer with LoRA enabled, from the `model_config` of a whole model's file. */
function loraAlphas(file: H5File): LoraAlphas {
  const alphas = new Map<string, number | undefined>();
  const text = stringAttribute(file, 'model_config');
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      const config = value as { name?: unknown; lora_rank?: unknown; lora_alpha?: unknown };
      if (typeof config.name === 'string' && typeof config.lora_rank === 'number') {
        alphas.set(config.name, typeof config.lora_alpha === 'number' ? config.lora_alpha : undefined);
      }
      Object.values(value).forEach(visit);
    }
  };
  try {
    if (text !== undefined) visit(JSON.parse(text));
  } catch {
    // A config that is not JSON: no LoRA settings known, and a LoRA layer says so when it is read.
  }
  return alphas;
}

function readLegacyLayers(root: Group, reader: DatasetReader, where: string, alphas: LoraAlphas): Map<string, StoredWeight[]> {
  const layers = new Map<string, StoredWeight[]>();
  const names = stringListAttribute(root, 'layer_names');
  const present = new Set(root.keys());
  // Keras 3 adds the model's own variables (rarely any) as a pseudo-layer.
  if (present.has('top_level_model_weights') && !names.includes('top_level_model_weights')) {
    names.push('top_level_model_weights');
  }
  for (const layer of names) {
    const group = present.has(layer) ? childGroup(root, layer) : undefined;
    if (!group) throw new WeightFileError(`${where} is corrupt: layer ${layer} is listed but has no weights group`);
    const weightNames = hasListAttribute(group, 'weight_names') ? stringListAttribute(group, 'weight_names') : [];
    const weights = weightNames.map((weightName) => {
      const dataset = group.get(weightName);
      if (!(dataset instanceof h5wasm.Dataset)) {
        throw new WeightFileError(`${where} is corrupt: weight ${weightName} of layer ${layer} is missing`);
      }
      return reader.read(dataset, legacyWeightName(layer, weightName));
    });
    try {
      if (weights.length > 0) layers.set(layer, mergeLora(layer, weights, alphas));
    } catch (error) {
      throw new WeightFileError(`${where}: ${(error as Error).message}`);
    }
  }
  addSublayerEntries(layers);
  return layers;
}

/** "conv2d/kernel:0" → "kernel"; "inner/in_dense/kernel" (in layer "inner") → "in_dense/kernel". */
function legacyWeightName(layer: string, weightName: string): string {
  const parts = weightName.split('/');
  const at = parts.lastIndexOf(layer);
  const rest = at >= 0 && at < parts.length - 1 ? parts.slice(at + 1) : parts;
  return rest.join('/').replace(/:\d+$/, '');
}

function readKeras3Layers(file: H5File, reader: DatasetReader): Map<string, StoredWeight[]> {
  const layers = new Map<string, StoredWeight[]>();
  const add = (group: Group, key: string, weights: StoredWeight[]): void => {
    if (weights.length === 0) return;
    // Two saveables with the same layer name (possible in subclassed models): fall back to the HDF5 path.
    layers.set(layers.has(key) ? group.path.replace(/^\//, '') : key, weights);
  };
  const rootVars = file.keys().includes('vars') ? childGroup(file, 'vars') : undefined;
  if (rootVars) add(file, stringAttribute(rootVars, 'name') ?? 'model', readVars(rootVars, reader));

  const visit = (group: Group, prefix: string[], isRoot: boolean): void => {
    for (const key of group.keys().sort(compareGroupKeys)) {
      if (key === 'vars' || (isRoot && key === 'optimizer')) continue;
      const child = childGroup(group, key);
      if (!child) continue;
      const vars = child.keys().includes('vars') ? childGroup(child, 'vars') : undefined;
      if (vars) {
        const path = [...prefix, stringAttribute(vars, 'name') ?? key];
        add(child, path.join('/'), readVars(vars, reader));
        visit(child, path, false);
      } else {
        visit(child, prefix, false);
      }
    }
  };
  visit(file, [], true);
  return layers;
}

function readVars(vars: Group, reader: DatasetReader): StoredWeight[] {
  return vars
    .keys()
    .sort(collator.compare)
    .flatMap((key) => {
      const dataset = vars.get(key);
      return dataset instanceof h5wasm.Dataset ? [reader.read(dataset, `vars/${key}`)] : [];
    });
}

/** Reads numeric datasets as raw bytes (so float16, bfloat16 and big-endian data work) and converts them to float32. */
class DatasetReader {
  constructor(
    private readonly module: H5Module,
    private readonly where: string,
    private readonly fileSize: number,
  ) {}

  read(dataset: Dataset, name: string): StoredWeight {
    const meta = dataset.metadata;
    const shape = meta.shape;
    const kind = this.kindOf(dataset);
    if (!shape || !kind || !isSupportedNumeric(kind, meta.size)) {
      throw new WeightFileError(`${this.where}: unsupported data type in ${dataset.path}`);
    }
    const count = meta.total_size;
    const bytes = count * meta.size;
    const compressed = dataset.filters.length > 0;
    if (!Number.isSafeInteger(bytes) || bytes > MAX_DATASET_BYTES || (!compressed && bytes > this.fileSize)) {
      throw new WeightFileError(`${this.where} is corrupt or truncated`);
    }
    if (count === 0) return { name, shape, values: new Float32Array(0) };
    const pointer = this.module._malloc(bytes);
    if (!pointer) throw new WeightFileError(`${this.where}: not enough memory to read ${dataset.path}`);
    let raw: Uint8Array;
    try {
      const status = this.module.get_dataset_data(dataset.file_id, dataset.path, null, null, null, BigInt(pointer));
      if (status < 0) throw new WeightFileError(`${this.where} is corrupt or truncated`);
      raw = this.module.HEAPU8.slice(pointer, pointer + bytes);
    } finally {
      this.module._free(pointer);
    }
    // Opaque bfloat16 data has no byte order in HDF5; NumPy wrote it in little-endian host order.
    const littleEndian = kind === 'bf' || meta.littleEndian;
    return { name, shape, values: toFloat32(raw, kind, meta.size, littleEndian, count) };
  }

  private kindOf(dataset: Dataset): NumericKind | undefined {
    const meta = dataset.metadata;
    if (meta.type === H5T_FLOAT) return 'f';
    if (meta.type === H5T_INTEGER) return meta.signed ? 'i' : 'u';
    // h5py stores NumPy booleans as an 8-bit enum.
    if (meta.type === H5T_ENUM && meta.size === 1) return 'b';
    // Keras stores bfloat16 as 2-byte opaque data tagged with a `dtype` attribute.
    if (meta.type === H5T_OPAQUE && Object.keys(dataset.attrs).includes('dtype')) {
      return dataset.get_attribute('dtype', false) === 'bfloat16' ? 'bf' : undefined;
    }
    return undefined;
  }
}
