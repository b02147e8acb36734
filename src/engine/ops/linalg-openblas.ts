// Float32 LU factorisation and triangular solves computed as JAX computes them on the CPU: jaxlib calls LAPACK's
// sgetrf and BLAS's strsm from the OpenBLAS that SciPy ships (0.3.30, the Haswell kernels on an AVX2 machine), whose
// rounding depends on the order of their operations and on which of them are fused multiply-adds. This module
// replays that order (lapack/getrf/getrf_single.c, lapack/getf2/getf2_k.c, the sgemv_n, sdot, sgemm 8x4 and strsm 8x4
// Haswell kernels), so that inv, solve and det of an ill-conditioned matrix give Keras's float32 values, not merely
// values as close to the exact ones. Checked bit for bit against jax.lax.linalg.lu, triangular_solve and
// jnp.linalg.solve for square and rectangular matrices up to 64 rows and columns (and right-hand sides up to 200);
// larger ones are blocked and threaded differently by OpenBLAS (GEMM_P, GEMM_Q, getrf_parallel) and may differ from
// JAX by float32 rounding, as will results computed by an OpenBLAS on another CPU or with another thread count.

const f32 = Math.fround;

/**
 * A float32 fused multiply-add, a·b + c rounded once. The product of two float32 is exact in a double; the double sum
 * p + c is not, so its rounding error (TwoSum) decides the rare case where the double lands on a float32 midpoint.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f32(s);
  if (r === s || !Number.isFinite(s)) return r;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  if (e === 0) return r;
  const other = s > r ? nextAfter32(r, Infinity) : nextAfter32(r, -Infinity);
  if ((r + other) / 2 !== s) return r;
  // s is halfway between two float32: the exact value is on the side of e.
  return e > 0 === other > r ? other : r;
}

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** The float32 next to x towards `to`. */
function nextAfter32(x: number, to: number): number {
  if (Number.isNaN(x) || x === to) return x;
  if (x === 0) return to > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  scratch[0] = x;
  scratchBits[0] = scratchBits[0]! + (to > x === x > 0 ? 1 : -1);
  return scratch[0]!;
}

/** A view of a float32 matrix stored row-major in `data`: element (i, j) at `off + i * ld + j`. */
export interface View {
  readonly data: Float32Array;
  readonly off: number;
  readonly ld: number;
  readonly rows: number;
  readonly cols: number;
}

export function view(data: Float32Array, rows: number, cols: number, ld = cols, off = 0): View {
  return { data, off, ld, rows, cols };
}

function sub(v: View, row: number, col: number, rows: number, cols: number): View {
  return { data: v.data, off: v.off + row * v.ld + col, ld: v.ld, rows, cols };
}

const at = (v: View, i: number, j: number): number => v.data[v.off + i * v.ld + j]!;
const put = (v: View, i: number, j: number, value: number): void => {
  v.data[v.off + i * v.ld + j] = value;
};

function swapRows(v: View, i: number, k: number, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    const t = at(v, i, j);
    put(v, i, j, at(v, k, j));
    put(v, k, j, t);
  }
}

// ---- Level 2: sgemv_n (sgemv_n_4.c with sgemv_n_microk_haswell-4.c) and sdot (sdot.c, strided) -----------------------

