// The GPU FNO training step (src/engine/train/gpuFno.ts, shaders/nn/fno_train.wgsl) against its float64 twin, core's
// FNO (src/core/surrogate/fno.ts):
// - every parameter block's gradient (each written by its own backward dispatch: ∇P̄₂, ∇P̄₁, per block ∇W̄_skip and
//   ∇R, ∇W̄_lift) against float64 central finite differences of core's loss (issue 7: relative error ≤ 1e-3 in
//   float32), on a small net, with and without the Nyquist mode kept; Im R's gradient at k = 0 is exactly 0;
// - forward (r̂, the loss) and the whole gradient against core's fnoForward / fnoLossAndGradients on the same
//   parameters and batch, at the surrogate experiment's default size;
// - Adam steps on a fixed batch: the GPU's per-step losses and final parameters follow core's loop
//   (fnoLossAndGradients + AdamOptimizer);
// - the NaN guard: a non-finite gradient skips the update (parameters unchanged), as core's AdamOptimizer does;
// - budget: 8L + 9 dispatches per step in the documented order, one submit, no readback, no upload, nothing created.
// Tolerances are float32 bounds: a length-m dot product carries a relative error up to about m·2⁻²⁴ of Σ|a_j w_j|
// (Higham §3.1), and parameters, inputs and DFT matrices are themselves rounded to float32.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FnoConfig, type FnoLayout, fnoForward, fnoLossAndGradients, initFnoParameters } from '../../core/surrogate/fno.ts';
import { AdamOptimizer } from '../../core/train/optimizers.ts';
import { countGpu, type GpuCounter } from '../../gpu/counting.ts';
import { testDevice, withGpuErrors } from '../../gpu/testing.ts';
import { GpuFnoTrainer, fnoDispatchesPerStep } from './gpuFno.ts';

let gpu: GPUDevice;
let counter: GpuCounter;
beforeAll(async () => {
  gpu = await testDevice();
  counter = countGpu(gpu);
});
const trainers: GpuFnoTrainer[] = [];
afterAll(() => {
  trainers.forEach((t) => t.destroy());
  counter.restore();
});

function trainer(model: FnoConfig, batch: number, options: { lr?: number; stepsPerCommandBuffer?: number } = {}): GpuFnoTrainer {
  const t = new GpuFnoTrainer(gpu, { model, batch, adam: options.lr === undefined ? undefined : { lr: options.lr }, stepsPerCommandBuffer: options.stepsPerCommandBuffer }, 5);
  trainers.push(t);
  return t;
}

/** a small deterministic generator (mulberry32) for test data, independent of the code under test */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A batch in the surrogate's encoding (models.ts): channels (u, p̃, x_j = j/N); u a random smooth periodic field, p̃
 * one value per sample; targets a learnable residual plus noise. Rounded to float32, as the GPU sees them.
 */
function testBatch(layout: FnoLayout, batch: number, seed: number): { inputs: Float64Array; targets: Float64Array } {
  const { n, inChannels, outChannels } = layout.config;
  const rand = generator(seed);
  const inputs = new Float64Array(batch * inChannels * n);
  const targets = new Float64Array(batch * outChannels * n);
  for (let b = 0; b < batch; b++) {
    const base = b * inChannels * n;
    const a1 = rand() - 0.5;
    const a2 = rand() - 0.5;
    const phase = 2 * Math.PI * rand();
    const p = 2 * rand() - 1;
    for (let j = 0; j < n; j++) {
      const x = (2 * Math.PI * j) / n;
      inputs[base + j] = a1 * Math.sin(x + phase) + a2 * Math.cos(2 * x) + 0.1 * (rand() - 0.5);
      if (inChannels > 1) inputs[base + n + j] = p;
      if (inChannels > 2) inputs[base + 2 * n + j] = j / n;
    }
    // a learnable residual (a centred difference of u, an offset by p̃) plus a little noise
    for (let o = 0; o < outChannels; o++)
      for (let j = 0; j < n; j++)
        targets[(b * outChannels + o) * n + j] = (0.3 + 0.1 * o) * (inputs[base + ((j + 1) % n)] - inputs[base + ((j + n - 1) % n)]) + 0.05 * p + 0.02 * (rand() - 0.5);
  }
  const round = (x: Float64Array) => Float64Array.from(Float32Array.from(x));
  return { inputs: round(inputs), targets: round(targets) };
}

