// The singular value decomposition by one-sided Jacobi rotations, in float64 on data read from the tensors: for the
// linalg kernels TensorFlow.js has no op for (svd, pinv, matrix_rank, norm with ord 2 or 'nuc').

export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/**
 * The thin SVD of an m×n matrix with m >= n by one-sided Jacobi rotations of its columns (float64): U (m×n, columns of
 * unit norm, zero where σ is 0), σ (n) and V (n×n), A = U·diag(σ)·Vᵀ.
 */
export function thinSvd(a: ArrayLike<number>, m: number, n: number): { u: Float64Array[]; s: number[]; v: Float64Array[] } {
  const u = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a[i * n + j]!));
  const v = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const up = u[p]!;
        const uq = u[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += up[i]! * up[i]!;
          beta += uq[i]! * uq[i]!;
          gamma += up[i]! * uq[i]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const [x, y] of [
          [up, uq],
          [v[p]!, v[q]!],
        ] as const) {
          for (let i = 0; i < x.length; i++) {
            const xi = x[i]!;
            const yi = y[i]!;
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const s = u.map((col) => Math.sqrt(col.reduce((sum, value) => sum + value * value, 0)));
  u.forEach((col, j) => {
    const sigma = s[j]!;
    for (let i = 0; i < m; i++) col[i] = sigma === 0 ? 0 : col[i]! / sigma;
  });
  return { u, s, v };
}

/** The singular values of an m×n matrix, largest first. */
export function singularValues(a: ArrayLike<number>, m: number, n: number): number[] {
  const tall = m >= n;
  return thinSvd(tall ? a : transpose(a, m, n), tall ? m : n, tall ? n : m).s.sort((x, y) => y - x);
}