/** y -= A·x for the m×n view A (the rows below the diagonal of a getf2 panel), as getf2 calls GEMV_N. */
function gemvN(A: View, x: readonly number[], y: number[]): void {
  const m = A.rows;
  const n = A.cols;
  if (m < 1 || n < 1) return;
  const m3 = m & 3;
  const m2 = m - m3;
  if (m2 > 0) {
    const blocks: [number, number][] = [];
    let col = 0;
    for (let i = 0; i < n >> 3; i++, col += 8) blocks.push([col, 8]);
    const n2 = n & 7;
    if (n2 & 4) {
      blocks.push([col, 4]);
      col += 4;
    }
    if (n2 & 2) {
      blocks.push([col, 2]);
      col += 2;
    }
    if (n2 & 1) blocks.push([col, 1]);
    // The 4x8 and 4x4 kernels take the rows as a tail of 4, a tail of 8, then blocks of 16.
    const tails = (m2 & 4 ? 4 : 0) + (m2 & 8 ? 8 : 0);
    for (const [c0, w] of blocks) {
      if (w === 8 || w === 4) {
        for (let r = 0; r < m2; r++) {
          if (r < tails) {
            // Two accumulators (even and odd columns), summed, times alpha (-1), plus y.
            let even = 0;
            let odd = 0;
            for (let t = 0; t < w; t++) {
              if (t % 2 === 0) even = fma32(at(A, r, c0 + t), x[c0 + t]!, even);
              else odd = fma32(at(A, r, c0 + t), x[c0 + t]!, odd);
            }
            y[r] = f32(-f32(even + odd) + y[r]!);
          } else {
            let acc = 0;
            for (let t = 0; t < w; t++) acc = fma32(at(A, r, c0 + t), x[c0 + t]!, acc);
            y[r] = fma32(-1, acc, y[r]!);
          }
        }
      } else if (w === 2) {
        const x0 = -x[c0]!;
        const x1 = -x[c0 + 1]!;
        for (let r = 0; r < m2; r++) y[r] = f32(f32(y[r]! + f32(at(A, r, c0) * x0)) + f32(at(A, r, c0 + 1) * x1));
      } else {
        const x0 = -x[c0]!;
        for (let r = 0; r < m2; r++) y[r] = f32(f32(at(A, r, c0) * x0) + y[r]!);
      }
    }
  }
  for (let r = m2; r < m; r++) {
    let t = 0;
    for (let k = 0; k < n; k++) t = f32(t + f32(at(A, r, k) * x[k]!));
    y[r] = f32(y[r]! - t);
  }
}

/** sdot with a strided x (a row of L): pairs summed in float32, accumulated in a double, returned as float32. */
function sdotStrided(A: View, row: number, b: readonly number[], n: number): number {
  let dot = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) dot += f32(f32(b[i]! * at(A, row, i)) + f32(b[i + 1]! * at(A, row, i + 1)));
  for (; i < n; i++) dot += f32(b[i]! * at(A, row, i));
  return f32(dot);
}

// ---- getf2: the unblocked, left-looking LU of a panel ---------------------------------------------------------------

/** LU of the m×n panel `a` whose (0, 0) is row and column `off` of the whole matrix; `ipiv` holds absolute rows. */
function getf2(a: View, ipiv: Int32Array, off: number): void {
  const m = a.rows;
  const n = a.cols;
  for (let j = 0; j < n; j++) {
    const len = Math.min(j, m);
    for (let i = 0; i < len; i++) {
      const ip = ipiv[off + i]! - off;
      if (ip !== i) {
        const t = at(a, i, j);
        put(a, i, j, at(a, ip, j));
        put(a, ip, j, t);
      }
    }
    const b = Array.from({ length: m }, (_, i) => at(a, i, j));
    for (let i = 1; i < len; i++) b[i] = f32(b[i]! - sdotStrided(a, i, b, i));
    if (j < m) {
      const y = b.slice(j);
      gemvN(sub(a, j, 0, m - j, j), b.slice(0, j), y);
      for (let i = j; i < m; i++) b[i] = y[i - j]!;
      let jp = j;
      let best = -1;
      for (let i = j; i < m; i++) {
        const v = Math.abs(b[i]!);
        if (v > best) {
          best = v;
          jp = i;
        }
      }
      ipiv[off + j] = jp + off;
      for (let i = 0; i < m; i++) put(a, i, j, b[i]!);
      const pivot = b[jp]!;
      if (pivot !== 0) {
        const r = f32(1 / pivot);
        if (jp !== j) swapRows(a, j, jp, 0, j + 1);
        for (let i = j + 1; i < m; i++) put(a, i, j, f32(at(a, i, j) * r));
      }
    } else {
      for (let i = 0; i < m; i++) put(a, i, j, b[i]!);
    }
  }
}

