// The entry VS Code calls in the extension host: runs the suite with mocha.

import Mocha from 'mocha';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000 });
  mocha.addFile(join(__dirname, 'extension.test.cjs'));
  return new Promise((resolve, reject) => mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} failed`)) : resolve())));
}
