// The GPU training kernels (shaders/nn/, src/engine/train/gpuTrainer.ts) against their float64 twins in core/train:
// - every backward dispatch (one per layer: ∇W̄_l and Δ_{l−1}) against float64 central finite differences of core's
//   loss, per activation (training.md §7.1: relative error ≤ 1e-3 in float32);
// - forward (S_l of every layer, the loss) and gradients against core's mlpForward / mlpBackward on the same
//   parameters and batch;
// - the GPU's flow-matching batches against core's flowMatchingBatch (same streams: same components, values equal to
//   float32 rounding);
// - Adam and SGD updates against core's optimizers on a fixed gradient sequence, the NaN guard included.
// Tolerances are float32 bounds: a length-n dot product carries a relative error up to γ_n ≈ n·2⁻²⁴ of Σ|a_j w_j|
// (Higham, Accuracy and Stability, §3.1), and the inputs and weights themselves are rounded to float32.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreparedMixture, prepareMixture } from '../../core/sampling/gmm.ts';
import { THREE_COMPONENT_GMM, targetPreset } from '../../core/sampling/presets.ts';
import { flowMatchingBatch } from '../../core/train/losses.ts';
import {
  type Activation,
  type MlpConfig,
  type MlpLayout,
  initMlpParameters,
  meanSquaredErrorGradient,
  mlpBackward,
  mlpForward,
  mlpLayout,
  mlpLoss,
  networkInput,
} from '../../core/train/mlp.ts';
import { AdamOptimizer, SgdOptimizer } from '../../core/train/optimizers.ts';
import { testDevice, withGpuErrors } from '../../gpu/testing.ts';
import { type GpuTrainerConfig, GpuMlpTrainer } from './gpuTrainer.ts';

let gpu: GPUDevice;
beforeAll(async () => {
  gpu = await testDevice();
});

const ring8 = prepareMixture(targetPreset('ring8'));
const trainers: GpuMlpTrainer[] = [];
afterAll(() => trainers.forEach((t) => t.destroy()));

type TrainerOptions = Omit<GpuTrainerConfig, 'model'>;
function newTrainer(model: MlpConfig, options: TrainerOptions, optimizer: 'adam' | 'sgd'): GpuMlpTrainer {
  const t = new GpuMlpTrainer(gpu, { model, ...options }, optimizer, 7);
  trainers.push(t);
  return t;
}
function trainer(model: MlpConfig, batch: number, optimizer: 'adam' | 'sgd' = 'adam', mixture: PreparedMixture = ring8): GpuMlpTrainer {
  return newTrainer(model, { batch, mixture }, optimizer);
}

/** ‖a − b‖₂ / ‖b‖₂ over a range */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, start = 0, end = b.length): number {
  let num = 0;
  let den = 0;
  for (let k = start; k < end; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}

/** max |a − b| / max |b| */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return diff / scale;
}

/** core's parameters with non-zero biases everywhere (as core's own gradcheck), so that every path is exercised */
function testParameters(layout: MlpLayout, seed: number): Float64Array {
  const params = initMlpParameters(layout, seed);
  for (let k = 0; k < params.length; k++) params[k] += 0.05 * Math.sin(k);
  return params;
}

