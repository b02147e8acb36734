// Kernels of keras.ops linalg decompositions (keras/src/backend/jax/linalg.py): qr, svd (singular values only),
// cholesky, cholesky_inverse, pinv and lstsq. TensorFlow.js has none of them: each matrix is read with dataSync and
// decomposed in float64 (Householder QR with LAPACK's sign convention, one-sided Jacobi SVD, Cholesky), then rounded
// to float32. JAX computes them in float32 with LAPACK, so the values agree within float32 rounding only where the
// matrix is well-conditioned: qr, pinv and lstsq refuse a matrix whose condition number exceeds `conditionBound`
// (there JAX's Q and inverses are dominated by its own rounding: errors of ε·κ relative to their norm), cholesky one
// beyond its square (where JAX's float32 factorization may also fail, and Keras raise), and every kernel refuses
// matrices larger than `sizeBound` on a side (this is a dense O(n³) loop in JavaScript).

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { singularValues, thinSvd, transpose } from './linalg-jacobi.js';
import { matrices, stacked } from './linalg-kernels.js';
import { trsm, view } from './linalg-openblas.js';

/** The largest side of a matrix decomposed here. */
export const sizeBound = 512;
/** The largest condition number (σmax / σmin) for which qr, pinv and lstsq are evaluated. */
export const conditionBound = 100;

const eps32 = 1.1920928955078125e-7;

interface Stack {
  readonly batch: number[];
  readonly rows: number;
  readonly cols: number;
  readonly items: Float64Array[];
}

function stackOf(t: tf.Tensor, path: string): Stack {
  if (t.rank < 2) throw new Error(`${path} of a tensor of rank ${t.rank} is not evaluated: Keras expects rank >= 2`);
  const rows = t.shape[t.rank - 2]!;
  const cols = t.shape[t.rank - 1]!;
  if (rows > sizeBound || cols > sizeBound)
    throw new Error(`${path} of a ${rows}x${cols} matrix is not evaluated: matrices up to ${sizeBound}x${sizeBound} are`);
  const float32 = matrices(t, path);
  return { ...float32, items: float32.items.map((item) => Float64Array.from(item)) };
}

/** Refuses a matrix whose float32 results in JAX are its own rounding: σmax / σmin beyond the bound. */
function wellConditioned(a: Float64Array, rows: number, cols: number, path: string, bound = conditionBound): void {
  if (a.some((v) => !Number.isFinite(v))) throw new Error(`${path} of a matrix with NaN or infinite entries is not evaluated`);
  const s = singularValues(a, rows, cols);
  if (s.length === 0) return;
  const condition = s[0]! / s[s.length - 1]!;
  if (!(condition <= bound)) {
    throw new Error(
      `${path} of an ill-conditioned matrix (condition number ${condition.toPrecision(3)} > ${bound}) is not evaluated: ` +
        "JAX's float32 LAPACK result is dominated by its rounding there",
    );
  }
}

// ---- qr ----------------------------------------------------------------------------------------------------------------

/**
 * Householder QR as LAPACK's geqr2 and orgqr: each reflector from slarfg (β = -sign(α)·‖x‖, none where the column
 * below the diagonal is zero, the diagonal then kept as is), Q accumulated from the identity. Returns Q (rows×qcols)
 * and R (rows×cols, upper triangular).
 */
function householderQr(a: Float64Array, m: number, n: number, qcols: number): [Float64Array, Float64Array] {
  const r = a.slice();
  const k = Math.min(m, n);
  const vectors: Float64Array[] = [];
  const taus: number[] = [];
  for (let j = 0; j < k; j++) {
    const alpha = r[j * n + j]!;
    let norm2 = 0;
    for (let i = j + 1; i < m; i++) norm2 += r[i * n + j]! ** 2;
    const v = new Float64Array(m);
    v[j] = 1;
    if (norm2 === 0) {
      vectors.push(v);
      taus.push(0);
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.sqrt(alpha * alpha + norm2);
    const tau = (beta - alpha) / beta;
    for (let i = j + 1; i < m; i++) v[i] = r[i * n + j]! / (alpha - beta);
    // Apply H = I - τ·v·vᵀ to the trailing columns.
    r[j * n + j] = beta;
    for (let i = j + 1; i < m; i++) r[i * n + j] = 0;
    for (let c = j + 1; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i]! * r[i * n + c]!;
      dot *= tau;
      for (let i = j; i < m; i++) r[i * n + c] = r[i * n + c]! - dot * v[i]!;
    }
    vectors.push(v);
    taus.push(tau);
  }
  // Q = H₀·H₁·…·H_{k-1} applied to the first qcols columns of the identity (orgqr: from the last reflector back).
  const q = new Float64Array(m * qcols);
  for (let i = 0; i < Math.min(m, qcols); i++) q[i * qcols + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vectors[j]!;
    const tau = taus[j]!;
    if (tau === 0) continue;
    for (let c = 0; c < qcols; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i]! * q[i * qcols + c]!;
      dot *= tau;
      for (let i = j; i < m; i++) q[i * qcols + c] = q[i * qcols + c]! - dot * v[i]!;
    }
  }
  return [q, r];
}

