// The reference for the "Get … as NumPy" code action: every snippet it offers on the cases of
// test/unit/numpy-snippet-cases.ts, inserted into its file and run by the pinned Keras
// (generate-numpy-snippets.py): the shape and type of the array it makes. `--check` compares instead of writing.
//
//   node --import tsx test/conformance/generate-numpy-snippets.ts [--check]

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { Analyzer } from '../../src/analysis/analyze.js';
import { editedSources, snippetKey, snippetReferencePath, type EditedSource, type SnippetReference } from '../unit/numpy-snippet-cases.js';

const root = join(import.meta.dirname, '..', '..');
const python = process.env['TENSOR_LENS_PYTHON'] ?? join(root, '.venv-conformance', 'bin', 'python');

/** Code that calls the Keras backend's function() runs on Keras 2 only (the seed's Method 1 file does itself). */
const legacy = (edited: EditedSource): boolean => /\.function\(/.test(edited.source);

function runInKeras(cases: EditedSource[], legacyKeras: boolean): Record<string, { shape: number[]; type: string }> {
  if (cases.length === 0) return {};
  const input = JSON.stringify(cases.map((c) => ({ key: snippetKey(c), source: c.source, arrayName: c.arrayName })));
  const env = { ...process.env, ...(legacyKeras && { TF_USE_LEGACY_KERAS: '1' }) };
  const ran = spawnSync(python, [join(import.meta.dirname, 'generate-numpy-snippets.py')], { input, encoding: 'utf8', env, cwd: root });
  if (ran.status !== 0) throw new Error(`generate-numpy-snippets.py failed:\n${ran.stderr}`);
  return JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as Record<string, { shape: number[]; type: string }>;
}

{
  const analyzer = await Analyzer.create();
  const edited = editedSources(analyzer);
  const results = {
    ...runInKeras(
      edited.filter((e) => !legacy(e)),
      false,
    ),
    ...runInKeras(edited.filter(legacy), true),
  };
  const reference: SnippetReference[] = edited.map((e) => ({
    key: snippetKey(e),
    source: e.source,
    arrayName: e.arrayName,
    ...results[snippetKey(e)]!,
  }));
  // Written as the repository's formatter writes JSON, so that the format check passes.
  const text = await format(JSON.stringify(reference), { ...(await resolveConfig(snippetReferencePath)), parser: 'json' });
  if (process.argv.includes('--check')) {
    const drift = readFileSync(snippetReferencePath, 'utf8') !== text;
    process.stdout.write(drift ? '  numpy snippets: DRIFT from the committed reference\n' : '  numpy snippets: no drift\n');
    process.exitCode = drift ? 1 : 0;
  } else {
    writeFileSync(snippetReferencePath, text);
    process.stdout.write(`wrote ${snippetReferencePath}: ${reference.length} snippets\n`);
  }
}
