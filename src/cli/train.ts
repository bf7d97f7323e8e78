// `stepscope train --spec train.json --out model.json [--log log.csv] [--backend cpu|gpu]` (issue 7), and the
// learned models of sample specs (`"model":{"type":"mlp","file":"model.json"}`, resolved relative to the spec file).
//
// Like every command (main.ts): the spec and the output paths are validated before any work (bad input: exit 2),
// a capability that is not built yet is refused before any work (exit 1), and the model and log are written only
// when the whole training succeeded, each to a temporary file renamed into place.
//
// The log has one row per step: `step,loss,samples_seen,wall_ms` — step counted from 1, the batch's training loss
// before that step's update (core/train/loop.ts), the training samples drawn so far (step · batch: every step draws a
// fresh batch of the target) and the wall time since training started, in ms.

import { dirname, isAbsolute, resolve } from 'node:path';
import { prepareTarget } from '../core/sampling/experiment.ts';
import { learnedDenoiser, learnedModelRangeWarnings } from '../core/spec/learnedModel.ts';
import { type ModelFile, ModelFileError, layoutText, parseModelFileText, serializeModelFile } from '../core/spec/modelFile.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { type GenerativeTrainSpec, type TrainSpec, isGenerativeTrainSpec, parseTrainSpec } from '../core/spec/trainSpec.ts';
import { makeProcess } from '../core/sampling/experiment.ts';
import type { BackendOptions } from '../engine/sampling.ts';
// the float64 generative run the training lab's worker also calls (same model file and log rows)
import { type TrainOutcome, trainGenerativeCpu } from '../engine/train/generative.ts';
import { InputError, checkOutputPath, readFileBytes, readSpecWith, writeOutputs } from './main.ts';

export const TRAIN_FLAGS = ['spec', 'out', 'log', 'backend'];

export const TRAIN_USAGE = `  stepscope train  --spec train.json --out model.json [--log log.csv] [--backend cpu|gpu]
    trains the spec's MLP (README "Training: spec, CLI and learned models"); --backend cpu (the default for now) is the
    float64 trainer; the log has one row per step: step,loss,samples_seen,wall_ms. A sample spec's
    "model":{"type":"mlp","file":"model.json"} (relative to the spec file) samples with it (--backend cpu)`;

type TrainRunner = (spec: TrainSpec, onStep: (step: number, total: number, loss: number) => void) => TrainOutcome;

/**
 * The one place a train spec meets its runner (task × backend). The surrogate task's runner (training.md §5) and a GPU
 * path for `stepscope train` (engine/train/gpuTrainer.ts GpuMlpTrainer, not wired here yet) are refused here, before
 * any work, with exit 1; this is where they will be dispatched.
 */
function trainRunner(spec: TrainSpec, backend: 'cpu' | 'gpu'): TrainRunner {
  if (spec.task === 'surrogate') throw new Error(`task 'surrogate': the surrogate trainer is not built yet; 'flow-matching' and 'score-matching' train today (nothing written)`);
  if (backend === 'gpu') throw new Error(`--backend gpu: stepscope train has no GPU path yet (the GPU trainer is not wired to the CLI); use --backend cpu, the float64 trainer (nothing written)`);
  if (!isGenerativeTrainSpec(spec)) throw new Error(`task '${spec.task}': no trainer`);
  return (s, onStep) => trainGenerativeCpu(s as GenerativeTrainSpec, onStep);
}

const now = () => performance.now();

function parseBackend(flag: string | undefined): 'cpu' | 'gpu' {
  // main.ts parseArgs already refuses anything but gpu and cpu
  return flag === 'gpu' ? 'gpu' : 'cpu';
}

