// One generative training run (flow matching or score matching on a 2D target, training.md §3.3), ending with the model
// file (core/spec/modelFile.ts) and the log rows `step,loss,samples_seen,wall_ms`:
// - trainGenerativeCpu: the float64 CPU path, core/train/loop.ts on the spec's target. `stepscope train` and the
//   training lab's worker both call it, so the CLI's model and the page's are the same numbers.
// - trainGenerativeGpu: the WGSL trainer (engine/train/gpuTrainer.ts; flow matching with Adam or SGD), the same
//   batches from the same counter-based streams in float32; `stepscope train --backend gpu`.

import { prepareTarget } from '../../core/sampling/experiment.ts';
import { type ModelFile, MODEL_FORMAT, MODEL_FORMAT_VERSION, taskTimeInput } from '../../core/spec/modelFile.ts';
import type { PreparedMixture } from '../../core/sampling/gmm.ts';
import { type GenerativeTrainSpec, type TrainSpec, isGenerativeTrainSpec, trainMlpConfig } from '../../core/spec/trainSpec.ts';
import { decayedLearningRate, generativeValidationLoss, trainGenerativeModel } from '../../core/train/loop.ts';
import { type MlpConfig, mlpLayout } from '../../core/train/mlp.ts';
import { GpuMlpTrainer, MAX_DATA_DIM } from './gpuTrainer.ts';

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
export function trainGenerativeCpu(spec: GenerativeTrainSpec, onStep: (step: number, total: number, loss: number, wallMs: number) => void): TrainOutcome {
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
    onStep: (step, loss) => {
      const done = step + 1;
      const wall = now() - start;
      logRows.push(`${done},${loss},${done * spec.batch},${wall.toFixed(3)}`);
      onStep(done, spec.steps, loss, wall);
    },
  });
  const wallMs = now() - start;
  return { model: modelFileOf(spec, mixture, config, result.params, result.losses), logRows, skippedSteps: result.skippedSteps, wallMs };
}

/** The model file of a finished run; throws when it diverged (NaN parameters or loss), naming what to try. */
function modelFileOf(spec: GenerativeTrainSpec, mixture: PreparedMixture, config: MlpConfig, params: Float64Array, stepLosses: ArrayLike<number>): ModelFile {
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

/**
 * Why the GPU trainer cannot run this spec (null when it can): it samples flow-matching batches only and has Adam
 * and SGD (training.md §6 step 5; K-FAC and MKOR are float64 CPU only), for targets of dimension ≤ MAX_DATA_DIM.
 */
export function gpuTrainingRefusal(spec: { task: string }): string | null {
  if (spec.task !== 'flow-matching' || !isGenerativeTrainSpec(spec as TrainSpec)) return `task '${spec.task}': the GPU trainer runs task flow-matching only`;
  const { optimizer } = spec as GenerativeTrainSpec;
  if (optimizer.name !== 'adam' && optimizer.name !== 'sgd') return `optimizer '${optimizer.name}': the GPU trainer has adam and sgd (K-FAC and MKOR run on the float64 CPU path)`;
  const dim = prepareTarget((spec as GenerativeTrainSpec).target).dim;
  if (dim > MAX_DATA_DIM) return `the target has dimension ${dim}; the GPU trainer takes at most ${MAX_DATA_DIM}`;
  return null;
}

/** steps recorded between two loss readbacks (one 4·CHUNK-byte metrics readback each, never one per step) */
const GPU_CHUNK = 1024;

/**
 * Train on the GPU (gpuTrainingRefusal(spec) must be null). Steps run in chunks of GPU_CHUNK (cut at the lrDecay
 * boundaries, where the learning rate uniform is rewritten); after each chunk its losses are read back once. Wall
 * times are measured at chunk ends (after the readback, so the GPU work is done) and interpolated linearly over the
 * chunk's steps in the log. The model file holds the float32 parameters as float64 and their float64 validation loss.
 */
export async function trainGenerativeGpu(device: GPUDevice, spec: GenerativeTrainSpec, onStep: (step: number, total: number, loss: number, wallMs: number) => void): Promise<TrainOutcome> {
  const refusal = gpuTrainingRefusal(spec);
  if (refusal) throw new Error(refusal);
  const mixture = prepareTarget(spec.target);
  const config = trainMlpConfig(spec.model, mixture.dim);
  const optimizer = spec.optimizer as GenerativeTrainSpec['optimizer'] & { name: 'adam' | 'sgd'; lr: number };
  const trainer = new GpuMlpTrainer(device, { model: config, mixture, batch: spec.batch, [optimizer.name]: optimizer, lossCapacity: GPU_CHUNK }, optimizer.name, spec.seed);
  try {
    const losses = new Float64Array(spec.steps);
    const logRows: string[] = [];
    const start = now();
    let done = 0;
    let chunkStartWall = 0;
    while (done < spec.steps) {
      const toBoundary = spec.lrDecay ? spec.lrDecay.every - (done % spec.lrDecay.every) : Infinity;
      const steps = Math.min(GPU_CHUNK, toBoundary, spec.steps - done);
      trainer.lr = decayedLearningRate(optimizer.lr, spec.lrDecay, done);
      trainer.step(steps);
      const { firstStep, losses: chunk } = await trainer.readLosses();
      if (firstStep !== done || chunk.length !== steps) throw new Error(`GPU trainer: read the losses of steps ${firstStep}…${firstStep + chunk.length}, expected ${done}…${done + steps}`);
      const wall = now() - start;
      for (let i = 0; i < steps; i++) {
        const step = done + i + 1;
        const rowWall = chunkStartWall + ((wall - chunkStartWall) * (i + 1)) / steps;
        losses[step - 1] = chunk[i];
        logRows.push(`${step},${chunk[i]},${step * spec.batch},${rowWall.toFixed(3)}`);
        onStep(step, spec.steps, chunk[i], rowWall);
      }
      done += steps;
      chunkStartWall = wall;
    }
    const params = await trainer.parameters();
    const { skipped } = await trainer.counts();
    const wallMs = now() - start;
    return { model: modelFileOf(spec, mixture, config, params, losses), logRows, skippedSteps: skipped, wallMs };
  } finally {
    trainer.destroy();
  }
}
