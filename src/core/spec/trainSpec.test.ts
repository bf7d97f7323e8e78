import { describe, expect, it } from 'vitest';
import { ADAM_DEFAULTS, KFAC_DEFAULTS, MKOR_HYBRID_DEFAULTS, SGD_DEFAULTS } from '../train/optimizers.ts';
import { parseSpec } from './spec.ts';
import { specProblems } from './testing.ts';
import { TRAIN_TIME_EMBEDDING, parseTrainSpec, trainMlpConfig } from './trainSpec.ts';

const problems = (input: unknown) => specProblems(input, parseTrainSpec);
const ring8 = { type: 'preset', name: 'ring8' };
const base = { version: 1, kind: 'train', task: 'flow-matching', target: ring8 };

describe('train spec', () => {
  it('fills every default but task and target (§4.6 FM-2D toy column)', () => {
    const spec = parseTrainSpec(base);
    expect(spec.model).toEqual({ type: 'mlp', width: 128, depth: 3, activation: 'silu', timeEmbedding: TRAIN_TIME_EMBEDDING });
    expect(spec.optimizer).toEqual({ name: 'adam', ...ADAM_DEFAULTS });
    expect([spec.steps, spec.batch, spec.seed]).toEqual([2000, 1024, 0]);
    expect(trainMlpConfig(spec.model, 2)).toEqual({ dataDim: 2, outputDim: 2, width: 128, depth: 3, activation: 'silu', timeEmbedding: TRAIN_TIME_EMBEDDING });
    // given hyperparameters win, the rest are the optimizer's defaults
    expect(parseTrainSpec({ ...base, optimizer: { name: 'sgd', lr: 0.01 } }).optimizer).toEqual({ name: 'sgd', ...SGD_DEFAULTS, lr: 0.01 });
    const kfac = parseTrainSpec({ ...base, optimizer: { name: 'kfac', klClip: null } }).optimizer;
    expect(kfac).toMatchObject({ name: 'kfac', lr: KFAC_DEFAULTS.lr, damping: 0.1, piDamping: true, factorDecay: 0.95, klClip: null });
    const mkorH = parseTrainSpec({ ...base, task: 'score-matching', optimizer: { name: 'mkor-h', base: { name: 'sgd', lr: 0.1 }, hybrid: { window: 50 } } }).optimizer;
    expect(mkorH).toMatchObject({ name: 'mkor-h', variant: 'released', inverseUpdateSteps: 1, base: { name: 'sgd', ...SGD_DEFAULTS, lr: 0.1 }, hybrid: { ...MKOR_HYBRID_DEFAULTS, window: 50 } });
    expect(parseTrainSpec({ ...base, optimizer: { name: 'mkor' } }).optimizer).toMatchObject({ name: 'mkor', base: { name: 'adam', ...ADAM_DEFAULTS } });
  });

  it('takes the PDE-surrogate column for task surrogate (its target is left to its runner)', () => {
    const spec = parseTrainSpec({ version: 1, kind: 'train', task: 'surrogate', target: { equation: 'burgers' }, optimizer: { name: 'kfac' } });
    expect(spec.optimizer).toMatchObject({ name: 'kfac', lr: 0.2, damping: 0.03, inverseUpdateSteps: 1 });
    expect(parseTrainSpec({ version: 1, kind: 'train', task: 'surrogate', target: {}, optimizer: { name: 'sgd', lr: 0.3 } }).optimizer).toMatchObject({ lr: 0.3, momentum: 0.9 });
  });

  it('refuses bad input naming the field, the value and what is allowed', () => {
    expect(problems({ ...base, task: 'flow' })).toEqual(['task: got "flow"; allowed: "flow-matching", "score-matching", "surrogate"']);
    expect(problems({ version: 1, kind: 'train', task: 'flow-matching' })).toEqual(['target: got nothing; Invalid input: expected record, received undefined']);
    expect(problems({ ...base, target: { type: 'preset', name: 'ring9' } })).toEqual(['target.name: got "ring9"; allowed: "ring8", "grid25", "two-moons-gmm", "swiss-roll-gmm"']);
    expect(problems({ ...base, target: { type: 'gmm', weights: [1], means: [[0, 0]], covs: [[[1, 0], [0, -1]]] } })).toEqual(['target.covs.0: got [[1,0],[0,-1]]; must be positive semi-definite']);
    expect(problems({ ...base, steps: 0, batch: 1.5 })).toEqual(['steps: got 0; Too small: expected number to be >=1', 'batch: got 1.5; Invalid input: expected int, received number']);
    expect(problems({ ...base, model: { type: 'mlp', width: 0, activation: 'gelu' } })).toEqual([
      'model.width: got 0; Too small: expected number to be >=1',
      'model.activation: got "gelu"; allowed: "silu", "relu", "tanh"',
    ]);
    expect(problems({ ...base, model: { type: 'mlp', width: 2048 } })).toEqual(['model.width: got 2048; Too big: expected number to be <=1024']);
    expect(problems({ ...base, model: { type: 'fno' } })[0]).toMatch(/^model\.type: got "fno"; .*"mlp"/);
    expect(problems({ ...base, optimizer: { name: 'adamw' } })[0]).toMatch(/^optimizer\.name: got "adamw"; .*'sgd' \| 'adam' \| 'kfac' \| 'mkor' \| 'mkor-h'/);
    expect(problems({ ...base, optimizer: { name: 'adam', lr: -1, beta3: 0.9 } })).toEqual(['optimizer.lr: got -1; Too small: expected number to be >0', 'optimizer: unknown field(s) "beta3"']);
    expect(problems({ ...base, optimizer: { name: 'sgd', momentum: 1 } })).toEqual(['optimizer.momentum: got 1; Too big: expected number to be <1']);
    expect(problems({ ...base, optimizer: { name: 'mkor', base: { name: 'lamb' } } })[0]).toMatch(/^optimizer\.base\.name: got "lamb"/);
    expect(problems({ ...base, optimizer: { name: 'kfac', damping: 0 } })).toEqual(['optimizer.damping: got 0; Too small: expected number to be >0']);
    expect(problems({ ...base, kind: 'sample' })[0]).toMatch(/^kind: got "sample"; .*"train"/);
    expect(problems({ ...base, epochs: 3 })).toEqual(['(spec): unknown field(s) "epochs"']);
  });
});

describe('sample spec model field', () => {
  const sample = { version: 1, kind: 'sample', process: { type: 'flow' }, target: ring8, solver: { name: 'flow-heun' }, schedule: { type: 'time-uniform' }, steps: 10 };
  it('takes the exact denoiser (default) or a trained MLP file', () => {
    expect(parseSpec(sample).model).toBeUndefined();
    expect(parseSpec({ ...sample, model: { type: 'mlp', file: 'model.json' } }).model).toEqual({ type: 'mlp', file: 'model.json' });
    expect(parseSpec({ ...sample, model: { type: 'exact' } }).model).toEqual({ type: 'exact' });
  });
  it('refuses a model without a file or of an unknown type', () => {
    expect(specProblems({ ...sample, model: { type: 'mlp' } })).toEqual(['model.file: got nothing; Invalid input: expected string, received undefined']);
    expect(specProblems({ ...sample, model: { type: 'mlp', file: '' } })[0]).toMatch(/^model\.file: got ""; Too small/);
    expect(specProblems({ ...sample, model: { type: 'unet', file: 'a' } })[0]).toMatch(/^model\.type: got "unet"/);
  });
});
