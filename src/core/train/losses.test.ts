// Training batches of training.md §3.3 (flow matching, denoising score matching) on the repo's targets, and the
// §4.7 sanity run: Adam reduces the flow-matching loss on ring8 with a tiny MLP.

import { describe, expect, it } from 'vitest';
import { type PreparedMixture, mixtureDenoise, prepareMixture } from '../sampling/gmm.ts';
import { targetPreset } from '../sampling/presets.ts';
import { type MlpConfig, type TrainingBatch, initMlpParameters, meanSquaredError, mlpLayout, mlpLoss, mlpLossAndGradients } from './mlp.ts';
import { FLOW_MATCHING_EPSILON, VALIDATION_STREAMS, flowMatchingBatch, generativeBatch, sampleTargetBatch, scoreMatchingBatch } from './losses.ts';
import { type OptimizerConfig, createOptimizer } from './optimizers.ts';
import { generativeValidationLoss, trainGenerativeModel } from './loop.ts';

const ring8 = prepareMixture(targetPreset('ring8'));

/** the exact flow-matching velocity of a Gaussian mixture: v*(x, t) = (E[x₁ | x_t = x] − x)/(1 − t), with x_t = t·x₁ + (1−t)·x₀ */
function exactVelocities(mixture: PreparedMixture, batch: TrainingBatch): Float64Array {
  const d = mixture.dim;
  const out = new Float64Array(batch.batch * d);
  const posteriorMean = new Float64Array(d);
  for (let i = 0; i < batch.batch; i++) {
    const t = batch.times[i];
    const x = batch.inputs.subarray(i * d, i * d + d);
    mixtureDenoise(mixture, x, 1, t, 1 - t, posteriorMean, 'data'); // α = t, σ = 1 − t
    for (let r = 0; r < d; r++) out[i * d + r] = (posteriorMean[r] - x[r]) / (1 - t);
  }
  return out;
}

describe('target draws (§3.3 data x₁)', () => {
  it('ring8 batches have the mixture’s moments: mean 0, E‖x‖² = 1 + 2·0.08², eight equally likely components', () => {
    const n = 8192;
    const x = sampleTargetBatch(ring8, n, 1, 0);
    let mean0 = 0;
    let mean1 = 0;
    let square = 0;
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < n; i++) {
      mean0 += x[2 * i] / n;
      mean1 += x[2 * i + 1] / n;
      square += (x[2 * i] ** 2 + x[2 * i + 1] ** 2) / n;
      const angle = Math.atan2(x[2 * i + 1], x[2 * i]);
      counts[(Math.round((angle / (2 * Math.PI)) * 8) + 8) % 8]++;
    }
    expect(Math.abs(mean0)).toBeLessThan(0.03);
    expect(Math.abs(mean1)).toBeLessThan(0.03);
    expect(square).toBeCloseTo(1 + 2 * 0.08 ** 2, 1);
    for (const c of counts) expect(Math.abs(c / n - 1 / 8)).toBeLessThan(0.015);
  });

  it('batches are keyed by (seed, step): reproducible, different per step and seed, and the validation streams are disjoint', () => {
    const a = sampleTargetBatch(ring8, 16, 3, 5);
    expect(sampleTargetBatch(ring8, 16, 3, 5)).toEqual(a);
    expect(sampleTargetBatch(ring8, 16, 3, 6)).not.toEqual(a);
    expect(sampleTargetBatch(ring8, 16, 4, 5)).not.toEqual(a);
    expect(sampleTargetBatch(ring8, 16, 3, 5, VALIDATION_STREAMS)).not.toEqual(a);
    // row i does not depend on the batch size (particle = row)
    expect(sampleTargetBatch(ring8, 32, 3, 5).subarray(0, 32)).toEqual(a);
  });
});