// ---- sgemm (sgemm_kernel_8x4_haswell_2.c): which elements sum their k terms in two halves ---------------------------

/** Sequential fused sum over k, or (split) even k and odd k apart for the 8-row tiles of the n4 and n12 paths. */
function dotK(A: View, r: number, B: View, j: number, split: boolean): number {
  const K = A.cols;
  if (!split || K < 8) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc = fma32(at(A, r, k), at(B, k, j), acc);
    return acc;
  }
  const q = K - (K % 8);
  let even = 0;
  let odd = 0;
  for (let k = 0; k < q; k += 2) {
    even = fma32(at(A, r, k), at(B, k, j), even);
    odd = fma32(at(A, r, k + 1), at(B, k + 1, j), odd);
  }
  for (let k = q; k < K; k++) even = fma32(at(A, r, k), at(B, k, j), even);
  return f32(even + odd);
}

/** The elements (r, j) of an M×N GEMM_KERNEL_N call that the kernel sums in halves. */
function splitElements(M: number, N: number, K: number): Uint8Array {
  const split = new Uint8Array(M * N);
  const mark = (r0: number, r1: number, c0: number, c1: number) => {
    for (let r = r0; r < Math.min(r1, M); r++) for (let c = c0; c < c1; c++) split[r * N + c] = 1;
  };
  let j = 0;
  let n = N;
  const chunks: [number, number][] = [];
  for (; n > 11; n -= 12, j += 12) chunks.push([j, 12]);
  for (; n > 7; n -= 8, j += 8) chunks.push([j, 8]);
  for (; n > 3; n -= 4, j += 4) chunks.push([j, 4]);
  for (; n > 1; n -= 2, j += 2) chunks.push([j, 2]);
  if (n > 0) chunks.push([j, 1]);
  for (const [c0, w] of chunks) {
    if (w === 12 && M >= 16) {
      // COMPUTE_n12: H (rows 0-7, left half) split, then R/L m16n6 tiles sequential, ending with a T tile split.
      mark(0, 8, c0, c0 + 6);
      let c = 0;
      let left = M;
      for (;;) {
        c += 8;
        left -= 8;
        if (left < 16) {
          mark(c, c + 8, c0, c0 + 6);
          break;
        }
        c += 8;
        left -= 8;
        if (left < 16) {
          mark(c, c + 8, c0 + 6, c0 + 12);
          break;
        }
      }
    } else if (w === 4 && K >= 8) {
      mark(0, M - (M % 8), c0, c0 + 4);
    }
  }
  return split;
}

/** C -= A·B as GEMM_KERNEL_N computes it (alpha -1: the sum rounded, then C + -sum in one fused step). */
function gemmSub(C: View, A: View, B: View): void {
  const split = splitElements(C.rows, C.cols, A.cols);
  for (let r = 0; r < C.rows; r++) {
    for (let j = 0; j < C.cols; j++) put(C, r, j, f32(at(C, r, j) - dotK(A, r, B, j, split[r * C.cols + j] === 1)));
  }
}

/** C -= A·B summed over k in order (descending for the LN trsm kernel's own updates). */
function gemmSubOrdered(C: View, A: View, B: View, descending: boolean): void {
  const K = A.cols;
  for (let r = 0; r < C.rows; r++) {
    for (let j = 0; j < C.cols; j++) {
      let acc = 0;
      if (descending) for (let k = K - 1; k >= 0; k--) acc = fma32(at(A, r, k), at(B, k, j), acc);
      else for (let k = 0; k < K; k++) acc = fma32(at(A, r, k), at(B, k, j), acc);
      put(C, r, j, f32(at(C, r, j) - acc));
    }
  }
}