const qr: Kernel = (call) => {
  const mode = call.value('mode');
  if (mode !== 'reduced' && mode !== 'complete')
    throw new Error(`${call.path} with mode=${JSON.stringify(mode)} is not evaluated: Keras raises`);
  const x = stackOf(call.tensor('x', 'float32'), call.path);
  const { rows: m, cols: n } = x;
  const k = Math.min(m, n);
  const qcols = mode === 'complete' ? m : k;
  const rrows = mode === 'complete' ? m : k;
  const qs: Float64Array[] = [];
  const rs: Float64Array[] = [];
  for (const a of x.items) {
    wellConditioned(a, m, n, call.path);
    const [q, r] = householderQr(a, m, n, qcols);
    qs.push(q);
    rs.push(r.subarray(0, rrows * n));
  }
  return [stacked(qs, [...x.batch, m, qcols]), stacked(rs, [...x.batch, rrows, n])];
};

// ---- svd, pinv, lstsq --------------------------------------------------------------------------------------------------

const svd: Kernel = (call) => {
  if (call.value('compute_uv') !== false) {
    throw new Error(
      `${call.path} with compute_uv=True is not evaluated: the singular vectors are unique up to sign only, and JAX's ` +
        "signs are those LAPACK's gesdd happens to give (only compute_uv=False, the singular values, is)",
    );
  }
  const x = stackOf(call.tensor('x', 'float32'), call.path);
  const k = Math.min(x.rows, x.cols);
  const values = x.items.map((a) =>
    a.some((v) => !Number.isFinite(v)) ? new Array<number>(k).fill(NaN) : singularValues(a, x.rows, x.cols),
  );
  return stacked(values, [...x.batch, k]);
};

/**
 * jnp.linalg.pinv of an m×n matrix: V·diag(1/σ)·Uᵀ over the singular values above rcond·σmax (JAX's default rcond
 * 10·max(m, n)·ε of float32), as an n×m array.
 */
function pseudoInverse(a: Float64Array, m: number, n: number, rcond: number | null): Float64Array {
  const tall = m >= n;
  const [rows, cols] = tall ? [m, n] : [n, m];
  const { u, s, v } = thinSvd(tall ? a : transpose(a, m, n), rows, cols);
  const cutoff = (rcond ?? 10 * Math.max(m, n) * eps32) * Math.max(0, ...s);
  // The pseudo-inverse of the tall matrix B (rows×cols) is cols×rows: Σ_k v_k·u_kᵀ / σ_k.
  const p = new Float64Array(cols * rows);
  s.forEach((sigma, k) => {
    if (!(sigma > cutoff)) return;
    const uk = u[k]!;
    const vk = v[k]!;
    for (let i = 0; i < cols; i++) for (let j = 0; j < rows; j++) p[i * rows + j] = p[i * rows + j]! + (vk[i]! * uk[j]!) / sigma;
  });
  // For a wide A = Bᵀ, pinv(A) = pinv(B)ᵀ.
  return tall ? p : transpose(p, cols, rows);
}

function rcondOf(call: KernelCall): number | null {
  const rcond = call.value('rcond');
  if (rcond !== null && typeof rcond !== 'number') throw new Error(`${call.path} with a tensor \`rcond\` is not evaluated`);
  return rcond;
}