describe('flow matching, RF convention (§3.3)', () => {
  const batch = flowMatchingBatch(ring8, 4096, 2, 0);

  it('x_t = t·x₁ + (1 − t)·x₀, target u = x₁ − x₀, t ~ U(ε, 1), time input t', () => {
    let meanT = 0;
    let mixError = 0;
    let targetError = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    for (let i = 0; i < batch.batch; i++) {
      const t = batch.times[i];
      minT = Math.min(minT, t);
      maxT = Math.max(maxT, t);
      meanT += t / batch.batch;
      for (let r = 0; r < 2; r++) {
        const k = 2 * i + r;
        mixError = Math.max(mixError, Math.abs(batch.inputs[k] - (t * batch.data[k] + (1 - t) * batch.noise[k])));
        targetError = Math.max(targetError, Math.abs(batch.targets[k] - (batch.data[k] - batch.noise[k])));
      }
    }
    expect(mixError).toBeLessThan(1e-14);
    expect(targetError).toBe(0);
    expect(minT).toBeGreaterThanOrEqual(FLOW_MATCHING_EPSILON);
    expect(maxT).toBeLessThan(1);
    expect(meanT).toBeCloseTo(0.5, 1);
    const noiseVariance = batch.noise.reduce((s, z) => s + z * z, 0) / batch.noise.length;
    expect(noiseVariance).toBeCloseTo(1, 1);
  });

  it('the exact velocity of the mixture (the repo’s closed-form denoiser) minimises the loss: the irreducible floor', () => {
    const exact = exactVelocities(ring8, batch);
    const floor = meanSquaredError(exact, batch.targets);
    // any other field does worse: a shift, a scale, zero
    expect(meanSquaredError(exact.map((v) => v + 0.1), batch.targets)).toBeGreaterThan(floor);
    expect(meanSquaredError(exact.map((v) => 1.1 * v), batch.targets)).toBeGreaterThan(floor);
    expect(meanSquaredError(new Float64Array(exact.length), batch.targets)).toBeGreaterThan(floor + 0.3);
    expect(floor).toBeGreaterThan(0.8);
    expect(floor).toBeLessThan(1.1);
  });
});

describe('denoising score matching, σ²-weighted ε-prediction (§3.3)', () => {
  const batch = scoreMatchingBatch(ring8, 4096, 2, 0);

  it('x̃ = x + σε with log σ ~ U(log 0.01, log 3), target ε, time input log σ / 4', () => {
    let meanLog = 0;
    let inputError = 0;
    let timeError = 0;
    let targetError = 0;
    for (let i = 0; i < batch.batch; i++) {
      const sigma = batch.sigmas[i];
      expect(sigma >= 0.01 && sigma <= 3).toBe(true);
      timeError = Math.max(timeError, Math.abs(batch.times[i] - Math.log(sigma) / 4));
      meanLog += Math.log(sigma) / batch.batch;
      for (let r = 0; r < 2; r++) {
        const k = 2 * i + r;
        inputError = Math.max(inputError, Math.abs(batch.inputs[k] - (batch.data[k] + sigma * batch.noise[k])));
        targetError = Math.max(targetError, Math.abs(batch.targets[k] - batch.noise[k]));
      }
    }
    expect(inputError).toBeLessThan(1e-14);
    expect(timeError).toBeLessThan(1e-15);
    expect(targetError).toBe(0);
    expect(meanLog).toBeCloseTo((Math.log(0.01) + Math.log(3)) / 2, 1);
  });

  it('the exact ε-prediction E[ε | x̃] of the mixture (α = 1, σ) minimises the loss ‖σ·s + ε‖²', () => {
    const exact = new Float64Array(batch.batch * 2);
    const out = new Float64Array(2);
    for (let i = 0; i < batch.batch; i++) {
      mixtureDenoise(ring8, batch.inputs.subarray(2 * i, 2 * i + 2), 1, 1, batch.sigmas[i], out, 'noise');
      exact.set(out, 2 * i);
    }
    // with s = −ε̂/σ, σ·s + ε = ε − ε̂: the loss is the MSE of ε̂ against the target ε
    const floor = meanSquaredError(exact, batch.targets);
    expect(meanSquaredError(exact.map((v) => 1.1 * v), batch.targets)).toBeGreaterThan(floor);
    expect(meanSquaredError(exact.map((v) => v - 0.1), batch.targets)).toBeGreaterThan(floor);
    // the zero prediction scores E‖ε‖²/D = 1; at small σ the noise is nearly unpredictable, so the floor is well above 0
    expect(floor).toBeLessThan(0.75 * meanSquaredError(new Float64Array(exact.length), batch.targets));
  });

  it('generativeBatch picks the loss and the validation streams', () => {
    expect(generativeBatch('flow-matching', ring8, 8, 1, 2)).toEqual(flowMatchingBatch(ring8, 8, 1, 2));
    expect(generativeBatch('score-matching', ring8, 8, 1, 2)).toEqual(scoreMatchingBatch(ring8, 8, 1, 2));
    expect(generativeBatch('flow-matching', ring8, 8, 1, 2, true)).toEqual(flowMatchingBatch(ring8, 8, 1, 2, { streams: VALIDATION_STREAMS }));
  });
});

