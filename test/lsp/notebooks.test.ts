// Jupyter notebooks through the real server over LSP 3.17 notebook sync: the code cells are one program, and every
// answer is in the coordinates of the cell asked about. Each cell below is its text; `at(cell, text)` is where the
// text starts in it.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeNotebookDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  NotebookCellKind,
  type CodeAction,
  type MarkupContent,
  type NotebookCell,
  type Position,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  evaluateTensorRequest,
  listTensorsRequest,
  tensorAtRequest,
  type ListTensorsResult,
  type TensorEvaluation,
  type TensorItem,
} from '../../src/protocol/lsp.js';
import { PublishedDiagnostics, root, startServer } from './stdio-server.js';

const imports = 'import tensorflow as tf\nfrom tensorflow.keras import layers\nimport numpy as np';
const model = `%matplotlib inline
input_layer = layers.Input(shape=(32, 32, 3))
conv_layer = layers.Conv2D(filters=32, kernel_size=(3, 3), activation='relu')(input_layer)
dense_layer = layers.Dense(10, activation='softmax')(conv_layer)
model = tf.keras.models.Model(inputs=input_layer, outputs=dense_layer)`;
const predict = `conv_model = tf.keras.models.Model(inputs=model.input, outputs=conv_layer)
numpy_array = conv_model.predict(np.random.rand(1, 32, 32, 3))`;