describe('backward kernels against float64 central finite differences of core’s loss (§7.1)', () => {
  const activations: Activation[] = ['silu', 'relu', 'tanh'];
  for (const activation of activations) {
    it(`${activation}: 3-16-16-16-2 net, B = 64: every layer's ∇W̄ within 1e-3 relative`, async () => {
      // d₀ = 3: x ∈ ℝ² and a linear time input (the §7.1 net, one hidden layer deeper so that a hidden→hidden
      // backward dispatch is checked too)
      const model: MlpConfig = { dataDim: 2, outputDim: 2, width: 16, depth: 3, activation, timeEmbedding: { kind: 'linear', scale: 1 } };
      const t = trainer(model, 64);
      const layout = t.layout;
      const params = testParameters(layout, 11);
      const batch = flowMatchingBatch(ring8, 64, 5, 0);
      if (activation === 'relu') {
        // a central difference across a ReLU kink would be wrong by O(1): no pre-activation near 0
        const forward = mlpForward(layout, params, batch.inputs, batch.times, batch.batch);
        for (const pre of forward.preActivations.slice(0, -1)) expect(Math.min(...pre.map(Math.abs))).toBeGreaterThan(1e-4);
      }
      const gradients = await withGpuErrors(gpu, async () => {
        t.setParameters(params);
        t.setBatch(batch);
        t.evaluateGradients();
        return t.gradients();
      });
      // float64 central differences of core's loss at the float32-rounded parameters the GPU used
      const rounded = Float64Array.from(Float32Array.from(params));
      const h = 1e-6;
      const fd = new Float64Array(rounded.length);
      const probe = rounded.slice();
      for (let k = 0; k < rounded.length; k++) {
        probe[k] = rounded[k] + h;
        const up = mlpLoss(layout, probe, batch);
        probe[k] = rounded[k] - h;
        const down = mlpLoss(layout, probe, batch);
        probe[k] = rounded[k];
        fd[k] = (up - down) / (2 * h);
      }
      const errors = layout.layers.map((layer) => relativeError(gradients, fd, layer.offset, layer.offset + layer.outputDim * (layer.inputDim + 1)));
      console.log(`gpu gradcheck ${activation}: ‖∇_gpu − FD‖/‖FD‖ per layer ${errors.map((e) => e.toExponential(2)).join(', ')}`);
      for (const error of errors) expect(error).toBeLessThan(1e-3);
    });
  }
});

describe('forward and backward equal core’s mlpForward / mlpBackward', () => {
  // the kernels work on 4 × 4 blocks: the last case has widths and a batch that are not multiples of 4
  const cases: [Activation, number, number][] = [
    ['silu', 64, 256],
    ['relu', 64, 256],
    ['tanh', 64, 256],
    ['silu', 13, 30],
  ];
  for (const [activation, width, rows] of cases) {
    it(`${activation}: 18-${width}-${width}-${width}-2 (sinusoidal embedding), B = ${rows}`, async () => {
      const model: MlpConfig = { dataDim: 2, outputDim: 2, width, depth: 3, activation, timeEmbedding: { kind: 'sinusoidal', frequencies: 8 } };
      const t = trainer(model, rows);
      const layout = t.layout;
      const params = testParameters(layout, 3);
      const batch = flowMatchingBatch(ring8, rows, 9, 4);
      const { forward, gradients, loss } = await withGpuErrors(gpu, async () => {
        t.setParameters(params);
        t.setBatch(batch);
        t.evaluateGradients();
        return { forward: await t.forward(), gradients: await t.gradients(), loss: await t.probeLoss() };
      });
      const core = mlpForward(layout, params, batch.inputs, batch.times, batch.batch);
      const coreLoss = mlpLoss(layout, params, batch);
      const { gradients: coreGradients } = mlpBackward(layout, params, core, meanSquaredErrorGradient(core.output, batch.targets));
      const preErrors = layout.layers.map((_, l) => maxRelative(forward.preActivations[l], core.preActivations[l]));
      const inputErrors = layout.layers.map((_, l) => maxRelative(forward.layerInputs[l], core.layerInputs[l]));
      const gradientErrors = layout.layers.map((layer) => relativeError(gradients, coreGradients, layer.offset, layer.offset + layer.outputDim * (layer.inputDim + 1)));
      const lossError = Math.abs(loss - coreLoss) / coreLoss;
      console.log(
        `gpu vs core ${activation} width ${width} B ${rows}: S_l max-relative ${preErrors.map((e) => e.toExponential(1)).join(', ')}; Ā_l ${inputErrors.map((e) => e.toExponential(1)).join(', ')}; ` +
          `loss ${lossError.toExponential(1)}; ∇W̄_l normwise ${gradientErrors.map((e) => e.toExponential(1)).join(', ')}`,
      );
      // forward: dot products of length ≤ 65 whose rounding errors (≤ 2⁻²⁴ each, random in sign) add like √65 ulps
      // of Σ|a w|, on float32-rounded inputs and weights, through four layers: 5e-6 of max |S_l| (measured ≤ 5e-7)
      for (const e of [...preErrors, ...inputErrors]) expect(e).toBeLessThan(5e-6);
      // the loss: a float32 sum of 512 squares on top of the forward's errors
      expect(lossError).toBeLessThan(5e-6);
      // gradients: batch sums of 256 products after a backward chain of dot products (√256 ulps, times a few
      // layers): 1e-5 normwise (measured ≤ 4e-7)
      for (const e of gradientErrors) expect(e).toBeLessThan(1e-5);
    });
  }
});