describe('sanity run on ring8 flow matching (§4.7, scaled down)', () => {
  // tiny net: 18-32-32-2 SiLU (default sinusoidal embedding, K = 8), batch 128; validation 2048 fixed triples
  const config: MlpConfig = { dataDim: 2, outputDim: 2, width: 32, depth: 2, activation: 'silu', timeEmbedding: { kind: 'sinusoidal', frequencies: 8 } };
  const layout = mlpLayout(config);
  const validation = generativeBatch('flow-matching', ring8, 2048, 7, 0, true);
  const floor = meanSquaredError(exactVelocities(ring8, validation), validation.targets);

  function train(optimizer: OptimizerConfig, steps: number): { before: number; after: number; trainFirst: number; trainLast: number } {
    const params = initMlpParameters(layout, 1);
    const opt = createOptimizer(optimizer, layout);
    const before = mlpLoss(layout, params, validation);
    const trainLosses: number[] = [];
    for (let step = 0; step < steps; step++) {
      const result = mlpLossAndGradients(layout, params, flowMatchingBatch(ring8, 128, 1, step));
      trainLosses.push(result.loss);
      expect(opt.step(params, result.gradients, result.statistics).applied).toBe(true);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return { before, after: mlpLoss(layout, params, validation), trainFirst: mean(trainLosses.slice(0, 20)), trainLast: mean(trainLosses.slice(-20)) };
  }

  it('Adam (η 1e-2) in 400 steps: validation FM loss down ≥ 25 %, its excess over the exact-velocity floor down ≥ 3×', () => {
    const { before, after, trainFirst, trainLast } = train({ name: 'adam', lr: 1e-2 }, 400);
    console.log(`ring8 FM sanity (Adam 1e-2, 400 steps, 18-32-32-2, B 128): validation ${before.toFixed(4)} → ${after.toFixed(4)}, floor ${floor.toFixed(4)}, excess ratio ${((before - floor) / (after - floor)).toFixed(2)}; train ${trainFirst.toFixed(3)} → ${trainLast.toFixed(3)}`);
    expect(after).toBeLessThan(0.75 * before);
    expect((before - floor) / (after - floor)).toBeGreaterThan(3);
    expect(after).toBeGreaterThan(floor); // nothing beats the exact velocity
    expect(trainLast).toBeLessThan(trainFirst);
  });

  for (const optimizer of [
    { name: 'sgd' },
    { name: 'kfac' },
    { name: 'mkor' },
    { name: 'mkor', variant: 'paper-exact', base: { name: 'sgd', lr: 0.05 } },
  ] as OptimizerConfig[]) {
    it(`${JSON.stringify(optimizer)} with the §4.6 defaults reduces the loss ≥ 10 % in 200 steps on real MLP statistics`, () => {
      const { before, after } = train(optimizer, 200);
      console.log(`ring8 FM, 200 steps, ${JSON.stringify(optimizer)}: validation ${before.toFixed(4)} → ${after.toFixed(4)}`);
      expect(after).toBeLessThan(0.9 * before);
    });
  }
});

describe('the training loop (loop.ts)', () => {
  it('reproduces a hand-written loop bit for bit, for both losses, and its validation loss uses the validation streams', () => {
    const model: MlpConfig = { dataDim: 2, outputDim: 2, width: 8, depth: 1, activation: 'tanh', timeEmbedding: { kind: 'sinusoidal', frequencies: 2 } };
    for (const loss of ['flow-matching', 'score-matching'] as const) {
      const result = trainGenerativeModel({ mixture: ring8, loss, model, optimizer: { name: 'adam', lr: 1e-2 }, steps: 20, batch: 16, seed: 5 });
      const layout = mlpLayout(model);
      const params = initMlpParameters(layout, 5);
      const optimizer = createOptimizer({ name: 'adam', lr: 1e-2 }, layout);
      for (let step = 0; step < 20; step++) {
        const { gradients, statistics, loss: value } = mlpLossAndGradients(layout, params, generativeBatch(loss, ring8, 16, 5, step));
        expect(result.losses[step]).toBe(value);
        optimizer.step(params, gradients, statistics);
      }
      expect(result.params).toEqual(params);
      expect(result.skippedSteps).toBe(0);
      expect(generativeValidationLoss(loss, ring8, layout, params, 5, 64)).toBe(mlpLoss(layout, params, generativeBatch(loss, ring8, 64, 5, 0, true)));
    }
    expect(() => trainGenerativeModel({ mixture: ring8, loss: 'flow-matching', model: { ...model, dataDim: 3 }, optimizer: { name: 'sgd' }, steps: 1, batch: 1, seed: 0 })).toThrow(/dimension 2/);
  });
});
