// One generative training run (flow matching or score matching on a 2D target, training.md §3.3), ending with the model
// file (core/spec/modelFile.ts) and the log rows `step,loss,samples_seen,wall_ms`:
// - trainGenerativeCpu: the float64 CPU path, core/train/loop.ts on the spec's target. `stepscope train` and the
//   training lab's worker both call it, so the CLI's model and the page's are the same numbers.
// - trainGenerativeGpu (generativeGpu.ts): the WGSL trainer, same model file and log; `stepscope train --backend gpu`.

import { prepareTarget } from '../../core/sampling/experiment.ts';
import { type ModelFile, MODEL_FORMAT, MODEL_FORMAT_VERSION, taskTimeInput } from '../../core/spec/modelFile.ts';
import type { PreparedMixture } from '../../core/sampling/gmm.ts';
import { type GenerativeTrainSpec, trainMlpConfig } from '../../core/spec/trainSpec.ts';
import { generativeValidationLoss, trainGenerativeModel } from '../../core/train/loop.ts';
import { type MlpConfig, mlpLayout } from '../../core/train/mlp.ts';

/** the validation set's size (training.md §3.3 uses 8192; 4096 keeps the end-of-run check well under a second) */
export const VALIDATION_ROWS = 4096;

/** What one training run produced: the model file and the per-step log rows. */
export interface TrainOutcome {
  model: ModelFile;
  /** `step,loss,samples_seen,wall_ms` without the header: step from 1, the batch loss before that step's update */
  logRows: string[];
  skippedSteps: number;
  wallMs: number;
}

const now = () => performance.now();

/** Train; throws when the run diverged (NaN parameters or loss), naming what to try. */
export function trainGenerativeCpu(spec: GenerativeTrainSpec, onStep: (step: number, total: number, loss: number, wallMs: number, params: Float64Array) => void): TrainOutcome {
  const mixture = prepareTarget(spec.target);
  const config = trainMlpConfig(spec.model, mixture.dim);
  const logRows: string[] = [];
  const start = now();
  const result = trainGenerativeModel({
    mixture,
    loss: spec.task,
    model: config,
    optimizer: spec.optimizer,
    steps: spec.steps,
    batch: spec.batch,
    seed: spec.seed,
    lrDecay: spec.lrDecay,
    onStep: (step, loss, _applied, params) => {
      const done = step + 1;
      const wall = now() - start;
      logRows.push(`${done},${loss},${done * spec.batch},${wall.toFixed(3)}`);
      onStep(done, spec.steps, loss, wall, params);
    },
  });
  const wallMs = now() - start;
  return { model: modelFileOf(spec, mixture, config, result.params, result.losses), logRows, skippedSteps: result.skippedSteps, wallMs };
}

/** The model file of a finished run (either path); throws when it diverged (NaN parameters or loss), naming what to try. */
export function modelFileOf(spec: GenerativeTrainSpec, mixture: PreparedMixture, config: MlpConfig, params: Float64Array, stepLosses: ArrayLike<number>): ModelFile {
  if (!params.every(Number.isFinite)) throw new Error(`training diverged: some parameters are NaN or infinite after ${spec.steps} steps; try a smaller learning rate (nothing written)`);
  const losses = Array.from(stepLosses);
  const tail = losses.slice(-100);
  const model: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    kind: 'mlp',
    task: spec.task,
    config,
    params,
    timeInput: taskTimeInput(spec.task),
    trainedOn: {
      target: spec.target,
      steps: spec.steps,
      batch: spec.batch,
      seed: spec.seed,
      optimizer: spec.optimizer as ModelFile['trainedOn']['optimizer'],
      ...(spec.lrDecay ? { lrDecay: spec.lrDecay } : {}),
    },
    loss: {
      final: losses[losses.length - 1],
      last100: tail.reduce((a, b) => a + b, 0) / tail.length,
      // always the float64 loss of the parameters (float32 values on the GPU path) on the seed's validation set
      validation: generativeValidationLoss(spec.task, mixture, mlpLayout(config), params, spec.seed, VALIDATION_ROWS),
    },
  };
  if (![model.loss.final, model.loss.last100, model.loss.validation].every((v) => Number.isFinite(v))) throw new Error(`training diverged: the loss is NaN or infinite; try a smaller learning rate (nothing written)`);
  return model;
}
