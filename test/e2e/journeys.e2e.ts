// The user's journey in a real VS Code (code-server in Chromium): the VSIX
// installed, the seed's files opened, hovers, inlay hints, a diagnostic, the
// Evaluate Tensor command and the panel, an edit, the status bar, a killed
// worker, a keras.applications base, a saved model read back, a notebook, and
// the seed's code written by a code action. Screenshots
// of each step go to test-results/e2e/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from './code-server.js';
import { chromiumPath, repoRoot } from './tools.js';
import { Workbench } from './workbench.js';
import { pythonEnvironments } from '../../src/environment/python-environment.js';
import { findTensorFlowLibraries, type TensorFlowLibraries } from '../../src/environment/tensorflow-libraries.js';
import { nativeUnavailable } from '../unit/helpers/test-backends.js';

const screenshots = join(repoRoot, 'test-results', 'e2e');
const examples = join(repoRoot, 'examples');
const stats = /min -?[\d.e+-]+ {1,2}max [\d.e+-]+ {1,2}mean [\d.e+-]+ {1,2}std [\d.e+-]+/;
const withStats = (text: string): boolean => stats.test(text);
const conformancePython = join(repoRoot, '.venv-conformance', 'bin', 'python');

/**
 * The TensorFlow of the conformance environment when tfjs-node's binding is built here (npm run build:native): then
 * the journeys run the linux-x64 VSIX, which carries the binding, with tensorLens.python.interpreter naming it.
 */
const native = ((): TensorFlowLibraries | undefined => {
  const environments = pythonEnvironments({
    interpreters: [{ path: conformancePython, source: 'e2e' }],
    env: {},
    workspaceFolders: [],
    trusted: true,
  });
  const found = findTensorFlowLibraries(environments);
  const why = nativeUnavailable ?? ('missing' in found ? found.missing : undefined);
  if (why === undefined && !('missing' in found)) return found;
  process.stdout.write(`    Native TensorFlow in VS Code: NOT RUN (${why}); the journeys run the VSIX on wasm\n`);
  return undefined;
})();

function vsix(): string {
  if (!native) return join(repoRoot, 'tensor-lens.vsix');
  execFileSync(process.execPath, ['scripts/package.mjs', '--target', 'linux-x64'], { cwd: repoRoot, stdio: 'ignore' });
  return join(repoRoot, 'tensor-lens-linux-x64.vsix');
}