export async function trainCommand(flags: Record<string, string>): Promise<void> {
  const spec = readSpecWith(flags.spec, parseTrainSpec);
  const out = checkOutputPath('out', flags.out);
  const log = flags.log !== undefined ? checkOutputPath('log', flags.log) : undefined;
  if (log !== undefined && log === out) throw new InputError(`--log: '${flags.log}' is the --out file; give two different files`);
  const backend = parseBackend(flags.backend);
  const run = trainRunner(spec, backend);
  let lastReport = -Infinity;
  const outcome = run(spec, (step, total, loss) => {
    const t = now();
    if (step === total || t - lastReport > 250) {
      process.stderr.write(`\rstep ${step}/${total} loss ${loss.toPrecision(4)}   `);
      lastReport = t;
    }
  });
  process.stderr.write('\n');
  const { model } = outcome;
  const target = JSON.stringify(spec.target);
  console.log(
    `trained ${model.task} MLP ${layoutText(model.config)} (${model.params.length} parameters) on ${target.length > 60 ? `${target.slice(0, 57)}...` : target} with ${spec.optimizer.name}: ` +
      `${spec.steps} steps × ${spec.batch} in ${(outcome.wallMs / 1000).toFixed(1)} s (${backend}); loss ${model.loss.final.toPrecision(4)} (last 100 steps ${model.loss.last100.toPrecision(4)}, validation ${model.loss.validation!.toPrecision(4)})` +
      (outcome.skippedSteps ? `; ${outcome.skippedSteps} steps skipped by the NaN guard` : ''),
  );
  const files: [string, string][] = [[out, serializeModelFile(model)]];
  if (log) files.push([log, `step,loss,samples_seen,wall_ms\n${outcome.logRows.join('\n')}\n`]);
  writeOutputs(files);
}

// ------------------------------------------------------------------------------------- learned models in sample specs

/** a spec's model file path, resolved relative to the spec file (absolute paths as they are) */
export function resolveModelPath(specPath: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dirname(resolve(specPath)), file);
}

/** Read and validate the model file a sample spec names; bad files are bad input naming the file and the problem. */
export function loadSpecModel(specPath: string, file: string): ModelFile {
  const path = resolveModelPath(specPath, file);
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes('spec', path);
  } catch (error) {
    throw new InputError(`--spec: model.file '${file}' (${path}) cannot be read: ${((error as Error).message.split(': ').slice(2).join(': ') || (error as Error).message)}`);
  }
  try {
    return parseModelFileText(new TextDecoder().decode(bytes));
  } catch (error) {
    if (error instanceof ModelFileError) throw new InputError(`--spec: model.file '${file}' (${path}) is not a usable model file:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
}

/**
 * BackendOptions for a sample or sweep spec: with `"model":{"type":"mlp","file":…}` the model file is loaded and
 * validated (bad input: exit 2), its dimension checked against the target's, and the GPU backend refused (exit 1:
 * learned models sample on the CPU for now). Notes on stderr when the run asks the model for noise levels it was
 * not trained on, or its target differs from the spec's (the metrics compare against the spec's target).
 */
export function learnedModelOptions(spec: SampleSpec, specPath: string, backend: string | undefined): BackendOptions {
  if (spec.model?.type !== 'mlp') return {};
  const model = loadSpecModel(specPath, spec.model.file);
  const dim = prepareTarget(spec.target).dim;
  if (model.config.dataDim !== dim) throw new InputError(`--spec: model.file '${spec.model.file}' is a ${model.config.dataDim}-dimensional model; the spec's target has dimension ${dim}`);
  if (backend !== 'cpu') throw new Error(`learned models ("model":{"type":"mlp"}) sample on the CPU for now: run with --backend cpu (nothing written)`);
  const notes = learnedModelRangeWarnings(model, makeProcess(spec.process), spec.tStart, spec.tEnd);
  if (JSON.stringify(model.trainedOn.target) !== JSON.stringify(spec.target))
    notes.push(`the model was trained on ${JSON.stringify(model.trainedOn.target).slice(0, 80)}, not on the spec's target; the metrics compare against the spec's target`);
  for (const note of notes) console.error(`stepscope: note: ${note}`);
  return { model: learnedDenoiser(model) };
}