// ---- strsm (strsm_kernel_8x4_haswell_LT.c / _LN.c) -----------------------------------------------------------------

/**
 * Solves one diagonal block in place: x_i = c_i · (1 / a_ii), then c_k -= x_i · a_ki (fused in the SIMD paths). The SIMD
 * kernels solve the rows in pairs, and the row of a pair solved first then takes x - 0·x (their masked update of its
 * partner), which is NaN where x is infinite.
 */
function solveBlock(A: View, C: View, inverse: readonly number[], base: number, simd: boolean, lower: boolean): void {
  const m = A.rows;
  for (let step = 0; step < m; step++) {
    const i = lower ? step : m - 1 - step;
    for (let j = 0; j < C.cols; j++) put(C, i, j, f32(at(C, i, j) * inverse[base + i]!));
    const from = lower ? i + 1 : 0;
    const to = lower ? m : i;
    for (let k = from; k < to; k++) {
      for (let j = 0; j < C.cols; j++) {
        const x = at(C, i, j);
        put(C, k, j, simd ? fma32(-x, at(A, k, i), at(C, k, j)) : f32(at(C, k, j) - f32(x * at(A, k, i))));
      }
    }
    // Pairs are (0, 1), (2, 3), … from the block's first row; lower solves a pair's even row first, upper its odd one.
    const firstOfPair = m > 1 && (lower ? i % 2 === 0 : i % 2 === 1);
    if (simd && firstOfPair) {
      for (let j = 0; j < C.cols; j++) {
        const x = at(C, i, j);
        put(C, i, j, fma32(-0, x, x));
      }
    }
  }
}

/** One chunk of right-hand sides through the trsm kernel: SIMD (12, 8 or 4 columns) or the C edge (2 or 1). */
function trsmChunk(A: View, C: View, inverse: readonly number[], lower: boolean, simd: boolean): void {
  const n = A.rows;
  if (lower) {
    const blocks: [number, number][] = [];
    let i = 0;
    for (; i + 8 <= n; i += 8) blocks.push([i, 8]);
    for (const h of [4, 2, 1]) {
      if ((n - i) & h) {
        blocks.push([i, h]);
        i += h;
      }
    }
    for (const [s, h] of blocks) {
      if (s > 0) gemmSubOrdered(sub(C, s, 0, h, C.cols), sub(A, s, 0, h, s), sub(C, 0, 0, s, C.cols), false);
      solveBlock(sub(A, s, s, h, h), sub(C, s, 0, h, C.cols), inverse, s, simd, true);
    }
  } else {
    const blocks: [number, number][] = [];
    let top = n;
    for (const h of [1, 2, 4]) {
      if (n & h) {
        top -= h;
        blocks.push([top, h]);
      }
    }
    while (top > 0) {
      top -= 8;
      blocks.push([top, 8]);
    }
    for (const [s, h] of blocks) {
      if (s + h < n) gemmSubOrdered(sub(C, s, 0, h, C.cols), sub(A, s, s + h, h, n - s - h), sub(C, s + h, 0, n - s - h, C.cols), simd);
      solveBlock(sub(A, s, s, h, h), sub(C, s, 0, h, C.cols), inverse, s, simd, false);
    }
  }
}

/**
 * The threads strsm splits the right-hand sides among (gemm_thread_n): two on the two-CPU machine the reference was
 * made on, once B has 8 rows and columns and 1024 entries; the first takes the larger half.
 */
const trsmThreads = 2;

function columnRanges(rows: number, cols: number): [number, number][] {
  if (rows < 8 || cols < 8 || rows * cols < 1024) return [[0, cols]];
  const ranges: [number, number][] = [];
  let from = 0;
  for (let t = 0; t < trsmThreads && from < cols; t++) {
    const width = Math.floor((cols - from + trsmThreads - t - 1) / (trsmThreads - t));
    ranges.push([from, from + width]);
    from += width;
  }
  return ranges;
}

