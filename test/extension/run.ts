// Extension-host tests: runs test/extension/suite inside a real VS Code with
// the extension loaded from this folder (@vscode/test-electron). Where VS Code
// cannot be downloaded and none is given (TENSOR_LENS_VSCODE=/path/to/code),
// it says loudly that the tests did not run, and why.

import { build } from 'esbuild';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, '.vscode-test', 'extension-suite');

async function vscodeExecutable(): Promise<string | Error> {
  if (process.env['TENSOR_LENS_VSCODE']) return process.env['TENSOR_LENS_VSCODE'];
  try {
    return await downloadAndUnzipVSCode({ cachePath: join(root, '.vscode-test') });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const executable = await vscodeExecutable();
if (executable instanceof Error) {
  process.stdout.write(
    [
      '',
      '  Extension-host tests: NOT RUN.',
      `  VS Code could not be downloaded (${executable.message}) and TENSOR_LENS_VSCODE names no VS Code.`,
      '  The same journeys run in a real VS Code (code-server) in the end-to-end tests.',
      '',
    ].join('\n'),
  );
} else {
  await build({
    entryPoints: {
      index: join(root, 'test/extension/suite/index.ts'),
      'extension.test': join(root, 'test/extension/suite/extension.test.ts'),
    },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(out, 'index.cjs'),
    launchArgs: [join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
  });
}
