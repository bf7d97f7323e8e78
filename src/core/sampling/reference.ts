// High-accuracy float64 reference solution of the probability-flow ODE from the same x_T (specs §17.1,
// §17.3c): classical RK4 in λ on the data form d(x/σ)/dλ = e^{λ}·D(x, t(λ)) (V3P eq. 3), uniform in λ.
// Used for the same-noise RMSE and the convergence-order tests; its own error is checked by step halving.

import type { DenoiserModel } from './interpreter.ts';
import type { NoiseProcess } from './process.ts';

export function referenceSolution(
  process: NoiseProcess,
  model: DenoiserModel,
  xT: Float64Array,
  tStart: number,
  tEnd: number,
  steps = 1000,
): Float64Array {
  const size = xT.length;
  const n = size / model.dim;
  const l0 = process.lambda(tStart);
  const l1 = process.lambda(tEnd);
  const h = (l1 - l0) / steps;
  const D = new Float64Array(size);
  const xs = new Float64Array(size);
  const k = [0, 1, 2, 3].map(() => new Float64Array(size));
  // y = x/σ
  let y = new Float64Array(size);
  for (let i = 0; i < size; i++) y[i] = xT[i] / process.sigma(tStart);
  const slope = (lambda: number, yIn: Float64Array, out: Float64Array) => {
    const t = process.tOfLambda(lambda);
    const sigma = process.sigma(t);
    for (let i = 0; i < size; i++) xs[i] = sigma * yIn[i];
    model.denoise(xs, n, t, process.alpha(t), sigma, D);
    const e = Math.exp(lambda);
    for (let i = 0; i < size; i++) out[i] = e * D[i];
  };
  const tmp = new Float64Array(size);
  for (let s = 0; s < steps; s++) {
    const lambda = l0 + s * h;
    slope(lambda, y, k[0]);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + 0.5 * h * k[0][i];
    slope(lambda + 0.5 * h, tmp, k[1]);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + 0.5 * h * k[1][i];
    slope(lambda + 0.5 * h, tmp, k[2]);
    for (let i = 0; i < size; i++) tmp[i] = y[i] + h * k[2][i];
    slope(lambda + h, tmp, k[3]);
    const next = new Float64Array(size);
    for (let i = 0; i < size; i++) next[i] = y[i] + (h / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
    y = next;
  }
  const sigmaEnd = process.sigma(tEnd);
  for (let i = 0; i < size; i++) y[i] *= sigmaEnd;
  return y;
}