/** Solves A·X = B in place of B (left side, no transpose), A lower or upper triangular, as strsm does. */
export function trsm(A: View, B: View, lower: boolean, unitDiagonal: boolean): void {
  const n = A.rows;
  const inverse = Array.from({ length: n }, (_, i) => (unitDiagonal ? 1 : f32(1 / at(A, i, i))));
  for (const [from, to] of columnRanges(n, B.cols)) {
    const ncol = to - from;
    let j = 0;
    const chunks: [number, number, boolean][] = [];
    for (const w of [12, 8, 4]) for (; ncol - j >= w; j += w) chunks.push([j, w, true]);
    for (; ncol - j >= 2; j += 2) chunks.push([j, 2, false]);
    if (ncol - j > 0) chunks.push([j, 1, false]);
    for (const [c0, w, simd] of chunks) trsmChunk(A, sub(B, 0, from + c0, n, w), inverse, lower, simd);
  }
}

// ---- getrf: OpenBLAS's recursive blocked LU -------------------------------------------------------------------------

const unrollN = 4;

function getrfRecursive(a: View, ipiv: Int32Array, off: number): void {
  const m = a.rows;
  const n = a.cols;
  const mn = Math.min(m, n);
  const blocking = (Math.floor(mn / 2) + unrollN - 1) & ~(unrollN - 1);
  if (blocking <= unrollN * 2) {
    getf2(a, ipiv, off);
    return;
  }
  const ones = Array<number>(blocking).fill(1);
  for (let j = 0; j < mn; j += blocking) {
    const jb = Math.min(mn - j, blocking);
    getrfRecursive(sub(a, j, j, m - j, jb), ipiv, off + j);
    if (j + jb < n) {
      const L = sub(a, j, j, jb, jb);
      for (let jjs = j + jb; jjs < n; jjs += unrollN) {
        const w = Math.min(unrollN, n - jjs);
        const cols = sub(a, 0, jjs, m, w);
        for (let i = j; i < j + jb; i++) {
          const ip = ipiv[off + i]! - off;
          if (ip !== i) swapRows(cols, i, ip, 0, w);
        }
        trsmChunk(L, sub(cols, j, 0, jb, w), ones, true, w === 4);
      }
      gemmSub(sub(a, j + jb, j + jb, m - j - jb, n - j - jb), sub(a, j + jb, j, m - j - jb, jb), sub(a, j, j + jb, jb, n - j - jb));
    }
  }
  for (let j = 0; j < mn; j += blocking) {
    const jb = Math.min(mn - j, blocking);
    for (let i = j + jb; i < mn; i++) {
      const ip = ipiv[off + i]! - off;
      if (ip !== i) swapRows(a, i, ip, j, j + jb);
    }
  }
}

/** LU with partial pivoting of the m×n matrix in place (L unit lower below the diagonal, U on and above it). */
export function getrf(a: View): Int32Array {
  const ipiv = new Int32Array(Math.min(a.rows, a.cols));
  getrfRecursive(a, ipiv, 0);
  return ipiv;
}

/** The permutation the pivots make of the rows (jax.lax.linalg.lu's third output). */
export function permutation(ipiv: Int32Array, rows: number): number[] {
  const perm = Array.from({ length: rows }, (_, i) => i);
  ipiv.forEach((p, i) => {
    [perm[i], perm[p]] = [perm[p]!, perm[i]!];
  });
  return perm;
}

/** jnp.linalg.solve of one n×n matrix: B (n×k) overwritten by A⁻¹·B, as lu_solve computes it. */
export function luSolve(lu: View, ipiv: Int32Array, B: View): void {
  const perm = permutation(ipiv, lu.rows);
  const rows = perm.map((p) => Array.from({ length: B.cols }, (_, j) => at(B, p, j)));
  rows.forEach((row, i) => row.forEach((v, j) => put(B, i, j, v)));
  trsm(lu, B, true, true);
  trsm(lu, B, false, false);
}
