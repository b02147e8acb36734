// The "Get … as NumPy" snippets against real Keras: the committed reference holds what the pinned Keras made when it
// ran each edited file (generate-numpy-snippets.ts). The snippets must be the ones the code action writes today, and
// the analysis must give each array the shape Keras gave it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze, analyzer, bindingsOf, describe as describeBinding } from '../unit/helpers/analysis.js';
import { editedSources, snippetKey, snippetReferencePath, type SnippetReference } from '../unit/numpy-snippet-cases.js';

describe('conformance: Get … as NumPy, run by Keras', () => {
  it('the snippets the code action writes are the ones Keras ran, and their arrays have the shapes Keras gave', async () => {
    const reference = JSON.parse(readFileSync(snippetReferencePath, 'utf8')) as SnippetReference[];
    const edited = editedSources(await analyzer());
    const regenerate = 'regenerate the reference: node --import tsx test/conformance/generate-numpy-snippets.ts';
    assert.deepEqual(
      edited.map((e) => [snippetKey(e), e.source]),
      reference.map((r) => [r.key, r.source]),
      regenerate,
    );
    for (const r of reference) {
      assert.equal(r.type, 'ndarray', r.key);
      const graph = await analyze(r.source);
      assert.equal(
        describeBinding(graph, bindingsOf(graph, r.arrayName).at(-1)!),
        `(${r.shape.join(', ')}${r.shape.length === 1 ? ',' : ''})`,
        r.key,
      );
    }
  });
});
