// `npm run demo`: the CLI on the bundled examples, the seed document's three methods first.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.py'))
  .sort()
  .map((f) => `examples/${f}`);

for (const file of examples) {
  for (const command of ['summary', 'inspect']) {
    process.stdout.write(`\n$ tensor-lens ${command} ${file}\n`);
    const result = spawnSync(process.execPath, ['dist/cli.js', command, file], { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