describe('Tensor Lens in a real VS Code (code-server)', function () {
  this.timeout(120_000);
  let server: CodeServer;
  let browser: Browser;
  let workbench: Workbench;

  before(async function () {
    this.timeout(300_000);
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    server = await startCodeServer(
      vsix(),
      {
        'seed_method1_k_function.py': join(examples, 'seed_method1_k_function.py'),
        'seed_method2_predict.py': join(examples, 'seed_method2_predict.py'),
        'seed_method3_subclassing.py': join(examples, 'seed_method3_subclassing.py'),
        'seed_method2_notebook.ipynb': join(examples, 'seed_method2_notebook.ipynb'),
        'shape_error.py': join(repoRoot, 'test', 'e2e', 'fixtures', 'shape_error.py'),
        'data_sizes.py': join(repoRoot, 'test', 'e2e', 'fixtures', 'data_sizes.py'),
        'transfer_efficientnet.py': join(repoRoot, 'test', 'e2e', 'fixtures', 'transfer_efficientnet.py'),
        'saved_model.py': join(repoRoot, 'test', 'e2e', 'fixtures', 'saved_model.py'),
        'tiny.h5': join(repoRoot, 'test', 'fixtures', 'weights', 'tiny.h5'),
        ...Object.fromEntries(
          ['train.py', 'blocks.py', 'nets/__init__.py', 'nets/heads.py'].map((file) => [
            `split_model/${file}`,
            join(examples, 'split_model', file),
          ]),
        ),
      },
      native ? { 'tensorLens.python.interpreter': conformancePython } : {},
    );
    process.once('exit', () => server.stop());
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    workbench = new Workbench(page, screenshots);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.split('.')[0]}`);
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    process.stdout.write(`    screenshots: ${screenshots}\n`);
  });

  it('1. hovers each seed method’s tensors: the exact shape line and the statistics', async () => {
    await workbench.openFile('seed_method1_k_function.py');
    assert.match(await workbench.hover(9, 'conv_layer', withStats), /^conv_layer: KerasTensor \(None, 30, 30, 32\) float32/);
    await workbench.screenshot('1-method1-hover-conv_layer');
    assert.match(await workbench.hover(13, 'conv_tensor', withStats), /^conv_tensor: KerasTensor \(None, 30, 30, 32\) float32/);
    const numpy = await workbench.hover(22, 'numpy_array', withStats);
    assert.match(numpy, /^numpy_array: ndarray \(1, 30, 30, 32\) float32/);
    assert.match(numpy, /\[\[\[\[/);
    await workbench.screenshot('1-method1-hover-numpy_array');

    await workbench.openFile('seed_method2_predict.py');
    assert.match(await workbench.hover(8, 'conv_layer', withStats), /^conv_layer: KerasTensor \(None, 30, 30, 32\) float32/);
    assert.match(await workbench.hover(19, 'numpy_array', withStats), /^numpy_array: ndarray \(1, 30, 30, 32\) float32/);
    await workbench.screenshot('1-method2-hover-numpy_array');

    await workbench.openFile('seed_method3_subclassing.py');
    assert.match(await workbench.hover(14, 'conv_out'), /^conv_out: Tensor \(1, 30, 30, 32\) float32/);
    assert.match(await workbench.hover(30, 'numpy_array', withStats), /^numpy_array: ndarray \(1, 30, 30, 32\) float32/);
    await workbench.screenshot('1-method3-hover-numpy_array');
  });

  it('2. shows the shape after each tensor assignment as an inlay hint', async () => {
    await workbench.openFile('seed_method1_k_function.py');
    assert.match(await workbench.lineText(8), /input_layer = layers\.Input\(shape=\(32, 32, 3\)\)\s+# \(None, 32, 32, 3\)/);
    assert.match(await workbench.lineText(9), /\(input_layer\)\s+# \(None, 30, 30, 32\)/);
    assert.match(await workbench.lineText(22), /numpy_array = get_conv_output\(input_data\)\[0\]\s+# \(1, 30, 30, 32\)/);
    await workbench.screenshot('2-inlay-hints');
  });

  it('3. reports a shape error in the Problems panel', async () => {
    await workbench.openFile('shape_error.py');
    await workbench.page.keyboard.press('Control+Shift+M');
    const problems = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: 'incompatible shapes' }).first();
    await problems.waitFor({ timeout: 30_000 });
    assert.match(await problems.innerText(), /Inputs have incompatible shapes\. Received shapes \(3,\) and \(4,\)/);
    await workbench.screenshot('3-problems');
  });

  it('4. Evaluate Tensor: a pick of every tensor with its shape, then the panel with one heatmap per channel', async () => {
    await workbench.openFile('seed_method1_k_function.py');
    await workbench.lineText(1);
    await workbench.runCommand('Tensor Lens: Evaluate Tensor');
    const rows = await workbench.quickPickRows('Choose a tensor to evaluate');
    assert.deepEqual(
      rows.map((row) => `${row.label}: ${row.description}`),
      [
        'input_layer: KerasTensor (None, 32, 32, 3) float32',
        'conv_layer: KerasTensor (None, 30, 30, 32) float32',
        'conv_tensor: KerasTensor (None, 30, 30, 32) float32',
        'input_data: ndarray (1, 32, 32, 3) float64',
        'numpy_array: ndarray (1, 30, 30, 32) float32',
      ],
    );
    await workbench.page.waitForTimeout(300);
    await workbench.screenshot('4-quick-pick');
    await workbench.page.locator('.quick-input-widget input').fill('conv_layer');
    await workbench.page.keyboard.press('Enter');
    const panel = await workbench.panel();
    await panel.locator('.tl-map').first().waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('.tl-map').count(), 32);
    assert.match(await panel.locator('#tl-stats').innerText(), /shape\s+\(1, 30, 30, 32\)[\s\S]*min\s+0[\s\S]*max\s+0\.\d+/);
    await workbench.screenshot('4-panel');
  });

  it('5. follows an edit: filters=32 → 16 changes the hover and the panel without reloading', async () => {
    const page = workbench.page;
    await workbench.lineText(9);
    await page.keyboard.press('Control+H');
    await page.locator('.find-widget .find-part textarea, .find-widget .find-part input').first().fill('filters=32');
    await page.locator('.find-widget .replace-part textarea, .find-widget .replace-part input').first().fill('filters=16');
    await page.keyboard.press('Control+Alt+Enter');
    await page.keyboard.press('Escape');
    assert.match(
      await workbench.hover(9, 'conv_layer', (t) => t.includes('30, 16)') && withStats(t)),
      /^conv_layer: KerasTensor \(None, 30, 30, 16\) float32/,
    );
    const panel = await workbench.panel();
    await panel.locator('#tl-stats', { hasText: '(1, 30, 30, 16)' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('.tl-map').count(), 16);
    await workbench.screenshot('5-after-edit');
  });

  it('6. shows the backend in use in the status bar: native TensorFlow from the Python environment where it loads', async () => {
    const expected = native ? `Tensor Lens: TensorFlow ${native.version.split('.').slice(0, 2).join('.')} native` : 'Tensor Lens: wasm';
    assert.ok((await workbench.statusBarItem('Tensor Lens')).includes(expected), expected);
    await workbench.screenshot('6-status-bar');
  });

  it('7. answers the next hover after the worker is killed from outside', async () => {
    const workers = () =>
      execFileSync('pgrep', ['-f', `${server.extensionsDir}/.*/dist/worker\\.js`], { encoding: 'utf8' })
        .trim()
        .split('\n');
    const [worker] = workers();
    assert.ok(worker, 'the evaluation worker runs');
    process.kill(Number(worker), 'SIGKILL');
    await workbench.openFile('seed_method2_predict.py');
    // A tensor not evaluated before: its values need the worker.
    assert.match(await workbench.hover(9, 'dense_layer', withStats), /^dense_layer: KerasTensor \(None, 30, 30, 10\) float32/);
    assert.notEqual(workers()[0], worker);
    await workbench.screenshot('7-after-worker-killed');
  });

  it('8. a model split over three modules: hovers and inlay hints through the helpers, and where each tensor was made', async () => {
    await workbench.openFile('train.py');
    const features = await workbench.hover(14, 'features', withStats);
    assert.match(features, /^features: KerasTensor \(None, 16, 16, 32\) float32/);
    assert.match(features, /made in blocks\.py, line 9/);
    await workbench.screenshot('8-modules-hover-features');
    assert.match(await workbench.lineText(15), /outputs = classifier_head\(features, heads\.NUM_CLASSES\)\s+# \(None, 10\)/);
    assert.match(await workbench.hover(15, 'outputs'), /made in nets\/heads\.py, line 12/);
    await workbench.screenshot('8-modules-inlay-hints');
  });

  it('9. a shape from data: the hover offers to pin it, and the directive written makes the model known', async () => {
    await workbench.openFile('data_sizes.py');
    assert.match(await workbench.hover(5, 'inputs'), /^inputs: not known statically — the shape of this Input is not known/);
    await workbench.screenshot('9-data-sizes-hover');
    await workbench.page.locator('.monaco-hover-content:visible a', { hasText: 'Pin x_train.shape' }).first().click();
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('(None, 28, 28, 1)');
    await workbench.screenshot('9-data-sizes-pin-input');
    await workbench.page.keyboard.press('Enter');
    await workbench.page.locator('.view-line', { hasText: '# tensor-lens: x_train.shape = (None, 28, 28, 1)' }).first().waitFor();
    assert.match(await workbench.lineText(5), /^# tensor-lens: x_train\.shape = \(None, 28, 28, 1\)/);
    assert.match(await workbench.hover(7, 'outputs'), /^outputs: KerasTensor \(None, 3\) float32/);
    await workbench.screenshot('9-data-sizes-pinned');
  });

  it('10. a keras.applications base: tensors after it and inside it, from Keras’s own EfficientNetB0', async () => {
    await workbench.openFile('transfer_efficientnet.py');
    assert.match(await workbench.hover(9, 'x'), /^x: KerasTensor \(None, 7, 7, 1280\) float32/);
    await workbench.screenshot('10-applications-hover-x');
    const features = await workbench.hover(10, 'features');
    assert.match(features, /^features: KerasTensor \(None, 14, 14, 672\) float32/);
    assert.match(features, /made in `?keras\/src\/applications\/efficientnet\.py`?, line \d+/);
    await workbench.screenshot('10-applications-hover-features');
  });

  it('11. a model Keras saved, read back: a layer inside it, with values from the file’s own weights', async () => {
    await workbench.openFile('saved_model.py');
    // Read once the HDF5 library has loaded, then the model's code lens shows: wait for it, as it moves the lines.
    await workbench.page.locator('.codelens-decoration', { hasText: 'tiny: 3 layers' }).first().waitFor({ timeout: 30_000 });
    const norm = await workbench.hover(5, 'norm', (text) => withStats(text) && text.includes('weights: the weights of'));
    assert.match(norm, /^norm: KerasTensor \(None, 3\) float32/);
    assert.match(norm, /BatchNormalization 'norm'/);
    assert.match(norm, /weights: the weights of 'tiny' from \S*tiny\.h5/);
    await workbench.screenshot('11-saved-model-hover-norm');
  });

  it('12. a notebook: a cell knows the names of the cells above — hover, inlay hints, Evaluate Tensor', async () => {
    await workbench.openNotebook('seed_method2_notebook.ipynb');
    // Code cells: imports; the model (`conv_layer = …`); a sub-model and predict (`conv_model = …`); a Markdown cell first.
    const conv = await workbench.hoverInCell('conv_model = ', 'conv_layer', withStats);
    assert.match(conv, /^conv_layer: KerasTensor \(None, 30, 30, 32\) float32/);
    assert.match(conv, /Conv2D 'conv2d' · 896 params/);
    await workbench.screenshot('12-notebook-hover');
    assert.match(await workbench.cellLineText('conv_layer = layers'), /\(input_layer\)\s+# \(None, 30, 30, 32\)$/);
    assert.match(await workbench.cellLineText('numpy_array = '), /predict\(input_data\)\s+# \(1, 30, 30, 32\)$/);
    await workbench.screenshot('12-notebook-inlay-hints');
    await workbench.clickInCell('conv_model = ', 'conv_layer');
    await workbench.runCommand('Tensor Lens: Evaluate Tensor');
    const panel = await workbench.panel();
    await panel.locator('#tl-stats', { hasText: '(1, 30, 30, 32)' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('#tl-name').innerText(), 'conv_layer');
    assert.equal(await panel.locator('.tl-map').count(), 32);
    await workbench.screenshot('12-notebook-panel');
    // The panel follows the cursor to another cell's tensor; Go to source opens the cell a tensor was bound in.
    await workbench.clickInCell('input_data = ', 'input_data');
    await panel.locator('#tl-name', { hasText: 'input_data' }).waitFor({ timeout: 30_000 });
    assert.match(await panel.locator('body').innerText(), /ndarray \(1, 32, 32, 3\) float64/);
    await workbench.screenshot('12-notebook-panel-follows');
    await workbench.clickInCell('conv_model = ', 'conv_layer');
    await panel.locator('#tl-name', { hasText: 'conv_layer' }).waitFor({ timeout: 30_000 });
    await panel.locator('#tl-reveal').click();
    // The model cell is the third of the notebook's four (a Markdown cell first).
    await workbench.page.locator('.statusbar-item', { hasText: 'Cell 3 of 4' }).waitFor({ timeout: 15_000 });
    await workbench.screenshot('12-notebook-go-to-source');
  });

  it('13. Get … as NumPy: the code action writes the sub-model and predict, and its array has the tensor’s shape', async () => {
    await workbench.openFile('seed_method2_predict.py');
    await workbench.hover(8, 'conv_layer');
    await workbench.page.keyboard.press('Escape');
    await workbench.page.keyboard.press('Control+.');
    const action = workbench.page
      .locator('.action-widget .monaco-list-row', { hasText: 'Get conv_layer as NumPy: a sub-model and predict' })
      .first();
    await action.waitFor({ timeout: 15_000 });
    await workbench.screenshot('13-code-action-menu');
    await action.click();
    // The sub-model's code lens comes above the first line written: once it shows, the lines stay put.
    await workbench.page.locator('.codelens-decoration', { hasText: 'functional_1: 2 layers' }).first().waitFor({ timeout: 30_000 });
    // `model = …` is line 10: the three lines come after it.
    assert.equal((await workbench.lineText(10)).trim(), 'model = tf.keras.models.Model(inputs=input_layer, outputs=dense_layer)');
    assert.match(
      await workbench.lineWithText('conv_layer_model = '),
      /^conv_layer_model = tf\.keras\.models\.Model\(inputs=model\.input, outputs=conv_layer\)$/,
    );
    assert.match(
      await workbench.lineWithText('conv_layer_input = '),
      /^conv_layer_input = np\.random\.rand\(1, 32, 32, 3\)\s+# \(1, 32, 32, 3\)$/,
    );
    const array = await workbench.hoverOnLineWith('conv_layer_array = ', 'conv_layer_array', withStats);
    assert.match(array, /^conv_layer_array: ndarray \(1, 30, 30, 32\) float32/);
    await workbench.screenshot('13-code-action-applied');
  });
});
