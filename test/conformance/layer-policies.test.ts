// Tensor Lens against what the pinned Keras gives for every layer case of reference-layers/ when the file first sets a
// global dtype policy (`keras.config.set_dtype_policy("mixed_float16")`, then "float64"): recorded mechanically by
// test/conformance/generate-policy-dtypes.py into reference-layers/policies.json.
//   never wrong, every case: a known output dtype or parameter count is Keras's, and no error or warning;
//   exact, for the cases whose float32 dtypes Tensor Lens knows: it knows them under the policy too.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../src/analysis/analyze.js';
import { allLayerCases, layerReferenceRoot, type LayerCase } from './layer-cases.js';

interface PolicyRecord {
  readonly dtypes?: readonly string[];
  readonly params?: number;
  readonly error?: string;
}

interface PolicyReference {
  readonly keras: string;
  readonly policies: readonly string[];
  readonly cases: Readonly<Record<string, Readonly<Record<string, PolicyRecord>>>>;
}

const reference = JSON.parse(readFileSync(join(layerReferenceRoot, 'policies.json'), 'utf8')) as PolicyReference;
const preamble = 'import keras\n';

/** The case's source with the policy set after its import, as generate-policy-dtypes.py runs it. */
function policySource(source: string, policy: string): string {
  assert.ok(source.startsWith(preamble));
  return `${preamble}keras.config.set_dtype_policy(${JSON.stringify(policy).replace(/"/g, "'")})\n${source.slice(preamble.length)}`;
}

interface Ours {
  readonly dtypes: readonly (string | null)[] | null;
  readonly params: number | null;
  readonly problems: readonly string[];
}

function analyse(analyzer: Analyzer, source: string): Ours {
  const graph = analyzer.analyze(source);
  const model = graph.models.length > 0 ? graph.layers[graph.models.at(-1)!]! : undefined;
  return {
    dtypes: model?.model ? model.model.outputs.map((t) => graph.tensors[t]?.dtype ?? null) : null,
    params: model?.params ?? null,
    problems: graph.diagnostics.filter((d) => d.severity !== 'information').map((d) => `${d.severity} ${d.message}`),
  };
}

/**
 * Cases where the JAX backend (the references') gives another dtype than Keras's symbolic rule, keyed by
 * `<case id> <policy>`, each with why; Tensor Lens gives the rule's, which the TensorFlow backend gives too. An entry
 * whose case then agrees fails the test: delete it.
 */
const backendDependent: Readonly<Record<string, string>> = {
  'Pipeline/0 float64':
    'Pipeline has no compute_output_spec: the JAX backend traces its call with jax.eval_shape, which without jax_enable_x64 computes float64 as float32',
};

/** What Tensor Lens says that is not Keras's, for one case under one policy. */
function wrongs(ours: Ours, keras: PolicyRecord): string[] {
  if (keras.error !== undefined) return [];
  const out: string[] = [];
  if (ours.problems.length > 0) out.push(`says ${ours.problems.join('; ')} where Keras runs`);
  ours.dtypes?.forEach((dtype, i) => {
    if (dtype !== null && dtype !== keras.dtypes![i]) out.push(`output ${i} is ${dtype}, Keras's ${keras.dtypes![i]}`);
  });
  if (ours.dtypes && ours.dtypes.length !== keras.dtypes!.length)
    out.push(`${ours.dtypes.length} outputs, Keras's ${keras.dtypes!.length}`);
  if (ours.params !== null && ours.params !== keras.params) out.push(`${ours.params} params, Keras's ${keras.params}`);
  return out;
}

describe('layer classes under a global dtype policy, against real Keras (reference-layers/policies.json)', function () {
  this.timeout(600_000);
  let analyzer: Analyzer;
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());
  const cases: LayerCase[] = allLayerCases().flatMap(({ cases }) => cases);
  const recorded = cases.filter((c) => reference.cases[c.id]);

  it('records every accepted case of reference-layers/, under each policy', () => {
    assert.deepEqual(reference.policies, ['mixed_float16', 'float64']);
    assert.deepEqual(
      recorded.map((c) => c.id),
      cases.map((c) => c.id),
    );
  });

  for (const policy of reference.policies) {
    it(`never wrong under ${policy}: known dtypes and parameter counts are Keras's, no false diagnostic`, () => {
      const failures = recorded.flatMap((c) => {
        const found = wrongs(analyse(analyzer, policySource(c.source, policy)), reference.cases[c.id]![policy]!);
        const pinned = `${c.id} ${policy}` in backendDependent;
        if (pinned) return found.length > 0 ? [] : [`${c.id} ${policy}: agrees now, delete its entry in backendDependent`];
        return found.map((w) => `${c.id}: ${w}`);
      });
      assert.deepEqual(failures, []);
    });

    it(`exact under ${policy}: every case whose float32 dtypes are known has its dtypes known`, () => {
      const unknownUnderPolicy = recorded.filter((c) => {
        const plain = analyse(analyzer, c.source);
        if (!plain.dtypes?.every((d) => d !== null) || reference.cases[c.id]![policy]!.error !== undefined) return false;
        const ours = analyse(analyzer, policySource(c.source, policy));
        return !ours.dtypes?.every((d) => d !== null);
      });
      assert.deepEqual(
        unknownUnderPolicy.map((c) => c.id),
        [],
      );
    });
  }
});
