import { readFileSync } from 'node:fs';
import { opKernels } from '../../src/engine/ops/index.js';
const t = JSON.parse(readFileSync('/work/main/src/analysis/keras/ops/ops.json', 'utf8'));
for (const [p, e] of Object.entries(t.ops) as [string, any][])
  if (!opKernels[p]) console.log(p, e.parameters.map((x: any) => x.name + (x.required ? '!' : '')).join(','));