/** core's initialisation with a small perturbation everywhere (non-zero biases), rounded to float32 */
function testParameters(layout: FnoLayout, seed: number): Float64Array {
  const params = initFnoParameters(layout, seed);
  for (let k = 0; k < params.length; k++) params[k] += 0.05 * Math.sin(0.7 * k + seed);
  return Float64Array.from(Float32Array.from(params));
}

/** ‖a − b‖₂ / ‖b‖₂ over [start, end) */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, start = 0, end = b.length): number {
  let num = 0;
  let den = 0;
  for (let k = start; k < end; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}

/** [name, start, end) of every parameter block, each written by one backward dispatch */
function parameterBlocks(layout: FnoLayout): [string, number, number][] {
  const linear = (name: string, s: { inputDim: number; outputDim: number; offset: number }): [string, number, number] => [name, s.offset, s.offset + s.outputDim * (s.inputDim + 1)];
  const size = layout.config.width * layout.config.width * layout.keptModes;
  return [
    linear('lift', layout.lift),
    ...layout.blocks.flatMap((b, l) => [[`R${l} re`, b.spectralRe, b.spectralRe + size] as [string, number, number], [`R${l} im`, b.spectralIm, b.spectralIm + size] as [string, number, number], linear(`skip${l}`, b.skip)]),
    linear('project1', layout.project1),
    linear('project2', layout.project2),
  ];
}

async function gpuGradients(t: GpuFnoTrainer, params: Float64Array, batch: { inputs: Float64Array; targets: Float64Array }) {
  return withGpuErrors(gpu, async () => {
    t.setParameters(params);
    t.setBatch(batch.inputs, batch.targets);
    t.evaluateGradients();
    return { gradients: await t.gradients(), loss: await t.probeLoss(), output: await t.output() };
  });
}

describe('GPU FNO backward kernels against float64 central finite differences of core’s loss', () => {
  const cases: [string, FnoConfig, number][] = [
    ['N 16, w 4, 2 blocks, K 3, GELU', { n: 16, inChannels: 3, outChannels: 1, width: 4, layers: 2, modes: 4, activation: 'gelu' }, 3],
    ['N 8, w 3, 2 blocks, K 5 (Nyquist kept), tanh', { n: 8, inChannels: 3, outChannels: 1, width: 3, layers: 2, modes: 8, activation: 'tanh' }, 2],
    ['N 12, w 4, 3 blocks, K 4, SiLU, 2 out channels', { n: 12, inChannels: 2, outChannels: 2, width: 4, layers: 3, modes: 6, activation: 'silu' }, 2],
  ];
  for (const [name, model, batchSize] of cases) {
    it(`${name}, B = ${batchSize}: every parameter block within 1e-3 relative; ∂ℒ/∂Im R at k = 0 is exactly 0`, async () => {
      const t = trainer(model, batchSize);
      const layout = t.layout;
      const params = testParameters(layout, 2);
      const batch = testBatch(layout, batchSize, 9);
      const { gradients } = await gpuGradients(t, params, batch);
      const h = 1e-6;
      const probe = params.slice();
      const fd = new Float64Array(params.length);
      const loss = (p: Float64Array) => fnoLossAndGradients(layout, p, batch.inputs, batch.targets, batchSize).loss;
      for (let k = 0; k < params.length; k++) {
        probe[k] = params[k] + h;
        const up = loss(probe);
        probe[k] = params[k] - h;
        const down = loss(probe);
        probe[k] = params[k];
        fd[k] = (up - down) / (2 * h);
      }
      const errors = parameterBlocks(layout).map(([block, start, end]) => [block, relativeError(gradients, fd, start, end)] as const);
      console.log(`gpu fno gradcheck ${name}: ${errors.map(([b, e]) => `${b} ${e.toExponential(2)}`).join(', ')}`);
      for (const [block, error] of errors) expect(error, block).toBeLessThan(1e-3);
      const { width: w } = model;
      const K = layout.keptModes;
      for (const block of layout.blocks) for (let co = 0; co < w * w; co++) expect(gradients[block.spectralIm + co * K]).toBe(0);
      if (2 * (K - 1) === model.n) for (const block of layout.blocks) for (let co = 0; co < w * w; co++) expect(gradients[block.spectralIm + co * K + K - 1]).toBe(0);
    });
  }
});

// the surrogate experiment's default FNO (models.ts FNO_SURROGATE_DEFAULTS) on the bench's grid and batch
const surrogate: FnoConfig = { n: 64, inChannels: 3, outChannels: 1, width: 16, layers: 3, modes: 16, activation: 'gelu' };

describe('GPU FNO forward and gradients equal core’s fnoForward / fnoLossAndGradients', () => {
  it('N 64, w 16, 3 blocks, K 9, GELU, B = 32 (the surrogate default)', async () => {
    const batchSize = 32;
    const t = trainer(surrogate, batchSize);
    const layout = t.layout;
    const params = testParameters(layout, 4);
    const batch = testBatch(layout, batchSize, 3);
    const gpuResult = await gpuGradients(t, params, batch);
    const output = fnoForward(layout, params, batch.inputs, batchSize);
    const core = fnoLossAndGradients(layout, params, batch.inputs, batch.targets, batchSize);
    const outputError = relativeError(gpuResult.output, output);
    const lossError = Math.abs(gpuResult.loss - core.loss) / core.loss;
    const blocks = parameterBlocks(layout).map(([name, s, e]) => [name, relativeError(gpuResult.gradients, core.gradients, s, e)] as const);
    console.log(
      `gpu fno vs core (N 64, w 16, B 32): r̂ ${outputError.toExponential(2)}, loss ${lossError.toExponential(2)}, gradient ${relativeError(gpuResult.gradients, core.gradients).toExponential(2)} (${blocks.map(([b, x]) => `${b} ${x.toExponential(1)}`).join(', ')})`,
    );
    // r̂ passes ~10 float32 dot products of length ≤ 64: γ ≈ 64·6e-8 ≈ 4e-6 each, compounded
    expect(outputError).toBeLessThan(1e-4);
    expect(lossError).toBeLessThan(1e-4);
    // gradient sums run over B·N = 2048 terms
    for (const [name, error] of blocks) expect(error, name).toBeLessThan(1e-3);
  });
});

describe('GPU FNO Adam steps follow core’s loop on a fixed batch', () => {
  // a smaller net than the surrogate default keeps this within seconds on SwiftShader
  const model: FnoConfig = { n: 32, inChannels: 3, outChannels: 1, width: 8, layers: 3, modes: 12, activation: 'gelu' };
  it('N 32, w 8, 3 blocks, K 7, B = 8, Adam lr 1e-2: 30 steps, per-step losses and final parameters', async () => {
    const batchSize = 8;
    const steps = 30;
    const lr = 1e-2;
    const t = trainer(model, batchSize, { lr, stepsPerCommandBuffer: 8 });
    const layout = t.layout;
    const params = Float64Array.from(Float32Array.from(initFnoParameters(layout, 5)));
    const batch = testBatch(layout, batchSize, 21);
    const { losses, counts, final } = await withGpuErrors(gpu, async () => {
      t.setParameters(params);
      t.setBatch(batch.inputs, batch.targets);
      t.step(steps);
      return { losses: (await t.readLosses()).losses, counts: await t.counts(), final: await t.parameters() };
    });
    const adam = new AdamOptimizer({ lr });
    const coreParams = params.slice();
    const coreLosses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const { loss, gradients } = fnoLossAndGradients(layout, coreParams, batch.inputs, batch.targets, batchSize);
      coreLosses.push(loss);
      adam.step(coreParams, gradients);
    }
    let lossDiff = 0;
    for (let s = 0; s < steps; s++) lossDiff = Math.max(lossDiff, Math.abs(losses[s] - coreLosses[s]) / coreLosses[s]);
    const paramError = relativeError(final, coreParams);
    const moved = relativeError(coreParams, params);
    console.log(
      `gpu fno adam ${steps} steps: losses ${coreLosses[0].toExponential(3)} → ${coreLosses[steps - 1].toExponential(3)} (core), max relative loss difference ${lossDiff.toExponential(2)}; final parameters ${paramError.toExponential(2)} relative (they moved ${moved.toExponential(2)})`,
    );
    expect(counts).toEqual({ steps, applied: steps, skipped: 0 });
    expect(losses.length).toBe(steps);
    expect(coreLosses[steps - 1]).toBeLessThan(0.5 * coreLosses[0]);
    expect(lossDiff).toBeLessThan(1e-4);
    expect(paramError).toBeLessThan(1e-3 * moved);
  });
});

