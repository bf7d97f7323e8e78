// The float64 MLP of training.md §3.1–§3.2: exact gradients (central finite differences), the bias-augmented layout,
// the time embedding, deterministic init, and the K-FAC/MKOR statistics against per-example backward passes.

import { describe, expect, it } from 'vitest';
import { fillNormal } from '../util/rng.ts';
import {
  type Activation,
  type MlpConfig,
  type TimeEmbedding,
  initMlpParameters,
  kfacInputFactor,
  kfacOutputFactor,
  meanSquaredError,
  mkorInputVector,
  mkorOutputVector,
  mlpForward,
  mlpLayout,
  mlpLoss,
  mlpLossAndGradients,
  stableSigmoid,
  timeEmbeddingDim,
} from './mlp.ts';
import type { TrainingBatch } from './mlp.ts';

/** a batch of standard-normal inputs and targets with times in (0, 1), from the repo's RNG */
function randomBatch(batch: number, dataDim: number, outputDim: number, seed: number): TrainingBatch {
  const inputs = fillNormal(new Float64Array(batch * dataDim), batch, dataDim, seed, 100);
  const targets = fillNormal(new Float64Array(batch * outputDim), batch, outputDim, seed, 101);
  const times = new Float64Array(batch).map((_, i) => (i + 0.37) / batch);
  return { batch, inputs, times, targets };
}

const smallNet = (activation: Activation, timeEmbedding: TimeEmbedding = { kind: 'sinusoidal', frequencies: 8 }): MlpConfig => ({
  dataDim: 2,
  outputDim: 2,
  width: 16,
  depth: 2,
  activation,
  timeEmbedding,
});

describe('MLP layout and time embedding (§3.1, §3.3)', () => {
  it('the default 2D net is 18-128-128-128-2 with 35.7k parameters (§2.2 cost table)', () => {
    const layout = mlpLayout({ dataDim: 2, outputDim: 2, width: 128, depth: 3, activation: 'silu', timeEmbedding: { kind: 'sinusoidal', frequencies: 8 } });
    expect(layout.inputDim).toBe(18);
    expect(layout.layers.map((l) => [l.inputDim, l.outputDim])).toEqual([[18, 128], [128, 128], [128, 128], [128, 2]]);
    expect(layout.parameterCount).toBe(19 * 128 + 2 * 129 * 128 + 129 * 2); // 35 714
    // the §4.7 prototype's [t, sin, cos] k = 1..4 input: d₀ = 11
    expect(2 + timeEmbeddingDim({ kind: 'sinusoidal', frequencies: 4, includeLinear: true })).toBe(11);
  });

  it('W̄ = [W | b] with the bias as the last column, and the time embedding [sin 2πkτ…, cos 2πkτ…] in the input', () => {
    const layout = mlpLayout({ dataDim: 1, outputDim: 1, width: 1, depth: 0, activation: 'tanh', timeEmbedding: { kind: 'sinusoidal', frequencies: 2 } });
    // one linear layer 5 → 1: weights on [x, sin 2πτ, sin 4πτ, cos 2πτ, cos 4πτ], bias last
    const params = new Float64Array([1, 2, 3, 4, 5, 0.5]);
    const x = 0.3;
    const tau = 0.1;
    const expected = 1 * x + 2 * Math.sin(2 * Math.PI * tau) + 3 * Math.sin(4 * Math.PI * tau) + 4 * Math.cos(2 * Math.PI * tau) + 5 * Math.cos(4 * Math.PI * tau) + 0.5;
    const out = mlpForward(layout, params, new Float64Array([x]), new Float64Array([tau]), 1).output;
    expect(out[0]).toBeCloseTo(expected, 14);
  });

  it('initialisation is deterministic from the seed and follows U(−1/√fan_in, 1/√fan_in)', () => {
    const layout = mlpLayout(smallNet('silu'));
    const a = initMlpParameters(layout, 3);
    expect(initMlpParameters(layout, 3)).toEqual(a);
    expect(initMlpParameters(layout, 4)).not.toEqual(a);
    for (const layer of layout.layers) {
      const bound = 1 / Math.sqrt(layer.inputDim);
      const block = a.subarray(layer.offset, layer.offset + layer.outputDim * (layer.inputDim + 1));
      expect(Math.max(...block.map(Math.abs))).toBeLessThanOrEqual(bound);
      // a uniform on [−c, c] has mean square c²/3 (checked where the block is large enough for ±25 %)
      if (block.length < 200) continue;
      const meanSquare = block.reduce((s, v) => s + v * v, 0) / block.length;
      expect(meanSquare / (bound * bound / 3)).toBeGreaterThan(0.75);
      expect(meanSquare / (bound * bound / 3)).toBeLessThan(1.25);
    }
  });

  it('the sigmoid is stable at large |s| (§2.4)', () => {
    expect(stableSigmoid(-1000)).toBe(0);
    expect(stableSigmoid(1000)).toBe(1);
    expect(stableSigmoid(-40)).toBeGreaterThan(0);
  });
});

