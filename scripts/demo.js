// `npm run demo`: the CLI on the bundled examples — each model's summary, then
// every tensor with its shape and, evaluated on sample input, its values.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.py'))
  .sort()
  .map((f) => `examples/${f}`);

for (const file of examples) {
  for (const args of [
    ['summary', file],
    ['inspect', file, '--values'],
  ]) {
    process.stdout.write(`\n$ tensor-lens ${args.join(' ')}\n`);
    const result = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