function at(text: string, what: string, offset = 0): Position {
  const index = text.indexOf(what);
  assert.ok(index >= 0, `${what} is not in the cell`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

describe('language server: notebooks', function () {
  this.timeout(60_000);
  let connection: ProtocolConnection;
  let stop: () => void;
  const published = new PublishedDiagnostics();
  let opened = 0;

  before(async () => {
    ({ connection, stop } = await startServer({ initializationOptions: { hover: { values: 'off' }, clientCommands: true } }, (c) =>
      published.listen(c),
    ));
  });
  after(() => stop());

  interface Notebook {
    readonly uri: string;
    readonly cells: string[];
    version: number;
  }

  /** Opens a notebook of code cells (a Markdown cell first, which the program leaves out), with execution orders. */
  async function open(texts: string[], executionOrders: (number | undefined)[] = []): Promise<Notebook> {
    const uri = pathToFileURL(join(root, 'examples', `notebook-${++opened}.ipynb`)).href;
    const cells = texts.map((_, i) => `${uri}#cell${i}`);
    const notebookCells: NotebookCell[] = [
      { kind: NotebookCellKind.Markup, document: `${uri}#markdown` },
      ...cells.map((document, i) => ({
        kind: NotebookCellKind.Code,
        document,
        ...(executionOrders[i] !== undefined && { executionSummary: { executionOrder: executionOrders[i] } }),
      })),
    ];
    await connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells: notebookCells },
      cellTextDocuments: [
        { uri: `${uri}#markdown`, languageId: 'markdown', version: 1, text: '# Title' },
        ...texts.map((text, i) => ({ uri: cells[i]!, languageId: 'python', version: 1, text })),
      ],
    });
    return { uri, cells, version: 1 };
  }

  async function edit(notebook: Notebook, cell: number, text: string): Promise<void> {
    const uri = notebook.cells[cell]!;
    await connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook.uri, version: ++notebook.version },
      change: { cells: { textContent: [{ document: { uri, version: notebook.version }, changes: [{ text }] }] } },
    });
  }

  async function hover(uri: string, position: Position): Promise<{ text: string; range: unknown }> {
    const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    return { text: (result?.contents as MarkupContent | undefined)?.value ?? '', range: result?.range };
  }

  it('hovers a name of a cell above with its shape and layer; the range is in the cell asked about', async () => {
    const notebook = await open([imports, model, predict]);
    const use = at(predict, 'conv_layer)', 2);
    const { text, range } = await hover(notebook.cells[2]!, use);
    assert.match(text, /^`conv_layer: KerasTensor \(None, 30, 30, 32\) float32`\n\nConv2D 'conv2d' · 896 params/);
    assert.deepEqual(range, { start: at(predict, 'conv_layer)'), end: at(predict, 'conv_layer)', 'conv_layer'.length) });
    assert.match((await hover(notebook.cells[2]!, at(predict, 'numpy_array'))).text, /^`numpy_array: ndarray \(1, 30, 30, 32\) float32`/);
    assert.doesNotMatch(text, /another order/);
  });

  it('gives each cell its own inlay hints and code lenses, at the lines of that cell', async () => {
    const notebook = await open([imports, model, predict]);
    const range = { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } };
    const hints = await connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: notebook.cells[1]! }, range });
    assert.deepEqual(
      hints?.map((h) => [h.position.line, h.label]),
      [
        [1, '  # (None, 32, 32, 3)'],
        [2, '  # (None, 30, 30, 32)'],
        [3, '  # (None, 30, 30, 10)'],
      ],
    );
    const below = await connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: notebook.cells[2]! }, range });
    assert.deepEqual(
      below?.map((h) => [h.position, h.label]),
      [[{ line: 1, character: predict.split('\n')[1]!.length }, '  # (1, 30, 30, 32)']],
    );
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: notebook.cells[1]! } });
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments]),
      [
        [4, 'functional: 3 layers · 1,226 params', undefined],
        [4, 'Evaluate', [notebook.cells[1], at(model, 'dense_layer =')]],
      ],
    );
    const imported = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: notebook.cells[0]! } });
    assert.deepEqual(imported, []);
  });

  it('publishes diagnostics to the cell they are in, and an edit in one cell refreshes the cells below', async () => {
    const notebook = await open(['import tensorflow as tf\nimport numpy as np', model, 'x = layers.Add()([input_layer, dense_layer])']);
    // The first cell does not import `layers`: the model cell says so, at its own lines.
    const modelCell = await published.until(notebook.cells[1]!, (d) => d.length > 0);
    assert.deepEqual(modelCell[0]!.range.start, at(model, 'layers.Input'));
    assert.match(String(modelCell[0]!.message), /"layers" is not defined/);
    assert.deepEqual(published.get(notebook.cells[0]!), []);
    await edit(notebook, 0, imports);
    await published.until(notebook.cells[1]!, (d) => d.length === 0);
    const added = await published.until(notebook.cells[2]!, (d) => d.every((x) => String(x.message).startsWith('Inputs')));
    assert.deepEqual(
      added.map((d) => [d.range.start, d.message]),
      [[{ line: 0, character: 4 }, 'Inputs have incompatible shapes. Received shapes (32, 32, 3) and (30, 30, 10)']],
    );
    await connection.sendNotification(DidCloseNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook.uri },
      cellTextDocuments: notebook.cells.map((uri) => ({ uri })),
    });
    await published.until(notebook.cells[2]!, (d) => d.length === 0);
  });

  it('lists, finds and evaluates tensors in cell coordinates, naming the cell of a binding made above', async () => {
    const notebook = await open([imports, model, predict]);
    const found = await connection.sendRequest<TensorItem | null>(tensorAtRequest, {
      uri: notebook.cells[2]!,
      position: at(predict, 'conv_layer)', 1),
    });
    assert.deepEqual(
      [found?.name, found?.uri, found?.range.start, found?.shape],
      ['conv_layer', notebook.cells[1], at(model, 'conv_layer ='), '(None, 30, 30, 32)'],
    );
    const listed = await connection.sendRequest<ListTensorsResult>(listTensorsRequest, { uri: notebook.cells[2]! });
    assert.deepEqual(
      listed.tensors.map((t) => [t.name, t.uri === undefined ? 'here' : notebook.cells.indexOf(t.uri), t.range.start.line]),
      [
        ['input_layer', 1, 1],
        ['conv_layer', 1, 2],
        ['dense_layer', 1, 3],
        ['numpy_array', 'here', 1],
      ],
    );
    const evaluated = await connection.sendRequest<TensorEvaluation>(evaluateTensorRequest, {
      uri: notebook.cells[2]!,
      position: at(predict, 'conv_layer)', 1),
    });
    assert.equal(evaluated.error, undefined);
    assert.deepEqual(
      [evaluated.uri, evaluated.tensor.uri, evaluated.summary?.shape],
      [notebook.cells[2], notebook.cells[1], [1, 30, 30, 32]],
    );
    // ReLU: no negative values.
    assert.ok(evaluated.summary!.min >= 0, String(evaluated.summary!.min));
  });

  it("offers the seed's code for a tensor of a cell above, inserted in the cell of the model", async () => {
    const notebook = await open([imports, model, predict]);
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: notebook.cells[2]! },
      range: { start: at(predict, 'conv_layer)', 1), end: at(predict, 'conv_layer)', 1) },
      context: { diagnostics: [] },
    });
    const titles = (actions ?? []).map((a) => ('title' in a ? a.title : ''));
    assert.deepEqual(titles, [
      'Get conv_layer as NumPy: a sub-model and predict',
      'Get conv_layer as NumPy: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)',
    ]);
    const changes = (actions![0] as CodeAction).edit!.changes!;
    assert.deepEqual(Object.keys(changes), [notebook.cells[1]]);
    const [insert] = changes[notebook.cells[1]!]!;
    const modelLines = model.split('\n');
    assert.deepEqual(insert!.range.start, { line: 4, character: modelLines[4]!.length });
    // Applied, the cell's array has the tensor's shape.
    await edit(notebook, 1, `${model}${insert!.newText}`);
    const { text } = await hover(notebook.cells[1]!, { line: 7, character: 2 });
    assert.match(text, /^`conv_layer_array: ndarray \(1, 30, 30, 32\) float32`/);
  });

  it("links a hover's pin to the cell and line of the binding, for the client's command", async () => {
    const notebook = await open([
      'import keras\nimport numpy as np\nx_train = np.load("x.npy")',
      '\ninputs = keras.Input(shape=x_train.shape[1:])',
    ]);
    const { text } = await hover(notebook.cells[1]!, { line: 1, character: 2 });
    const link = /\[Pin `x_train.shape`…\]\(command:[\w.]+\?([^)]+)\)/.exec(text);
    assert.ok(link, text);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1]!)), [notebook.cells[1], 1, 'x_train.shape']);
  });

  it('says in the hover when the cells ran in another order than the notebook', async () => {
    const notebook = await open([imports, model, predict], [1, 3, 2]);
    const { text } = await hover(notebook.cells[1]!, at(model, 'conv_layer'));
    assert.match(
      text,
      /_Analysed in notebook order, top to bottom: the cells last ran in another order \(execution counts \[1\], \[3\], \[2\]\)._$/,
    );
  });
});
