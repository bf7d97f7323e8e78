// Every optimizer of training.md §4 against a reference written here, independently, from the spec's equations:
// nested-array matrices, Gauss–Jordan inverses, no call into the code under test except the optimizer being checked.

import { describe, expect, it } from 'vitest';
import { fillNormal } from '../util/rng.ts';
import { choleskyInverse } from './dense.ts';
import { type LayerShape, type LayerStatistics, type ParameterLayout, type TrainingStatistics, mlpLayout, mlpLossAndGradients } from './mlp.ts';
import {
  AdamOptimizer,
  KfacOptimizer,
  MkorHybridOptimizer,
  MkorOptimizer,
  SgdOptimizer,
  createOptimizer,
  mkorExactInverseUpdate,
  mkorReleasedInverseUpdate,
} from './optimizers.ts';

// ---------------------------------------------------------------------------------------------------------------
// Test-side linear algebra (independent of dense.ts)

type Matrix = number[][];
const eye = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const mul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v + b[i][j]));
const scale = (a: Matrix, c: number): Matrix => a.map((row) => row.map((v) => c * v));
const outer = (u: number[], v: number[]): Matrix => u.map((ui) => v.map((vj) => ui * vj));
const tr = (a: Matrix): number => a.reduce((s, row, i) => s + row[i], 0);
const maxAbsDiff = (a: Matrix, b: Matrix): number => Math.max(...a.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - b[i][j])))));
const maxAbsEntry = (a: Matrix): number => Math.max(...a.map((row) => Math.max(...row.map(Math.abs))));
const frobenius = (values: number[]): number => Math.sqrt(values.reduce((s, v) => s + v * v, 0));

