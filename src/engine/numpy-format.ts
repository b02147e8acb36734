// NumPy's `str(array)` with `np.set_printoptions(edgeitems=3, precision=4)`:
// the layout of numpy/core/arrayprint.py (float mode "maxprec", a switch to
// exponent notation for wide ranges, "..." summaries past 1000 elements,
// lines wrapped at 75 columns), so values read as they would in Python.

export interface FormatOptions {
  readonly precision: number;
  readonly edgeItems: number;
  /** Arrays with more elements than this are summarised. */
  readonly threshold: number;
  readonly lineWidth: number;
}

export const numpyDefaults: FormatOptions = { precision: 4, edgeItems: 3, threshold: 1000, lineWidth: 75 };

export function formatArray(
  data: ArrayLike<number>,
  shape: readonly number[],
  integer = false,
  options: FormatOptions = numpyDefaults,
): string {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > options.threshold;
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const shown = (axis: number): number[] => {
    const length = shape[axis]!;
    if (!summarise || length <= 2 * options.edgeItems) return Array.from({ length }, (_, i) => i);
    return [
      ...Array.from({ length: options.edgeItems }, (_, i) => i),
      ...Array.from({ length: options.edgeItems }, (_, i) => length - options.edgeItems + i),
    ];
  };
  // Widths are computed from the elements that are printed, as NumPy does.
  const visible: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) visible.push(data[offset]!);
    else for (const i of shown(axis)) collect(axis + 1, offset + i * strides[axis]!);
  };
  collect(0, 0);
  const format = integer ? integerFormatter(visible) : floatFormatter(visible, options.precision);
  if (shape.length === 0) return format(data[0]!);

  const recurse = (axis: number, offset: number, hangingIndent: string, width: number): string => {
    const axesLeft = shape.length - axis;
    const length = shape[axis]!;
    const showSummary = summarise && 2 * options.edgeItems < length;
    const indices = showSummary
      ? [
          ...Array.from({ length: options.edgeItems }, (_, i) => i),
          -1,
          ...Array.from({ length: options.edgeItems }, (_, i) => length - options.edgeItems + i),
        ]
      : Array.from({ length }, (_, i) => i);
    const nextIndent = `${hangingIndent} `;
    let text = '';
    if (axesLeft === 1) {
      const elementWidth = width - 1;
      let line = hangingIndent;
      indices.forEach((i, n) => {
        const word = i === -1 ? '...' : format(data[offset + i * strides[axis]!]!);
        if (line.length + word.length > elementWidth) {
          text += `${line.trimEnd()}\n`;
          line = hangingIndent;
        }
        line += word;
        if (n < indices.length - 1) line += ' ';
      });
      text += line;
    } else {
      const separator = '\n'.repeat(axesLeft - 1);
      indices.forEach((i, n) => {
        const nested = i === -1 ? '...' : recurse(axis + 1, offset + i * strides[axis]!, nextIndent, width - 1);
        text += hangingIndent + nested + (n < indices.length - 1 ? separator : '');
      });
    }
    return `[${text.slice(hangingIndent.length)}]`;
  };
  return recurse(0, 0, ' ', options.lineWidth);
}

function integerFormatter(values: number[]): (x: number) => string {
  const width = Math.max(0, ...values.map((v) => String(v).length));
  return (x) => String(x).padStart(width);
}

/** NumPy's FloatingFormat in "maxprec" mode: one shared layout for every element. */
function floatFormatter(values: number[], precision: number): (x: number) => string {
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.map(Math.abs).filter((v) => v !== 0);
  const maxValue = Math.max(0, ...magnitudes);
  const minValue = magnitudes.length > 0 ? Math.min(...magnitudes) : 0;
  const exponential = maxValue >= 1e8 || (magnitudes.length > 0 && (minValue < 1e-4 || maxValue / minValue > 1e3));
  const pieces = finite.map((v) => split(v, precision, exponential));
  const fraction = Math.max(0, ...pieces.map((p) => p.fraction.length));
  const integer = Math.max(0, ...pieces.map((p) => p.integer.length));
  const exponentWidth = Math.max(0, ...pieces.map((p) => p.exponent.length));
  const special = values.filter((v) => !Number.isFinite(v)).map(specialText);
  const width = Math.max(integer + 1 + fraction + exponentWidth, ...special.map((s) => s.length));
  return (x) => {
    if (!Number.isFinite(x)) return specialText(x).padStart(width);
    const p = split(x, precision, exponential);
    return `${p.integer.padStart(integer)}.${exponential ? p.fraction.padEnd(fraction, '0') + p.exponent : p.fraction.padEnd(fraction)}`.padStart(
      width,
    );
  };
}

function specialText(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** A value as its integer part, trimmed fraction and (for exponent notation) `e+XX`. */
function split(x: number, precision: number, exponential: boolean): { integer: string; fraction: string; exponent: string } {
  if (exponential) {
    const [mantissa, power] = x.toExponential(precision).split('e') as [string, string];
    const [integer, fraction = ''] = mantissa.split('.') as [string, string?];
    const sign = power.startsWith('-') ? '-' : '+';
    return { integer, fraction: fraction.replace(/0+$/, ''), exponent: `e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}` };
  }
  const [integer, fraction = ''] = x.toFixed(precision).split('.') as [string, string?];
  return { integer: integer === '-0' ? (x < 0 ? '-0' : '0') : integer, fraction: fraction.replace(/0+$/, ''), exponent: '' };
}
