// The generative training run on the GPU: the WGSL trainer (engine/train/gpuTrainer.ts; flow matching with Adam or
// SGD, training.md §6), the same batches from the same counter-based streams as the float64 path in float32, ending
// with the same model file and log rows (generative.ts). `stepscope train --backend gpu` and the training lab's worker
// (trainer 'gpu') call it. Kept apart from generative.ts so that the float64 path loads without the WGSL sources.

import { prepareTarget } from '../../core/sampling/experiment.ts';
import { type GenerativeTrainSpec, type TrainSpec, isGenerativeTrainSpec, trainMlpConfig } from '../../core/spec/trainSpec.ts';
import { decayedLearningRate } from '../../core/train/loop.ts';
import { type TrainOutcome, modelFileOf } from './generative.ts';
import { GpuMlpTrainer, MAX_DATA_DIM } from './gpuTrainer.ts';

const now = () => performance.now();

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