describe('MLP backward against float64 central finite differences (§3.1, §7.1)', () => {
  const cases: [Activation, TimeEmbedding][] = [
    ['silu', { kind: 'sinusoidal', frequencies: 8 }],
    ['tanh', { kind: 'sinusoidal', frequencies: 4, includeLinear: true }],
    ['relu', { kind: 'sinusoidal', frequencies: 8 }],
    ['silu', { kind: 'linear', scale: 1 }],
  ];
  for (const [activation, embedding] of cases) {
    it(`${activation}, ${embedding.kind} time embedding: every ∂ℒ/∂θ within 1e-7 relative`, () => {
      const layout = mlpLayout(smallNet(activation, embedding));
      const params = initMlpParameters(layout, 11);
      // non-zero biases so that every path is exercised
      for (let k = 0; k < params.length; k++) params[k] += 0.05 * Math.sin(k);
      const batch = randomBatch(8, 2, 2, 5);
      const { gradients, loss } = mlpLossAndGradients(layout, params, batch);
      expect(loss).toBeCloseTo(mlpLoss(layout, params, batch), 15);
      if (activation === 'relu') {
        // a central difference across the ReLU kink would be wrong by O(1): make sure no pre-activation is near 0
        const forward = mlpForward(layout, params, batch.inputs, batch.times, batch.batch);
        for (const pre of forward.preActivations.slice(0, -1)) expect(Math.min(...pre.map(Math.abs))).toBeGreaterThan(1e-4);
      }
      const h = 1e-6;
      const probe = params.slice();
      let maxError = 0;
      let maxGradient = 0;
      for (let k = 0; k < params.length; k++) {
        probe[k] = params[k] + h;
        const up = mlpLoss(layout, probe, batch);
        probe[k] = params[k] - h;
        const down = mlpLoss(layout, probe, batch);
        probe[k] = params[k];
        const finiteDifference = (up - down) / (2 * h);
        maxError = Math.max(maxError, Math.abs(finiteDifference - gradients[k]));
        maxGradient = Math.max(maxGradient, Math.abs(gradients[k]));
      }
      expect(maxGradient).toBeGreaterThan(1e-3);
      expect(maxError / maxGradient).toBeLessThan(1e-7);
      console.log(`gradcheck ${activation}/${embedding.kind}, ${layout.parameterCount} parameters: max |FD − ∇| / max |∇| = ${(maxError / maxGradient).toExponential(2)}`);
    });
  }
});

describe('per-layer statistics for K-FAC and MKOR (§3.2)', () => {
  const layout = mlpLayout(smallNet('silu'));
  const params = initMlpParameters(layout, 2);
  const batch = randomBatch(6, 2, 2, 9);
  const { gradients, statistics } = mlpLossAndGradients(layout, params, batch);
  const B = batch.batch;

  /** the statistics of row i alone, as a batch of one: its backward is that of ℓ_i = (1/D)‖ŷ_i − y_i‖² */
  const perExample = Array.from({ length: B }, (_, i) =>
    mlpLossAndGradients(layout, params, {
      batch: 1,
      inputs: batch.inputs.slice(2 * i, 2 * i + 2),
      times: batch.times.slice(i, i + 1),
      targets: batch.targets.slice(2 * i, 2 * i + 2),
    }).statistics,
  );

  it('G = (1/B) Σ g_i g_iᵀ with the per-example gradients g_i = ∂ℓ_i/∂s_i = B·Δ_i', () => {
    layout.layers.forEach((layer, l) => {
      const n = layer.outputDim;
      const expected = new Float64Array(n * n);
      for (const example of perExample) {
        const g = example.layers[l].outputGradients; // ∂ℓ_i/∂s_{l,i}
        for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) expected[p * n + q] += (g[p] * g[q]) / B;
      }
      const actual = kfacOutputFactor(statistics.layers[l], layer);
      const scale = Math.max(...expected.map(Math.abs));
      for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThan(1e-12 * scale);
    });
  });

  it('A = (1/B) ĀᵀĀ with the 1-column, and a = its mean row (ending in 1)', () => {
    layout.layers.forEach((layer, l) => {
      const n = layer.inputDim + 1;
      const A = kfacInputFactor(statistics.layers[l], layer);
      const a = mkorInputVector(statistics.layers[l], layer);
      expect(A[n * n - 1]).toBeCloseTo(1, 15); // (1/B) Σ 1·1
      expect(a[n - 1]).toBeCloseTo(1, 15);
      for (let p = 0; p < n; p++) {
        let mean = 0;
        for (const example of perExample) mean += example.layers[l].inputs[p] / B;
        expect(a[p]).toBeCloseTo(mean, 14);
        for (let q = 0; q < n; q++) {
          let s = 0;
          for (const example of perExample) s += (example.layers[l].inputs[p] * example.layers[l].inputs[q]) / B;
          expect(A[p * n + q]).toBeCloseTo(s, 13);
        }
      }
    });
  });

  it("MKOR's g = (1/B) Σ g_i equals the layer's bias gradient ∇b (§7 5(iii))", () => {
    layout.layers.forEach((layer, l) => {
      const g = mkorOutputVector(statistics.layers[l], layer);
      const cols = layer.inputDim + 1;
      for (let o = 0; o < layer.outputDim; o++) {
        const biasGradient = gradients[layer.offset + o * cols + cols - 1];
        expect(g[o]).toBeCloseTo(biasGradient, 15);
        let meanPerExample = 0;
        for (const example of perExample) meanPerExample += example.layers[l].outputGradients[o] / B;
        expect(g[o]).toBeCloseTo(meanPerExample, 14);
      }
    });
  });

  it('the rank-1 vectors are clamped to ±100 (MK-pkg clipping_value)', () => {
    const layer = { inputDim: 1, outputDim: 1, offset: 0 };
    const stats = { batch: 1, inputs: new Float64Array([1e4, 1]), outputGradients: new Float64Array([-1e4]) };
    expect(Array.from(mkorInputVector(stats, layer))).toEqual([100, 1]);
    expect(Array.from(mkorOutputVector(stats, layer))).toEqual([-100]);
  });

  it('the loss is the mean over batch and output dims', () => {
    expect(meanSquaredError([1, 2, 3, 4], [0, 0, 0, 0])).toBe(30 / 4);
  });
});