describe('GPU FNO NaN guard: a step whose gradient is not finite is skipped, as core’s Adam skips it', () => {
  it('one spectral weight at 1e200 (+∞ in float32): the loss overflows in both, the update is skipped and the parameters stay', async () => {
    const model: FnoConfig = { n: 16, inChannels: 3, outChannels: 1, width: 4, layers: 2, modes: 4, activation: 'gelu' };
    const t = trainer(model, 2);
    const params = testParameters(t.layout, 6);
    params[t.layout.blocks[0].spectralRe + 1] = 1e200;
    const batch = testBatch(t.layout, 2, 8);
    const { counts, after, losses } = await withGpuErrors(gpu, async () => {
      t.setParameters(params);
      t.setBatch(batch.inputs, batch.targets);
      t.step(2);
      return { counts: await t.counts(), after: await t.parameters(), losses: (await t.readLosses()).losses };
    });
    const core = fnoLossAndGradients(t.layout, params, batch.inputs, batch.targets, 2);
    const adam = new AdamOptimizer();
    const coreParams = params.slice();
    expect(adam.step(coreParams, core.gradients).applied).toBe(false);
    expect(counts).toEqual({ steps: 2, applied: 0, skipped: 2 });
    expect(Number.isFinite(losses[0])).toBe(false);
    // the GPU holds the float32 rounding of core's parameters (1e200 → +∞), unchanged by the skipped steps
    expect(Array.from(after)).toEqual(Array.from(Float32Array.from(coreParams)));
  });
});

