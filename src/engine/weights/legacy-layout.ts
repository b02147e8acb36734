// What a legacy `.h5` file stores differently from the layers the engine builds: a nested model is one stored layer
// holding all its sublayers' weights (named `conv2d/kernel`, …), and a layer with LoRA enabled stores its frozen
// kernel and the two LoRA factors apart (Keras's layer computes with kernel + (alpha / rank) · a @ b).

import type { StoredWeight } from './read-weights.js';

/** The sublayers of a stored layer (weights named `<sublayer>/<weight>`) as entries of their own: `encoder/conv2d`. */
export function addSublayerEntries(layers: Map<string, StoredWeight[]>): void {
  for (const [layer, weights] of [...layers]) {
    for (const [prefix, group] of groupByPrefix(weights)) {
      if (prefix !== '' && !layers.has(`${layer}/${prefix}`)) {
        layers.set(
          `${layer}/${prefix}`,
          group.map((w) => ({ ...w, name: w.name.slice(prefix.length + 1) })),
        );
      }
    }
  }
}

/** LoRA settings by layer name, from the model's config: alpha, or undefined for Keras's default (the rank). */
export type LoraAlphas = ReadonlyMap<string, number | undefined>;

/**
 * A stored layer's weights as its layer computes with them: each `lora_<w>_a`, `lora_<w>_b` pair merged into `<w>`
 * (`<w>` + (alpha / rank) · a @ b) and `<w>` put first, as the engine's layer holds it (kernel, bias).
 */
export function mergeLora(layer: string, weights: readonly StoredWeight[], alphas: LoraAlphas): StoredWeight[] {
  const merged: StoredWeight[] = [];
  for (const [prefix, group] of groupByPrefix(weights)) {
    const named = (name: string): StoredWeight | undefined => group.find((w) => baseName(w.name) === name);
    const loraBases = group.map((w) => /^lora_(\w+)_a$/.exec(baseName(w.name))?.[1]).filter((b): b is string => b !== undefined);
    if (loraBases.length === 0) {
      merged.push(...group);
      continue;
    }
    const owner = prefix === '' ? layer : prefix.split('/').at(-1)!;
    const firsts: StoredWeight[] = [];
    const used = new Set<StoredWeight>();
    for (const base of loraBases) {
      const [a, b, full] = [named(`lora_${base}_a`)!, named(`lora_${base}_b`), named(base)];
      if (!b || !full) throw new Error(`layer ${owner} has lora_${base}_a without lora_${base}_b and ${base}`);
      const rank = a.shape.at(-1)!;
      if (!alphas.has(owner)) throw new Error(`layer ${owner} has LoRA weights, but the file holds no config with its lora_alpha`);
      const scale = (alphas.get(owner) ?? rank) / rank;
      firsts.push({ ...full, values: plusProduct(full, a, b, rank, scale, owner) });
      [a, b, full].forEach((w) => used.add(w));
    }
    merged.push(...firsts, ...group.filter((w) => !used.has(w)));
  }
  return merged;
}

/** `full` + scale · a @ b, a of shape (…, rank) and b of shape (rank, …) flattened to the matrices they multiply as. */
function plusProduct(full: StoredWeight, a: StoredWeight, b: StoredWeight, rank: number, scale: number, owner: string): Float32Array {
  const rows = a.values.length / rank;
  const columns = b.values.length / rank;
  if (rows * columns !== full.values.length) throw new Error(`the LoRA factors of layer ${owner} do not fit its ${baseName(full.name)}`);
  const out = Float32Array.from(full.values);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < rank; k++) {
      const left = scale * a.values[i * rank + k]!;
      for (let j = 0; j < columns; j++) out[i * columns + j]! += left * b.values[k * columns + j]!;
    }
  }
  return out;
}

/** Weights by the sublayer path before their own name (`''` for the layer's own), in file order. */
function groupByPrefix(weights: readonly StoredWeight[]): Map<string, StoredWeight[]> {
  const groups = new Map<string, StoredWeight[]>();
  for (const weight of weights) {
    const at = weight.name.lastIndexOf('/');
    const prefix = at < 0 ? '' : weight.name.slice(0, at);
    groups.set(prefix, [...(groups.get(prefix) ?? []), weight]);
  }
  return groups;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