describe('flow-matching batches drawn on the GPU equal core’s flowMatchingBatch (same streams)', () => {
  const cases = [
    ['ring8', ring8],
    ['three-component GMM (full covariance, unequal weights)', prepareMixture(THREE_COMPONENT_GMM)],
  ] as const;
  for (const [name, mixture] of cases) {
    it(`${name}: batches 0 and 3, B = 256, seed 7`, async () => {
      const model: MlpConfig = { dataDim: 2, outputDim: 2, width: 32, depth: 1, activation: 'silu', timeEmbedding: { kind: 'sinusoidal', frequencies: 8, includeLinear: true } };
      const t = trainer(model, 256, 'sgd', mixture);
      for (const step of [0, 3]) {
        const drawn = await withGpuErrors(gpu, async () => {
          if (step > 0) t.step(step); // the step counter is the batch index
          t.sampleBatch();
          return t.readBatch();
        });
        const core = flowMatchingBatch(mixture, 256, 7, step);
        const input = networkInput(t.layout, core.inputs, core.times, 256);
        let dataError = 0;
        let embeddingError = 0;
        const d0 = t.layout.inputDim;
        for (let i = 0; i < 256; i++) {
          for (let j = 0; j < d0; j++) {
            const e = Math.abs(drawn.networkInput[i * d0 + j] - input[i * d0 + j]);
            if (j < 2) dataError = Math.max(dataError, e);
            else embeddingError = Math.max(embeddingError, e);
          }
        }
        let targetError = 0;
        for (let k = 0; k < core.targets.length; k++) targetError = Math.max(targetError, Math.abs(drawn.targets[k] - core.targets[k]));
        console.log(`gpu batch ${name} step ${step}: max |Δx_t| ${dataError.toExponential(1)}, |Δu| ${targetError.toExponential(1)}, |Δemb(t)| ${embeddingError.toExponential(1)}`);
        // x_t and u are O(1)-O(5) values from float32 Box–Muller (rng.wgsl, ~1e-7 relative) and float32 products: a
        // wrong component would be off by the distance between means (≥ 0.7)
        expect(dataError).toBeLessThan(1e-5);
        expect(targetError).toBeLessThan(1e-5);
        // sin/cos(2πft), f ≤ 8: t rounded to float32 (≤ 3e-8, times 2πf ≈ 50: 1.5e-6) plus the float32 product f·t
        // (≤ ½ ulp of 8 = 4.8e-7 turns: 3e-6), so ≤ 4.5e-6 in the worst case
        expect(embeddingError).toBeLessThan(1e-5);
      }
    });
  }
});

