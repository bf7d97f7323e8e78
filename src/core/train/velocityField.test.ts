import { describe, expect, it } from 'vitest';
import { prepareMixture, mixtureDenoise } from '../sampling/gmm.ts';
import { targetPreset } from '../sampling/presets.ts';
import type { DenoiserModel } from '../sampling/interpreter.ts';
import { learnedDenoiser } from '../spec/learnedModel.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelFile, taskTimeInput } from '../spec/modelFile.ts';
import { TRAIN_TIME_EMBEDDING } from '../spec/trainSpec.ts';
import { trainGenerativeModel } from './loop.ts';
import { type MlpConfig, initMlpParameters, mlpLayout } from './mlp.ts';
import { compareVelocityField } from './velocityField.ts';

const ring8 = prepareMixture(targetPreset('ring8'));
const exactModel = (m = ring8): DenoiserModel => ({ dim: 2, predict: (x, n, _t, a, s, prediction, out) => mixtureDenoise(m, x, n, a, s, out, prediction) });
const config: MlpConfig = { dataDim: 2, outputDim: 2, width: 32, depth: 2, activation: 'silu', timeEmbedding: TRAIN_TIME_EMBEDDING };
const modelFile = (params: Float64Array): ModelFile => ({
  format: MODEL_FORMAT,
  version: MODEL_FORMAT_VERSION,
  kind: 'mlp',
  task: 'flow-matching',
  config,
  params,
  timeInput: taskTimeInput('flow-matching'),
  trainedOn: { target: { type: 'preset', name: 'ring8' }, steps: 0, batch: 1, seed: 0, optimizer: { name: 'adam' } },
  loss: { final: 0, last100: 0, validation: null },
});

describe('compareVelocityField', () => {
  it('the exact field of one isotropic Gaussian equals its closed form v = (μ + τs²/(τ²s² + (1−τ)²)(x − τμ) − x)/(1 − τ)', () => {
    const mu = [0.7, -0.4];
    const s2 = 0.09;
    const gauss = prepareMixture({ weights: [1], means: [mu], covs: [[[s2, 0], [0, s2]]] });
    for (const tau of [0, 0.3, 0.8, 0.99]) {
      const field = compareVelocityField(exactModel(gauss), gauss, tau, 5, -2, 2);
      const gain = (tau * s2) / (tau * tau * s2 + (1 - tau) ** 2);
      for (let p = 0; p < 25; p++)
        for (let i = 0; i < 2; i++) {
          const x = field.points[2 * p + i];
          const v = (mu[i] + gain * (x - tau * mu[i]) - x) / (1 - tau);
          expect(Math.abs(field.exact[2 * p + i] - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
        }
      expect(field.relativeError).toBe(0);
    }
  });

  it('a trained network is closer to the exact field than its initial weights, on the density-weighted error', () => {
    const layout = mlpLayout(config);
    const initial = compareVelocityField(learnedDenoiser(modelFile(initMlpParameters(layout, 0))), ring8, 0.5, 21, -1.5, 1.5);
    const trained = trainGenerativeModel({ mixture: ring8, loss: 'flow-matching', model: config, optimizer: { name: 'adam', lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false }, steps: 300, batch: 128, seed: 0 });
    const after = compareVelocityField(learnedDenoiser(modelFile(trained.params)), ring8, 0.5, 21, -1.5, 1.5);
    expect(initial.relativeError).toBeGreaterThan(0.8);
    expect(after.relativeError).toBeLessThan(0.6 * initial.relativeError);
    // the grid and the exact field do not depend on the model
    expect(after.exact).toEqual(initial.exact);
    expect(after.density).toEqual(initial.density);
  });

  it('a score model at τ = 0 (σ/α infinite) is refused by name instead of giving a NaN error', () => {
    const score = { ...modelFile(initMlpParameters(mlpLayout(config), 0)), task: 'score-matching' as const };
    expect(() => compareVelocityField(learnedDenoiser(score), ring8, 0, 5, -1, 1)).toThrow(/τ: the network's field is not finite at τ = 0/);
    expect(Number.isFinite(compareVelocityField(learnedDenoiser(score), ring8, 0.5, 5, -1, 1).relativeError)).toBe(true);
  });

  it('refuses τ outside [0, 0.99], a grid under 2 and targets that are not 2D, by name', () => {
    expect(() => compareVelocityField(exactModel(), ring8, 1, 5, -1, 1)).toThrow(/τ: got 1; allowed 0 … 0.99/);
    expect(() => compareVelocityField(exactModel(), ring8, 0.5, 1, -1, 1)).toThrow(/grid size: got 1/);
  });
});
