// The float64 training loop for the 2D generative toys (training.md §3.3, §6 steps 1–5 on the CPU): batch `step` from
// the counter-based RNG, forward and backward, one optimizer step. The CPU path and the oracle of the GPU trainer.

import type { PreparedMixture } from '../sampling/gmm.ts';
import { type GenerativeLoss, generativeBatch } from './losses.ts';
import { type MlpConfig, type MlpLayout, initMlpParameters, mlpLayout, mlpLoss, mlpLossAndGradients } from './mlp.ts';
import { type Optimizer, type OptimizerConfig, createOptimizer } from './optimizers.ts';

/** step decay of the learning rate (train spec `lrDecay`; training.md §4.2, ML-uc's MultiStepLR) */
export interface LearningRateDecay {
  every: number;
  factor: number;
}

/** η_t = η·factor^⌊t/every⌋ for the step t counted from 0 (constant without a decay); the CPU and GPU paths both use it */
export function decayedLearningRate(lr: number, decay: LearningRateDecay | undefined, step: number): number {
  return decay ? lr * decay.factor ** Math.floor(step / decay.every) : lr;
}

export interface GenerativeTrainingRun {
  mixture: PreparedMixture;
  loss: GenerativeLoss;
  model: MlpConfig;
  optimizer: OptimizerConfig;
  steps: number;
  batch: number;
  seed: number;
  /** the step decay of the learning rate (train spec `lrDecay`): η_t = η·factor^⌊t/every⌋; left out: constant */
  lrDecay?: LearningRateDecay;
  /** called after every step with the batch loss (before the step's update), whether the step was applied and the live parameters (read, never keep) */
  onStep?: (step: number, loss: number, applied: boolean, params: Float64Array) => void;
}

export interface GenerativeTrainingResult {
  layout: MlpLayout;
  params: Float64Array;
  optimizer: Optimizer;
  /** the training loss of every step */
  losses: Float64Array;
  /** steps the NaN guard skipped (§2.4) */
  skippedSteps: number;
}

export function trainGenerativeModel(run: GenerativeTrainingRun): GenerativeTrainingResult {
  if (run.model.dataDim !== run.mixture.dim || run.model.outputDim !== run.mixture.dim)
    throw new Error(`model dataDim/outputDim: got ${run.model.dataDim}/${run.model.outputDim}; the target has dimension ${run.mixture.dim}`);
  const layout = mlpLayout(run.model);
  const params = initMlpParameters(layout, run.seed);
  const optimizer = createOptimizer(run.optimizer, layout);
  const losses = new Float64Array(run.steps);
  let skippedSteps = 0;
  const baseLr = optimizer.lr;
  for (let step = 0; step < run.steps; step++) {
    if (run.lrDecay) optimizer.lr = decayedLearningRate(baseLr, run.lrDecay, step);
    const batch = generativeBatch(run.loss, run.mixture, run.batch, run.seed, step);
    const { loss, gradients, statistics } = mlpLossAndGradients(layout, params, batch);
    const { applied } = optimizer.step(params, gradients, statistics);
    if (!applied) skippedSteps++;
    losses[step] = loss;
    run.onStep?.(step, loss, applied, params);
  }
  return { layout, params, optimizer, losses, skippedSteps };
}

/** The loss on the fixed validation set of a run's seed (§3.3: the validation streams, never a training batch). */
export function generativeValidationLoss(loss: GenerativeLoss, mixture: PreparedMixture, layout: MlpLayout, params: Float64Array, seed: number, count = 8192): number {
  return mlpLoss(layout, params, generativeBatch(loss, mixture, count, seed, 0, true));
}