const pinv: Kernel = (call) => {
  const x = stackOf(call.tensor('x', 'float32'), call.path);
  const rcond = rcondOf(call);
  const out = x.items.map((a) => {
    wellConditioned(a, x.rows, x.cols, call.path);
    return pseudoInverse(a, x.rows, x.cols, rcond);
  });
  return stacked(out, [...x.batch, x.cols, x.rows]);
};

/** jnp.linalg.lstsq(a, b)[0]: the minimum-norm least-squares solution pinv(a)·b, its default rcond ε·max(m, n). */
const lstsq: Kernel = (call) => {
  const at = call.tensor('a', 'float32');
  const bt = call.tensor('b', 'float32');
  if (at.rank !== 2 || (bt.rank !== 1 && bt.rank !== 2))
    throw new Error(
      `${call.path} of a ${JSON.stringify(at.shape)} and b ${JSON.stringify(bt.shape)} is not evaluated: JAX takes a 2-D a, a 1-D or 2-D b`,
    );
  const a = stackOf(at, call.path);
  const [m, n] = [a.rows, a.cols];
  if (bt.shape[0] !== m) throw new Error(`${call.path}: a ${JSON.stringify(at.shape)} and b ${JSON.stringify(bt.shape)} do not match`);
  const k = bt.rank === 1 ? 1 : bt.shape[1]!;
  const b = Float64Array.from(bt.dataSync());
  const rcond = rcondOf(call) ?? Math.max(m, n) * eps32;
  const matrix = a.items[0]!;
  wellConditioned(matrix, m, n, call.path);
  const p = pseudoInverse(matrix, m, n, rcond);
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += p[i * m + j]! * b[j * k + c]!;
      x[i * k + c] = sum;
    }
  return stacked([x], bt.rank === 1 ? [n] : [n, k]);
};

// ---- cholesky, cholesky_inverse ----------------------------------------------------------------------------------------

/** The lower Cholesky factor of (A + Aᵀ)/2 (JAX symmetrizes its input), or null if it is not positive definite. */
function choleskyLower(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  const sym = (i: number, j: number) => (a[i * n + j]! + a[j * n + i]!) / 2;
  for (let j = 0; j < n; j++) {
    let d = sym(j, j);
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) return null;
    const root = Math.sqrt(d);
    l[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = sym(i, j);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / root;
    }
  }
  return l;
}

function squareStack(call: KernelCall): Stack {
  const x = stackOf(call.tensor('x', 'float32'), call.path);
  if (x.rows !== x.cols) throw new Error(`${call.path} of a non-square matrix (${x.rows}x${x.cols}) is not evaluated: Keras raises`);
  return x;
}

const cholesky: Kernel = (call) => {
  const x = squareStack(call);
  const n = x.rows;
  const upper = call.value('upper') === true;
  const out = x.items.map((a) => {
    // A positive definite matrix of condition κ is AᵀA for an A of condition √κ: the bound of qr and pinv, squared.
    wellConditioned(a, n, n, call.path, conditionBound ** 2);
    const l = choleskyLower(a, n);
    if (l === null) throw new Error(`${call.path} of a matrix that is not positive definite is not evaluated: Keras raises`);
    return upper ? transpose(l, n, n) : l;
  });
  return stacked(out, [...x.batch, n, n]);
};

/** Keras's cholesky_inverse: L⁻¹ by a float32 triangular solve (JAX's trsm, replayed), then L⁻ᵀ·L⁻¹ (or U⁻¹·U⁻ᵀ). */
const choleskyInverse: Kernel = (call) => {
  const x = squareStack(call);
  const n = x.rows;
  const upper = call.value('upper') === true;
  const inverses = x.items.map((a) => {
    const factor = Float32Array.from(a);
    const identity = new Float32Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 1;
    trsm(view(factor, n, n), view(identity, n, n), !upper, false);
    return identity;
  });
  const inv = stacked(inverses, [...x.batch, n, n]);
  return upper ? tf.matMul(inv, inv, false, true) : tf.matMul(inv, inv, true, false);
};

export const decompositionKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.qr': qr,
  'keras.ops.svd': svd,
  'keras.ops.pinv': pinv,
  'keras.ops.lstsq': lstsq,
  'keras.ops.cholesky': cholesky,
  'keras.ops.cholesky_inverse': choleskyInverse,
};
