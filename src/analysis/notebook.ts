// A Jupyter notebook as one Python program: its code cells in notebook order, as a kernel runs them from the top.
// IPython's own syntax is not Python: a line magic, a shell escape or a help request becomes `pass` (at its
// indentation, so a block keeps a body), and a cell magic whose body is not Python (%%bash, %%writefile…) leaves its
// cell out; %%time and %%capture run their body in the notebook's namespace, so it is analysed. Every cell keeps its
// number of lines and each line its columns, so a position maps to a cell by adding the line the cell starts at.

export interface NotebookCell {
  readonly text: string;
  /** Its place among all the notebook's cells, Markdown ones included (zero-based), when it is not its place in the list. */
  readonly index?: number;
  /** The cell's last execution count, when the notebook has one. */
  readonly executionCount?: number | null;
}

export interface NotebookProgram {
  /** The cells' Python, one after the other. */
  readonly text: string;
  /** The program line each cell starts at. */
  readonly firstLines: readonly number[];
  /** Why the analysis's order may not be the kernel's: said once the execution counts show another order. */
  readonly orderNote?: string;
}

export interface CellPosition {
  /** The cell's index in the notebook (zero-based). */
  readonly cell: number;
  readonly line: number;
  readonly character: number;
}

/** Cell magics whose body is Python run in the notebook's namespace: its names are bound for the cells below. */
const pythonCellMagics = new Set(['time', 'capture']);
const lineBreak = /\r\n|\r|\n/;

export function notebookProgram(cells: readonly NotebookCell[]): NotebookProgram {
  const firstLines: number[] = [];
  const lines: string[] = [];
  for (const cell of cells) {
    firstLines.push(lines.length);
    lines.push(...cellPython(cell.text.split(lineBreak)));
  }
  const orderNote = executionOrderNote(cells);
  return { text: lines.join('\n'), firstLines, ...(orderNote && { orderNote }) };
}

function cellPython(lines: string[]): string[] {
  const first = lines.findIndex((line) => line.trim() !== '');
  const cellMagic = first >= 0 ? /^\s*%%(\w+)/.exec(lines[first]!) : null;
  if (cellMagic) {
    if (!pythonCellMagics.has(cellMagic[1]!)) return lines.map(() => '');
    return lines.map((line, i) => (i === first ? '' : ipythonLine(line)));
  }
  return lines.map(ipythonLine);
}

/** A line of IPython syntax as `pass` at its indentation; Python lines as they are. */
function ipythonLine(line: string): string {
  const indent = /^\s*/.exec(line)![0];
  const rest = line.slice(indent.length);
  const magicOrShell = /^[!%]/.test(rest);
  const help = /^\?{1,2}[\w.]+\s*$/.test(rest) || /^[\w.]+\?{1,2}\s*$/.test(rest);
  return magicOrShell || help ? `${indent}pass` : line;
}

function executionOrderNote(cells: readonly NotebookCell[]): string | undefined {
  const counts = cells.map((c) => c.executionCount).filter((n): n is number => typeof n === 'number');
  if (counts.every((n, i) => i === 0 || n > counts[i - 1]!)) return undefined;
  const shown = counts.slice(0, 8).map((n) => `[${n}]`);
  if (counts.length > shown.length) shown.push('…');
  return `Analysed in notebook order, top to bottom: the cells last ran in another order (execution counts ${shown.join(', ')}).`;
}

/** The cell and the position in it of a program position. */
export function cellPosition(program: NotebookProgram, line: number, character: number): CellPosition {
  // The last cell that starts at or before the line (a binary search: a notebook may have thousands of cells).
  let low = 0;
  let high = program.firstLines.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (program.firstLines[middle]! <= line) low = middle;
    else high = middle - 1;
  }
  return { cell: low, line: line - (program.firstLines[low] ?? 0), character };
}

/** The program line of a cell's line. */
export function programLine(program: NotebookProgram, cell: number, line: number): number {
  return (program.firstLines[cell] ?? 0) + line;
}

/** The code cells of an .ipynb file (nbformat 4), in order; an Error saying what is wrong with a file that is not one. */
export function readIpynb(json: string): NotebookCell[] {
  let notebook: unknown;
  try {
    notebook = JSON.parse(json);
  } catch (error) {
    throw new Error(`it is not a Jupyter notebook: not JSON (${(error as Error).message})`);
  }
  const cells = (notebook as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) throw new Error('it is not a Jupyter notebook: it has no list of "cells"');
  const language = (notebook as { metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } }).metadata;
  const name = language?.language_info?.name ?? language?.kernelspec?.language;
  if (typeof name === 'string' && name.toLowerCase() !== 'python') throw new Error(`its kernel runs ${name}, not Python`);
  return cells.flatMap((cell: unknown, i): NotebookCell[] => {
    const c = cell as { cell_type?: unknown; source?: unknown; execution_count?: unknown } | null;
    if (c?.cell_type !== 'code') return [];
    const source = c.source;
    const text =
      typeof source === 'string'
        ? source
        : Array.isArray(source) && source.every((s) => typeof s === 'string')
          ? source.join('')
          : undefined;
    if (text === undefined) throw new Error(`cell ${i + 1} has no text source`);
    return [{ text, index: i, executionCount: typeof c.execution_count === 'number' ? c.execution_count : null }];
  });
}