describe('Adam and SGD updates equal core’s optimizers on a fixed gradient sequence (§4.1, §4.2)', () => {
  const model: MlpConfig = { dataDim: 2, outputDim: 2, width: 16, depth: 2, activation: 'silu', timeEmbedding: { kind: 'linear', scale: 1 } };
  const layout = mlpLayout(model);
  /** a deterministic gradient sequence of mixed scales; step 2 (when `withNaN`) carries a NaN */
  function gradientSequence(count: number, withNaN: boolean): Float64Array[] {
    return Array.from({ length: count }, (_, s) => {
      const g = new Float64Array(layout.parameterCount);
      for (let k = 0; k < g.length; k++) g[k] = Math.sin(1.7 * k + 0.3 * s) * 10 ** ((k % 5) - 3) + 0.01 * Math.cos(s);
      if (withNaN && s === 2) g[5] = Number.NaN;
      return g;
    });
  }
  const cases = [
    { name: 'Adam (PyTorch defaults)', optimizer: 'adam' as const, options: { adam: {} }, core: () => new AdamOptimizer() },
    { name: 'Adam, lr 1e-2, L2 weight decay 1e-2', optimizer: 'adam' as const, options: { adam: { lr: 1e-2, weightDecay: 1e-2 } }, core: () => new AdamOptimizer({ lr: 1e-2, weightDecay: 1e-2 }) },
    {
      name: 'AdamW, lr 1e-2, decoupled weight decay 0.1, β = (0.8, 0.99)',
      optimizer: 'adam' as const,
      options: { adam: { lr: 1e-2, weightDecay: 0.1, decoupledWeightDecay: true, beta1: 0.8, beta2: 0.99 } },
      core: () => new AdamOptimizer({ lr: 1e-2, weightDecay: 0.1, decoupledWeightDecay: true, beta1: 0.8, beta2: 0.99 }),
    },
    { name: 'SGD, momentum 0.9 (defaults)', optimizer: 'sgd' as const, options: { sgd: {} }, core: () => new SgdOptimizer() },
    {
      name: 'SGD, Nesterov, dampening 0.1, weight decay 1e-3',
      optimizer: 'sgd' as const,
      options: { sgd: { nesterov: true, dampening: 0.1, weightDecay: 1e-3, lr: 0.02 } },
      core: () => new SgdOptimizer({ nesterov: true, dampening: 0.1, weightDecay: 1e-3, lr: 0.02 }),
    },
    { name: 'SGD without momentum', optimizer: 'sgd' as const, options: { sgd: { momentum: 0, lr: 0.1 } }, core: () => new SgdOptimizer({ momentum: 0, lr: 0.1 }) },
  ];
  for (const c of cases) {
    for (const withNaN of [false, true]) {
      it(`${c.name}: 6 updates${withNaN ? ', the third gradient non-finite (skipped by both)' : ''}`, async () => {
        const t = newTrainer(model, { batch: 4, mixture: ring8, ...c.options }, c.optimizer);
        const params = initMlpParameters(layout, 2);
        // core starts from the float32-rounded parameters the GPU holds
        const reference = Float64Array.from(Float32Array.from(params));
        const optimizer = c.core();
        const sequence = gradientSequence(6, withNaN);
        const { gpuParams, state, counts } = await withGpuErrors(gpu, async () => {
          t.setParameters(params);
          for (const g of sequence) t.applyGradients(g);
          return { gpuParams: await t.parameters(), state: await t.optimizerState(), counts: await t.counts() };
        });
        // core sees the gradients as float32 too (the GPU's gradients are float32)
        for (const g of sequence) optimizer.step(reference, Float64Array.from(Float32Array.from(g)));
        expect(counts.applied).toBe(optimizer.steps);
        expect(counts.skipped).toBe(withNaN ? 1 : 0);
        let maxDiff = 0;
        let maxParam = 0;
        for (let k = 0; k < reference.length; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(gpuParams[k] - reference[k]));
          maxParam = Math.max(maxParam, Math.abs(reference[k]));
        }
        const coreState = optimizer instanceof AdamOptimizer ? optimizer.moments! : optimizer.momentumBuffer;
        const stateErrors =
          optimizer instanceof AdamOptimizer
            ? [maxRelative(state.first, optimizer.moments!.first), maxRelative(state.second!, optimizer.moments!.second)]
            : coreState
              ? [maxRelative(state.first, coreState as Float64Array)]
              : [];
        console.log(`gpu ${c.name}${withNaN ? ' (NaN step)' : ''}: max |θ_gpu − θ_core| = ${maxDiff.toExponential(2)} (max |θ| ${maxParam.toFixed(2)}); state max-relative ${stateErrors.map((e) => e.toExponential(1)).join(', ')}`);
        // each update rounds θ once to float32 (½ ulp ≤ 2⁻²⁴·max|θ|) and carries a relative error of a few ulps of
        // its own size (η ≤ 0.1 times a gradient or m̂/√v̂ of order 1): six updates stay within 16 ulps of max |θ|
        expect(maxDiff).toBeLessThan(16 * 2 ** -24 * maxParam);
        // moments: a few float32 multiply-adds per update
        for (const e of stateErrors) expect(e).toBeLessThan(1e-6);
      });
    }
  }
});
