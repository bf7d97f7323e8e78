// One training run of the training lab off the main thread, through engine/train/generative.ts: trainer 'cpu' is the
// float64 path (the numbers of `stepscope train --backend cpu`), trainer 'gpu' the WGSL trainer on a WebGPU device the
// worker opens for itself (`--backend gpu`; its losses arrive once per chunk of steps). Progress is batched (every
// ~100 ms) so that a fast run does not flood the page with messages; cancelling terminates the worker.

import { serializeModelFile } from '../../core/spec/modelFile.ts';
import { type GenerativeTrainSpec, isGenerativeTrainSpec, parseTrainSpec } from '../../core/spec/trainSpec.ts';
import { trainGenerativeCpu } from '../../engine/train/generative.ts';
import { trainGenerativeGpu } from '../../engine/train/generativeGpu.ts';
import { acquireGpu } from '../../gpu/device.ts';

export type TrainWorkerRequest = { spec: unknown; trainer: 'cpu' | 'gpu' };
export type TrainWorkerMessage =
  | { type: 'progress'; steps: number[]; losses: number[]; wallMs: number[] }
  /** the float64 run's parameters after `step` steps, about once a second (the field view's live arrows) */
  | { type: 'snapshot'; step: number; params: Float64Array }
  | { type: 'done'; final: number; last100: number; validation: number; wallMs: number; skippedSteps: number; model: string }
  | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<TrainWorkerRequest>) => void) | null;
  postMessage(message: TrainWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event) => {
  try {
    const spec = parseTrainSpec(event.data.spec);
    if (!isGenerativeTrainSpec(spec)) throw new Error(`task '${spec.task}': the training lab trains flow-matching and score-matching models here`);
    let batch = { steps: [] as number[], losses: [] as number[], wallMs: [] as number[] };
    let last = performance.now();
    const flush = () => {
      if (batch.steps.length === 0) return;
      scope.postMessage({ type: 'progress', ...batch });
      batch = { steps: [], losses: [], wallMs: [] };
      last = performance.now();
    };
    let lastSnapshot = performance.now();
    const onStep = (step: number, _total: number, loss: number, wallMs: number, params?: Float64Array) => {
      batch.steps.push(step);
      batch.losses.push(loss);
      batch.wallMs.push(wallMs);
      if (performance.now() - last > 100) flush();
      if (params && performance.now() - lastSnapshot > 1000) {
        scope.postMessage({ type: 'snapshot', step, params: params.slice() });
        lastSnapshot = performance.now();
      }
    };
    let outcome;
    if (event.data.trainer === 'gpu') {
      const gpu = await acquireGpu((navigator as Navigator & { gpu?: GPU }).gpu, 'stepscope-train');
      if (!gpu.device) throw new Error(`no WebGPU device in the training worker: ${gpu.reason} Choose the float64 CPU trainer.`);
      try {
        outcome = await trainGenerativeGpu(gpu.device, spec as GenerativeTrainSpec, onStep);
      } finally {
        gpu.device.destroy();
      }
    } else outcome = trainGenerativeCpu(spec as GenerativeTrainSpec, onStep);
    flush();
    const { loss } = outcome.model;
    scope.postMessage({ type: 'done', final: loss.final, last100: loss.last100, validation: loss.validation!, wallMs: outcome.wallMs, skippedSteps: outcome.skippedSteps, model: serializeModelFile(outcome.model) });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