describe('GPU FNO budget: dispatches per step, submits, readbacks, uploads, nothing created after construction', () => {
  it('3 blocks: 8L + 9 = 33 dispatches per step in the documented order', async () => {
    const model: FnoConfig = { n: 16, inChannels: 3, outChannels: 1, width: 4, layers: 3, modes: 4, activation: 'gelu' };
    const t = trainer(model, 4, { stepsPerCommandBuffer: 4 });
    const L = 3;
    const batch = testBatch(t.layout, 4, 1);
    await withGpuErrors(gpu, async () => {
      t.setBatch(batch.inputs, batch.targets);
      t.step(1);
      counter.reset();
      const steps = 10; // three command buffers of ≤ 4 steps
      t.step(steps);
      const c = { ...counter.counts };
      const log = counter.dispatchLog.map((d) => d.pipeline);
      expect(counter.logTruncated).toBe(false);
      expect(fnoDispatchesPerStep(t.layout)).toBe(8 * L + 9);
      expect(t.dispatchesPerStep).toBe(33);
      expect(c.dispatches).toBe(steps * 33);
      expect(c.submits).toBe(1);
      expect(c.readbacks).toBe(0);
      expect(c.writes).toBe(0);
      expect(c.pipelines).toBe(0);
      expect(c.bindGroups).toBe(0);
      expect(c.buffersCreated).toBe(0);
      const block = ['fno modes', 'fno mix', 'fno channel mix'];
      const blockBack = ['fno weight grad', 'fno modes', 'fno spectral grad', 'fno mix', 'fno channel mix'];
      const oneStep = [
        'fno channel mix',
        ...block,
        ...block,
        ...block,
        'fno channel mix',
        'fno head',
        'fno weight grad',
        'fno channel mix',
        'fno weight grad',
        'fno channel mix',
        ...blockBack,
        ...blockBack,
        ...blockBack,
        'fno weight grad',
        'nn adam',
      ];
      expect(oneStep.length).toBe(33);
      expect(log).toEqual(Array.from({ length: steps }, () => oneStep).flat());
      counter.reset();
      const { firstStep, losses } = await t.readLosses();
      expect([firstStep, losses.length]).toEqual([0, 11]);
      expect(counter.counts.readbacks).toBe(1);
      expect(counter.counts.buffersCreated + counter.counts.pipelines + counter.counts.bindGroups).toBe(0);
      for (const loss of losses) expect(Number.isFinite(loss) && loss > 0).toBe(true);
    });
  });
});