/** Gauss–Jordan inverse with partial pivoting */
function inverse(matrix: Matrix): Matrix {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...eye(n)[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/** the layer's block of a flat vector as a d_out × (d_in+1) matrix, and back */
const block = (flat: ArrayLike<number>, layer: LayerShape): Matrix =>
  Array.from({ length: layer.outputDim }, (_, i) => Array.from({ length: layer.inputDim + 1 }, (_, j) => flat[layer.offset + i * (layer.inputDim + 1) + j]));
const unblock = (m: Matrix, layer: LayerShape, flat: number[]) => m.forEach((row, i) => row.forEach((v, j) => (flat[layer.offset + i * (layer.inputDim + 1) + j] = v)));
const rows = (flat: Float64Array, n: number): Matrix => Array.from({ length: flat.length / n }, (_, i) => Array.from(flat.subarray(i * n, i * n + n)));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number) {
  const scaleOf = Math.max(1e-300, ...Array.from(expected, Math.abs));
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k]), `entry ${k}`).toBeLessThanOrEqual(relative * scaleOf);
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a two-layer layout with fixed random statistics and gradients (the repo's counter-based RNG)

const LAYOUT: ParameterLayout = {
  layers: [
    { inputDim: 3, outputDim: 4, offset: 0 },
    { inputDim: 4, outputDim: 2, offset: 16 },
  ],
  parameterCount: 16 + 10,
};
const BATCH = 5;

function randomStatistics(step: number, magnitude = 1): TrainingStatistics {
  const layers: LayerStatistics[] = LAYOUT.layers.map((layer, l) => {
    const inputs = fillNormal(new Float64Array(BATCH * (layer.inputDim + 1)), BATCH, layer.inputDim + 1, 40 + l, 200, step);
    for (let i = 0; i < BATCH; i++) inputs[i * (layer.inputDim + 1) + layer.inputDim] = 1; // Ā's 1-column
    const outputGradients = fillNormal(new Float64Array(BATCH * layer.outputDim), BATCH, layer.outputDim, 50 + l, 201, step).map((v) => (magnitude * v) / BATCH);
    return { batch: BATCH, inputs, outputGradients };
  });
  return { loss: 1, layers };
}
const randomGradient = (step: number) => fillNormal(new Float64Array(LAYOUT.parameterCount), 1, LAYOUT.parameterCount, 60, 202, step);
const initialParams = () => fillNormal(new Float64Array(LAYOUT.parameterCount), 1, LAYOUT.parameterCount, 61, 203);

/** batch factors of §3.2 in the reference's own words */
const batchInputFactor = (s: LayerStatistics, layer: LayerShape) => scale(mul(transpose(rows(s.inputs, layer.inputDim + 1)), rows(s.inputs, layer.inputDim + 1)), 1 / s.batch);
const batchOutputFactor = (s: LayerStatistics, layer: LayerShape) => scale(mul(transpose(rows(s.outputGradients, layer.outputDim)), rows(s.outputGradients, layer.outputDim)), s.batch);
const meanInput = (s: LayerStatistics, layer: LayerShape) => transpose(rows(s.inputs, layer.inputDim + 1)).map((col) => Math.max(-100, Math.min(100, col.reduce((a, b) => a + b, 0) / s.batch)));
const summedOutputGradient = (s: LayerStatistics, layer: LayerShape) => transpose(rows(s.outputGradients, layer.outputDim)).map((col) => Math.max(-100, Math.min(100, col.reduce((a, b) => a + b, 0))));

// ---------------------------------------------------------------------------------------------------------------

describe('SGD with momentum, PyTorch convention (§4.1)', () => {
  const gradients = [
    [0.5, -1.0, 2.0],
    [0.1, 0.3, -0.7],
    [-0.4, 0.9, 0.25],
    [1.5, -0.2, 0.05],
  ];
  const learningRates = [0.1, 0.05, 0.2, 0.1]; // a schedule: where the PyTorch and Sutskever forms differ

  function reference(o: { momentum: number; dampening: number; weightDecay: number; nesterov: boolean }): number[] {
    const theta = [1, -2, 0.5];
    let buffer: number[] | null = null;
    gradients.forEach((g, t) => {
      const gHat = g.map((gi, i) => gi + o.weightDecay * theta[i]); // ĝ ← ĝ + ωθ
      buffer = buffer === null ? gHat : buffer.map((b, i) => o.momentum * b + (1 - o.dampening) * gHat[i]); // b₁ = ĝ₁, b_t = μb + (1−τ)ĝ
      const b = buffer;
      const d = o.nesterov ? gHat.map((gi, i) => gi + o.momentum * b[i]) : b;
      d.forEach((di, i) => (theta[i] -= learningRates[t] * di)); // θ ← θ − η b_t
    });
    return theta;
  }

  for (const options of [
    { momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
    { momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, nesterov: false },
    { momentum: 0.8, dampening: 0, weightDecay: 5e-4, nesterov: true },
    { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
  ]) {
    it(`matches the reference after ${gradients.length} steps with a learning-rate schedule: ${JSON.stringify(options)}`, () => {
      const optimizer = new SgdOptimizer(options);
      const params = new Float64Array([1, -2, 0.5]);
      gradients.forEach((g, t) => {
        optimizer.lr = learningRates[t];
        expect(optimizer.step(params, new Float64Array(g)).applied).toBe(true);
      });
      expectClose(params, reference(options), 1e-15);
      expect(optimizer.steps).toBe(gradients.length);
    });
  }

  it('the NaN guard skips the step and leaves parameters and momentum untouched (§2.4)', () => {
    const optimizer = new SgdOptimizer();
    const params = new Float64Array([1, 2]);
    optimizer.step(params, new Float64Array([0.1, 0.2]));
    const before = params.slice();
    const buffer = optimizer.momentumBuffer!.slice();
    expect(optimizer.step(params, new Float64Array([NaN, 0.2])).applied).toBe(false);
    expect(optimizer.step(params, new Float64Array([Infinity, 0.2])).applied).toBe(false);
    expect(params).toEqual(before);
    expect(optimizer.momentumBuffer).toEqual(buffer);
    expect(optimizer.steps).toBe(1);
  });
});

describe('Adam, PyTorch convention (§4.2)', () => {
  const gradients = [
    [0.5, -1.0, 2.0],
    [0.1, 0.3, -0.7],
    [-0.4, 0.9, 0.25],
  ];

  function reference(o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean }): number[] {
    const theta = [1, -2, 0.5];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    gradients.forEach((g, index) => {
      const t = index + 1;
      if (o.decoupled) theta.forEach((x, i) => (theta[i] = x - o.lr * o.weightDecay * x));
      const gHat = g.map((gi, i) => gi + (o.decoupled ? 0 : o.weightDecay * theta[i]));
      for (let i = 0; i < 3; i++) {
        m[i] = o.beta1 * m[i] + (1 - o.beta1) * gHat[i];
        v[i] = o.beta2 * v[i] + (1 - o.beta2) * gHat[i] ** 2;
        const mHat = m[i] / (1 - o.beta1 ** t);
        const vHat = v[i] / (1 - o.beta2 ** t);
        theta[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
      }
    });
    return theta;
  }

  for (const o of [
    { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false },
    { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 1e-4, decoupled: false },
    { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true },
  ]) {
    it(`matches the reference after 3 steps: ${JSON.stringify(o)}`, () => {
      const optimizer = new AdamOptimizer({ lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupledWeightDecay: o.decoupled });
      const params = new Float64Array([1, -2, 0.5]);
      for (const g of gradients) optimizer.step(params, new Float64Array(g));
      expectClose(params, reference(o), 1e-14);
    });
  }

  it('the first step moves every parameter by η·sign(g) (bias correction, ϵ negligible)', () => {
    const optimizer = new AdamOptimizer({ lr: 0.01 });
    const params = new Float64Array(3);
    optimizer.step(params, new Float64Array([3, -0.002, 50]));
    expectClose(params, [-0.01, 0.01, -0.01], 1e-5);
  });
});

describe('K-FAC, inverse method with π-damping (§4.3)', () => {
  const options = { lr: 0.1, momentum: 0.9, damping: 0.1, factorDecay: 0.95, factorUpdateSteps: 1, inverseUpdateSteps: 2 };

  /** §4.3 steps 1–5, transcribed */
  function reference(steps: number, klClip: number | null, piDamping: boolean, statsMagnitude: number): number[] {
    const theta = Array.from(initialParams());
    const A = LAYOUT.layers.map((l) => eye(l.inputDim + 1)); // factors start at I
    const G = LAYOUT.layers.map((l) => eye(l.outputDim));
    const Ainv: Matrix[] = [];
    const Ginv: Matrix[] = [];
    let buffer: number[] | null = null;
    for (let t = 0; t < steps; t++) {
      const stats = randomStatistics(t, statsMagnitude);
      const grad = Array.from(randomGradient(t));
      const alpha = options.factorDecay;
      LAYOUT.layers.forEach((layer, l) => {
        if (t % options.factorUpdateSteps === 0) {
          A[l] = add(scale(A[l], alpha), scale(batchInputFactor(stats.layers[l], layer), 1 - alpha));
          G[l] = add(scale(G[l], alpha), scale(batchOutputFactor(stats.layers[l], layer), 1 - alpha));
        }
        if (t % options.inverseUpdateSteps === 0) {
          const nA = layer.inputDim + 1;
          const nG = layer.outputDim;
          const pi = Math.sqrt(tr(A[l]) / nA / (tr(G[l]) / nG));
          const lambdaA = piDamping ? pi * Math.sqrt(options.damping) : options.damping;
          const lambdaG = piDamping ? Math.sqrt(options.damping) / pi : options.damping;
          Ainv[l] = inverse(add(A[l], scale(eye(nA), lambdaA)));
          Ginv[l] = inverse(add(G[l], scale(eye(nG), lambdaG)));
        }
      });
      const U = LAYOUT.layers.map((layer, l) => mul(mul(Ginv[l], block(grad, layer)), Ainv[l]));
      let vg = 0;
      LAYOUT.layers.forEach((layer, l) => U[l].forEach((row, i) => row.forEach((u, j) => (vg += u * block(grad, layer)[i][j] * options.lr ** 2))));
      const nu = klClip === null || vg === 0 ? 1 : Math.min(1, Math.sqrt(klClip / Math.abs(vg)));
      const direction = grad.slice();
      LAYOUT.layers.forEach((layer, l) => unblock(scale(U[l], nu), layer, direction));
      buffer = buffer === null ? direction : buffer.map((b, i) => options.momentum * b + direction[i]);
      buffer.forEach((b, i) => (theta[i] -= options.lr * b));
    }
    return theta;
  }

  for (const [klClip, piDamping, magnitude] of [
    [1e-3, true, 1],
    [null, true, 1],
    [1e-3, false, 3],
    [10, true, 0.3],
  ] as const) {
    it(`matches the reference over 5 steps (T_f 1, T_inv 2): κ ${klClip}, π-damping ${piDamping}`, () => {
      const optimizer = new KfacOptimizer(LAYOUT, { ...options, klClip, piDamping });
      const params = initialParams();
      const scales: number[] = [];
      for (let t = 0; t < 5; t++) scales.push(optimizer.step(params, randomGradient(t), randomStatistics(t, magnitude)).klScale!);
      expectClose(params, reference(5, klClip, piDamping, magnitude), 1e-12);
      if (klClip === 1e-3 && piDamping) expect(Math.min(...scales)).toBeLessThan(1); // the clip was active
      if (klClip === null) expect(scales.every((s) => s === 1)).toBe(true);
    });
  }

  it('(i) as λ → ∞ the preconditioned gradient, rescaled by λ (π-damping) or λ² (per factor), is the plain gradient', () => {
    for (const [piDamping, lambda, power] of [
      [true, 1e12, 1],
      [false, 1e6, 2],
    ] as const) {
      const optimizer = new KfacOptimizer(LAYOUT, { lr: 1, momentum: 0, damping: lambda, piDamping, klClip: null });
      const params = new Float64Array(LAYOUT.parameterCount);
      const grad = randomGradient(0);
      optimizer.step(params, grad, randomStatistics(0));
      expectClose(params.map((p) => -p * lambda ** power), grad, 1e-5);
    }
  });

  it('(ii) the damped Cholesky inverse: ‖(A + λI)X − I‖_max < 1e-12 in float64 (the chol_inv oracle)', () => {
    const n = 20;
    const X = fillNormal(new Float64Array(40 * n), 40, n, 3, 204);
    const A = scale(mul(transpose(rows(X, n)), rows(X, n)), 1 / 40);
    const lambda = 0.03;
    const inv = choleskyInverse(new Float64Array(A.flat()), n, lambda);
    expect(maxAbsDiff(mul(add(A, scale(eye(n), lambda)), rows(inv, n)), eye(n))).toBeLessThan(1e-12);
  });

  it('(iii) A-only preconditioning of one linear layer lands on the least-squares solution in one step (α 0, λ → 0, η = D/2)', () => {
    const D = 2;
    const layout = mlpLayout({ dataDim: 3, outputDim: D, width: 1, depth: 0, activation: 'silu', timeEmbedding: { kind: 'none' } });
    const B = 20;
    const inputs = fillNormal(new Float64Array(B * 3), B, 3, 4, 205);
    const targets = fillNormal(new Float64Array(B * D), B, D, 4, 206);
    const params = fillNormal(new Float64Array(layout.parameterCount), 1, layout.parameterCount, 4, 207);
    const { gradients, statistics } = mlpLossAndGradients(layout, params, { batch: B, inputs, times: new Float64Array(B), targets });
    const optimizer = new KfacOptimizer(layout, { sides: 'input-only', factorDecay: 0, damping: 1e-13, klClip: null, lr: D / 2, momentum: 0.9 });
    optimizer.step(params, gradients, statistics);
    // W̄* = (YᵀĀ/B)(ĀᵀĀ/B)⁻¹
    const augmented = rows(inputs, 3).map((r) => [...r, 1]);
    const C = scale(mul(transpose(rows(targets, D)), augmented), 1 / B);
    const A = scale(mul(transpose(augmented), augmented), 1 / B);
    expectClose(params, mul(C, inverse(A)).flat(), 1e-9);
  });

  it('T_inv defaults to 1 up to dimension 257 and 10 above (§4.3 lab defaults); statistics are required', () => {
    const small = new KfacOptimizer(LAYOUT);
    expect(() => small.step(initialParams(), randomGradient(0))).toThrow(/statistics/);
    const optimizer = new KfacOptimizer(LAYOUT, { klClip: null });
    const params = initialParams();
    optimizer.step(params, randomGradient(0), randomStatistics(0));
    const first = optimizer.layerState(0).inputInverse.slice();
    optimizer.step(params, randomGradient(1), randomStatistics(1));
    expect(optimizer.layerState(0).inputInverse).not.toEqual(first); // re-inverted at step 1
  });
});

describe('MKOR as released (§4.4): blend, unit Sherman–Morrison, reset, norm rescale', () => {
  /** §4.4 "what the released code actually runs", with direct inverses instead of Sherman–Morrison */
  function reference(steps: number, base: 'adam' | 'sgd', inverseUpdateSteps: number): { theta: number[]; PA: Matrix[]; PG: Matrix[] } {
    const theta = Array.from(initialParams());
    const PA = LAYOUT.layers.map((l) => eye(l.inputDim + 1));
    const PG = LAYOUT.layers.map((l) => eye(l.outputDim));
    const reset = LAYOUT.layers.map(() => true); // flags start true
    const m = theta.map(() => 0);
    const v = theta.map(() => 0);
    let buffer: number[] | null = null;
    for (let t = 0; t < steps; t++) {
      const stats = randomStatistics(t);
      const grad = Array.from(randomGradient(t));
      if (t % inverseUpdateSteps === 0) {
        LAYOUT.layers.forEach((layer, l) => {
          if (reset[l]) {
            PA[l] = eye(layer.inputDim + 1);
            PG[l] = eye(layer.outputDim);
            reset[l] = false;
            return;
          }
          const a = meanInput(stats.layers[l], layer);
          const g = summedOutputGradient(stats.layers[l], layer);
          // P = (P′⁻¹ + vvᵀ)⁻¹ with P′ = 0.95P + 0.05I
          const blendA = add(scale(PA[l], 0.95), scale(eye(a.length), 0.05));
          const blendG = add(scale(PG[l], 0.95), scale(eye(g.length), 0.05));
          PA[l] = inverse(add(inverse(blendA), outer(a, a)));
          PG[l] = inverse(add(inverse(blendG), outer(g, g)));
          if (maxAbsEntry(PA[l]) > 2 || maxAbsEntry(PG[l]) > 2) reset[l] = true;
        });
      }
      const direction = grad.slice();
      LAYOUT.layers.forEach((layer, l) => {
        const gradient = block(grad, layer);
        const U = mul(mul(PG[l], gradient), PA[l]);
        const norms = (M: Matrix) => frobenius(M.flatMap((row) => row.slice(0, -1))) + frobenius(M.map((row) => row[row.length - 1]));
        unblock(scale(U, norms(gradient) / norms(U)), layer, direction);
      });
      if (base === 'adam') {
        for (let i = 0; i < theta.length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * direction[i];
          v[i] = 0.999 * v[i] + 0.001 * direction[i] ** 2;
          theta[i] -= (1e-3 * (m[i] / (1 - 0.9 ** (t + 1)))) / (Math.sqrt(v[i] / (1 - 0.999 ** (t + 1))) + 1e-8);
        }
      } else {
        buffer = buffer === null ? direction : buffer.map((b, i) => 0.9 * b + direction[i]);
        buffer.forEach((b, i) => (theta[i] -= 0.05 * b));
      }
    }
    return { theta, PA, PG };
  }

  for (const [base, inverseUpdateSteps] of [
    ['adam', 1],
    ['sgd', 1],
    ['sgd', 3],
  ] as const) {
    it(`matches the reference over 7 steps: ${base} base, inv_freq ${inverseUpdateSteps}`, () => {
      const optimizer = new MkorOptimizer(LAYOUT, { base: base === 'adam' ? { name: 'adam', lr: 1e-3 } : { name: 'sgd', lr: 0.05, momentum: 0.9 }, inverseUpdateSteps });
      const params = initialParams();
      for (let t = 0; t < 7; t++) optimizer.step(params, randomGradient(t), randomStatistics(t));
      const expected = reference(7, base, inverseUpdateSteps);
      expectClose(params, expected.theta, 1e-12);
      LAYOUT.layers.forEach((_, l) => {
        expectClose(optimizer.layerState(l).inputInverse, expected.PA[l].flat(), 1e-12);
        expectClose(optimizer.layerState(l).outputInverse, expected.PG[l].flat(), 1e-12);
      });
    });
  }

  it('the first update only resets P to I: step 1 is the plain base step', () => {
    const optimizer = new MkorOptimizer(LAYOUT, { base: { name: 'sgd', lr: 0.1, momentum: 0 } });
    const params = new Float64Array(LAYOUT.parameterCount);
    const grad = randomGradient(0);
    optimizer.step(params, grad, randomStatistics(0));
    expectClose(params, grad.map((g) => -0.1 * g), 1e-15);
  });

  it('(i) after one SM update ‖P(P′⁻¹ + vvᵀ) − I‖ < 1e-4 (P′ the blended pre-update factor)', () => {
    const n = 6;
    const P = new Float64Array(eye(n).flat());
    const vectors = fillNormal(new Float64Array(3 * n), 3, n, 8, 208);
    for (let k = 0; k < 3; k++) {
      const v = Array.from(vectors.subarray(k * n, k * n + n));
      const blended = add(scale(rows(P, n), 0.95), scale(eye(n), 0.05));
      mkorReleasedInverseUpdate(P, v, n);
      expect(maxAbsDiff(mul(rows(P, n), add(inverse(blended), outer(v, v))), eye(n))).toBeLessThan(1e-12);
    }
  });

  it('(iv) the rescale gives ‖ΔW‖_F + ‖Δb‖ = ‖∇W‖_F + ‖∇b‖ per layer (sum of norms, as the code)', () => {
    const optimizer = new MkorOptimizer(LAYOUT, { base: { name: 'sgd', lr: 1, momentum: 0 } });
    const params = new Float64Array(LAYOUT.parameterCount);
    optimizer.step(params, randomGradient(0), randomStatistics(0)); // the reset step
    const before = params.slice();
    const grad = randomGradient(1);
    optimizer.step(params, grad, randomStatistics(1));
    for (const layer of LAYOUT.layers) {
      const update = block(before.map((b, i) => b - params[i]), layer);
      const gradient = block(grad, layer);
      const norms = (M: Matrix) => frobenius(M.flatMap((row) => row.slice(0, -1))) + frobenius(M.map((row) => row[row.length - 1]));
      expect(norms(update)).toBeCloseTo(norms(gradient), 12);
      expect(maxAbsDiff(update, gradient)).toBeGreaterThan(1e-3); // and it is not the plain gradient
    }
  });

  it('a flagged layer resets both factors to I at its next update and skips that step’s vectors', () => {
    // with threshold 0.5 every SM update flags (the blended P keeps a diagonal near 1)
    const optimizer = new MkorOptimizer(LAYOUT, { base: { name: 'sgd', lr: 0 }, resetThreshold: 0.5 });
    const params = initialParams();
    optimizer.step(params, randomGradient(0), randomStatistics(0)); // reset (initial flags)
    optimizer.step(params, randomGradient(1), randomStatistics(1)); // SM update, then flagged
    expect(optimizer.layerState(0).resetPending).toBe(true);
    expect(optimizer.layerState(0).inputInverse).not.toEqual(new Float64Array(eye(4).flat()));
    optimizer.step(params, randomGradient(2), randomStatistics(2)); // reset
    expect(optimizer.layerState(0).inputInverse).toEqual(new Float64Array(eye(4).flat()));
    expect(optimizer.layerState(0).outputInverse).toEqual(new Float64Array(eye(4).flat()));
    expect(optimizer.layerState(0).resets).toBe(1);
  });

  it('in exact arithmetic P stays SPD with entries ≤ 1, so the default reset (max |P| > 2) never fires, even for |v| ~ 100', () => {
    const optimizer = new MkorOptimizer(LAYOUT, { base: { name: 'sgd', lr: 0 } });
    const params = initialParams();
    for (let t = 0; t < 50; t++) optimizer.step(params, randomGradient(t), randomStatistics(t, 100));
    LAYOUT.layers.forEach((_, l) => {
      expect(optimizer.layerState(l).resets).toBe(0);
      expect(Math.max(...optimizer.layerState(l).inputInverse.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-12);
    });
  });

  it('sgdLayers are not preconditioned (ratio 1), and NaN gradients leave every state untouched', () => {
    const optimizer = new MkorOptimizer(LAYOUT, { base: { name: 'sgd', lr: 1, momentum: 0 }, sgdLayers: [1] });
    const params = new Float64Array(LAYOUT.parameterCount);
    optimizer.step(params, randomGradient(0), randomStatistics(0));
    const before = params.slice();
    const grad = randomGradient(1);
    optimizer.step(params, grad, randomStatistics(1));
    const second = LAYOUT.layers[1];
    expectClose(before.slice(second.offset).map((b, i) => b - params[second.offset + i]), grad.slice(second.offset), 1e-15);
    const state = optimizer.layerState(0).inputInverse.slice();
    const bad = randomGradient(2);
    bad[3] = NaN;
    expect(optimizer.step(params, bad, randomStatistics(2)).applied).toBe(false);
    expect(optimizer.layerState(0).inputInverse).toEqual(state);
    expect(optimizer.steps).toBe(2);
  });
});

describe('MKOR paper-exact EMA form (§4.4)', () => {
  it('matches a reference that keeps L = γL + (1−γ)ggᵀ and R = γR + (1−γ)aaᵀ and inverts them directly (SGD base)', () => {
    const gamma = 0.95;
    const optimizer = new MkorOptimizer(LAYOUT, { variant: 'paper-exact', base: { name: 'sgd', lr: 0.05, momentum: 0.9 } });
    const params = initialParams();
    const theta = Array.from(initialParams());
    const R = LAYOUT.layers.map((l) => eye(l.inputDim + 1));
    const L = LAYOUT.layers.map((l) => eye(l.outputDim));
    let buffer: number[] | null = null;
    for (let t = 0; t < 6; t++) {
      const stats = randomStatistics(t);
      const grad = randomGradient(t);
      optimizer.step(params, grad, stats);
      const direction = Array.from(grad);
      LAYOUT.layers.forEach((layer, l) => {
        const a = meanInput(stats.layers[l], layer);
        const g = summedOutputGradient(stats.layers[l], layer);
        R[l] = add(scale(R[l], gamma), scale(outer(a, a), 1 - gamma));
        L[l] = add(scale(L[l], gamma), scale(outer(g, g), 1 - gamma));
        expect(maxAbsEntry(inverse(R[l]))).toBeLessThan(100); // the stabiliser does not fire here
        const gradient = block(grad, layer);
        const U = mul(mul(inverse(L[l]), gradient), inverse(R[l]));
        const norms = (M: Matrix) => frobenius(M.flatMap((row) => row.slice(0, -1))) + frobenius(M.map((row) => row[row.length - 1]));
        unblock(scale(U, norms(gradient) / norms(U)), layer, direction);
      });
      buffer = buffer === null ? direction : buffer.map((b, i) => 0.9 * b + direction[i]);
      buffer.forEach((b, i) => (theta[i] -= 0.05 * b));
    }
    expectClose(params, theta, 1e-10);
  });

  it('the stabiliser (max |P| > 100 → P ← 0.9P + 0.1I) fires when one direction is refreshed and the rest grow as γ⁻ᵗ', () => {
    const n = 3;
    const P = new Float64Array(eye(n).flat());
    let fired = 0;
    for (let t = 0; t < 300; t++) {
      if (Math.max(...P.map(Math.abs)) > 100) {
        for (let k = 0; k < P.length; k++) P[k] *= 0.9;
        for (let i = 0; i < n; i++) P[i * n + i] += 0.1;
        fired++;
      }
      mkorExactInverseUpdate(P, [1, 0, 0], n, 0.95);
    }
    // untouched eigenvalues reach 0.95^−90 ≈ 101 after 90 updates
    expect(fired).toBeGreaterThan(2);
    const optimizer = new MkorOptimizer({ layers: [{ inputDim: 1, outputDim: 1, offset: 0 }], parameterCount: 2 }, { variant: 'paper-exact', base: { name: 'sgd', lr: 0 } });
    const stats: TrainingStatistics = { loss: 1, layers: [{ batch: 1, inputs: new Float64Array([0, 1]), outputGradients: new Float64Array([0.5]) }] };
    for (let t = 0; t < 200; t++) optimizer.step(new Float64Array(2), new Float64Array([0.1, 0.1]), stats);
    expect(optimizer.layerState(0).resets).toBeGreaterThan(0);
    // the stabiliser runs before each update, so between updates P may exceed ε by one 1/γ growth at most
    expect(Math.max(...optimizer.layerState(0).inputInverse.map(Math.abs))).toBeLessThanOrEqual(100 / 0.95 + 1e-9);
  });

  it('P stays exactly symmetric (an antisymmetric rounding part would grow as γ⁻ᵗ through the 1/γ factor)', () => {
    const n = 5;
    const P = new Float64Array(eye(n).flat());
    const vectors = fillNormal(new Float64Array(300 * n), 300, n, 10, 212);
    for (let t = 0; t < 300; t++) mkorExactInverseUpdate(P, vectors.subarray(t * n, t * n + n), n, 0.95);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(P[i * n + j]).toBe(P[j * n + i]);
  });

  it('the update as printed in MK-alg (γ instead of 1/γ, "+" instead of "−") is not an inverse update: it departs from the direct inverse', () => {
    const n = 4;
    const gamma = 0.95;
    let P = eye(n);
    let L = eye(n);
    const vectors = fillNormal(new Float64Array(200 * n), 200, n, 9, 209);
    for (let t = 0; t < 200; t++) {
      const g = Array.from(vectors.subarray(t * n, t * n + n));
      const u = mul(P, g.map((x) => [x])).map((r) => r[0]);
      const gu = g.reduce((s, x, i) => s + x * u[i], 0);
      P = add(scale(P, gamma), scale(outer(u, u), (1 - gamma) / (gamma ** 2 * (1 + gamma * (1 - gamma) * gu))));
      L = add(scale(L, gamma), scale(outer(g, g), 1 - gamma));
    }
    expect(maxAbsDiff(P, inverse(L)) / maxAbsEntry(inverse(L))).toBeGreaterThan(1);
  });
});

describe("MKOR's inverse factors over 1000 rank-1 updates (issue 7: within 1e-4 of a direct inverse)", () => {
  const layer = { inputDim: 5, outputDim: 4, offset: 0 };
  const layout: ParameterLayout = { layers: [layer], parameterCount: 4 * 6 };
  const updates = 1000;

  /** statistics of one row: Ā = [x, 1], Δ = y, so a = [x, 1] and g = y (|x|, |y| ~ scale) */
  function rowStatistics(t: number, magnitude: number): TrainingStatistics {
    const x = fillNormal(new Float64Array(5), 1, 5, 12, 210, t).map((v) => magnitude * v);
    const y = fillNormal(new Float64Array(4), 1, 4, 13, 211, t).map((v) => magnitude * v);
    return { loss: 1, layers: [{ batch: 1, inputs: new Float64Array([...x, 1]), outputGradients: y }] };
  }

  it('paper-exact: P_A and P_G equal the Cholesky inverses of R_t = γR + (1−γ)aaᵀ and L_t = γL + (1−γ)ggᵀ', () => {
    const optimizer = new MkorOptimizer(layout, { variant: 'paper-exact', base: { name: 'sgd', lr: 0 }, stabiliserThreshold: Infinity });
    let R = eye(6);
    let L = eye(4);
    let worst = 0;
    for (let t = 0; t < updates; t++) {
      const stats = rowStatistics(t, 1);
      optimizer.step(new Float64Array(layout.parameterCount), new Float64Array(layout.parameterCount).fill(0.1), stats);
      const a = Array.from(stats.layers[0].inputs);
      const g = Array.from(stats.layers[0].outputGradients);
      R = add(scale(R, 0.95), scale(outer(a, a), 0.05));
      L = add(scale(L, 0.95), scale(outer(g, g), 0.05));
      if (t % 50 === 49 || t === updates - 1) {
        for (const [P, F, n] of [
          [optimizer.layerState(0).inputInverse, R, 6],
          [optimizer.layerState(0).outputInverse, L, 4],
        ] as const) {
          const direct = rows(choleskyTest(F), n);
          worst = Math.max(worst, maxAbsDiff(rows(P, n), direct) / maxAbsEntry(direct));
        }
      }
    }
    expect(worst).toBeLessThan(1e-4);
    console.log(`MKOR paper-exact: max relative inverse error over ${updates} updates ${worst.toExponential(2)}`);
  });

  it('as released: P_A and P_G equal the direct inverses of F_t = (0.95F⁻¹ + 0.05I)⁻¹ + vvᵀ, |v| from 0.05 to 3', () => {
    const optimizer = new MkorOptimizer(layout, { base: { name: 'sgd', lr: 0 } });
    let R = eye(6);
    let L = eye(4);
    let worst = 0;
    for (let t = 0; t < updates + 1; t++) {
      const stats = rowStatistics(t, 0.05 * 60 ** ((t % 100) / 100));
      optimizer.step(new Float64Array(layout.parameterCount), new Float64Array(layout.parameterCount).fill(0.1), stats);
      if (t === 0) continue; // the first update is the initial reset to I
      const a = Array.from(stats.layers[0].inputs);
      const g = Array.from(stats.layers[0].outputGradients);
      R = add(inverse(add(scale(inverse(R), 0.95), scale(eye(6), 0.05))), outer(a, a));
      L = add(inverse(add(scale(inverse(L), 0.95), scale(eye(4), 0.05))), outer(g, g));
      if (t % 50 === 0 || t === updates) {
        for (const [P, F, n] of [
          [optimizer.layerState(0).inputInverse, R, 6],
          [optimizer.layerState(0).outputInverse, L, 4],
        ] as const) {
          const direct = inverse(F);
          worst = Math.max(worst, maxAbsDiff(rows(P, n), direct) / maxAbsEntry(direct));
        }
      }
    }
    expect(optimizer.layerState(0).resets).toBe(0);
    expect(worst).toBeLessThan(1e-4);
    console.log(`MKOR as released: max relative inverse error over ${updates} updates ${worst.toExponential(2)}`);
  });

  /** inverse of an SPD matrix by the test's own Cholesky (column form) */
  function choleskyTest(F: Matrix): Float64Array {
    const n = F.length;
    const C = F.map(() => new Array<number>(n).fill(0));
    for (let j = 0; j < n; j++) {
      C[j][j] = Math.sqrt(F[j][j] - C[j].slice(0, j).reduce((s, x) => s + x * x, 0));
      for (let i = j + 1; i < n; i++) C[i][j] = (F[i][j] - C[i].slice(0, j).reduce((s, x, k) => s + x * C[j][k], 0)) / C[j][j];
    }
    // F⁻¹ = C⁻ᵀ C⁻¹, C⁻¹ by solving C X = I column by column
    const Cinv = eye(n).map(() => new Array<number>(n).fill(0));
    for (let c = 0; c < n; c++)
      for (let i = 0; i < n; i++) Cinv[i][c] = ((i === c ? 1 : 0) - C[i].slice(0, i).reduce((s, x, k) => s + x * Cinv[k][c], 0)) / C[i][i];
    return new Float64Array(mul(transpose(Cinv), Cinv).flat());
  }
});

describe('MKOR-H switching rule (§4.5)', () => {
  const layer = { inputDim: 1, outputDim: 2, offset: 0 };
  const layout: ParameterLayout = { layers: [layer], parameterCount: 4 };
  const stats = (loss: number, t: number): TrainingStatistics => ({
    loss,
    layers: [{ batch: 2, inputs: new Float64Array([Math.sin(t), 1, Math.cos(t), 1]), outputGradients: new Float64Array([0.1, -0.2, 0.3, Math.sin(t)]) }],
  });
  const grad = (t: number) => new Float64Array([0.1 * Math.sin(t), 0.2, -0.3, 0.05 * Math.cos(t)]);

  it('a flat loss switches at the second stalled window after S_min: step index 1199 with W 200, S_min 1000', () => {
    const optimizer = new MkorHybridOptimizer(layout, { base: { name: 'sgd', lr: 0.01, momentum: 0 } });
    const params = new Float64Array(4);
    let firstOrderFrom = -1;
    for (let t = 0; t < 1300; t++) {
      const before = params.slice();
      const report = optimizer.step(params, grad(t), stats(1, t));
      if (report.firstOrder && firstOrderFrom < 0) firstOrderFrom = t;
      if (report.firstOrder) {
        // the base optimizer alone, on the raw gradient
        expectClose(Array.from(before, (b, i) => (b - params[i]) / 0.01), grad(t), 1e-12);
      }
    }
    expect(firstOrderFrom).toBe(1199);
    expect(optimizer.switchedAt).toBe(1199);
    expect(optimizer.steps).toBe(1300);
  });

  it('a loss that keeps falling by more than τ per window never switches; switchNow() does', () => {
    const optimizer = createOptimizer({ name: 'mkor-h', base: { name: 'adam', lr: 1e-3 } }, layout) as MkorHybridOptimizer;
    const params = new Float64Array(4);
    for (let t = 0; t < 2000; t++) expect(optimizer.step(params, grad(t), stats(Math.exp(-t / 400), t)).firstOrder).toBe(false);
    expect(optimizer.switchedAt).toBeNull();
    const inverseBefore = optimizer.layerState(0).outputInverse.slice();
    optimizer.switchNow();
    expect(optimizer.step(params, grad(2000), stats(1, 2000)).firstOrder).toBe(true);
    expect(optimizer.switchedAt).toBe(2000);
    expect(optimizer.layerState(0).outputInverse).toEqual(inverseBefore); // no more SM work
  });

  it('the relative-drop rule: a window with r ≥ τ in between resets the stalled count', () => {
    const optimizer = new MkorHybridOptimizer(layout, { base: { name: 'sgd', lr: 0 } }, { lossDecay: 0, window: 10, minSteps: 10, threshold: 0.01 });
    const params = new Float64Array(4);
    // ℓ̄ = ℓ with β = 0; checks at steps 10, 20, 30, 40, 50: the window ending at 20 stalls, 30 drops 50 % (count back
    // to 0), 40 and 50 stall: the switch is at step 50 (index 49), not at 40 as a count that never resets would give
    const loss = (t: number) => (t < 25 ? 1 : t < 45 ? 0.5 : 0.5);
    for (let t = 0; t < 50; t++) optimizer.step(params, grad(t), stats(loss(t + 1), t));
    expect(optimizer.switchedAt).toBe(49);
  });
});
