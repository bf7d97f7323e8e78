// `stepscope train --spec train.json --out model.json [--log log.csv] [--backend cpu|gpu]` (issue 7), and the
// learned models of sample specs (`"model":{"type":"mlp","file":"model.json"}`, resolved relative to the spec file).
//
// Like every command (main.ts): the spec and the output paths are validated before any work (bad input: exit 2),
// a capability that is not built yet is refused before any work (exit 1), and the model and log are written only
// when the whole training succeeded, each to a temporary file renamed into place.
//
// Task 'surrogate' runs the online-vs-offline experiment instead (surrogateRun below). Otherwise the log has one row
// per step: `step,loss,samples_seen,wall_ms` — step counted from 1, the batch's training loss
// before that step's update (core/train/loop.ts), the training samples drawn so far (step · batch: every step draws a
// fresh batch of the target) and the wall time since training started, in ms.

import { dirname, isAbsolute, resolve } from 'node:path';
import { prepareTarget } from '../core/sampling/experiment.ts';
import { learnedDenoiser, learnedModelRangeWarnings } from '../core/spec/learnedModel.ts';
import { type ModelFile, ModelFileError, layoutText, parseModelFileText, serializeModelFile } from '../core/spec/modelFile.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { type TrainSpec, isGenerativeTrainSpec } from '../core/spec/trainSpec.ts';
import { isBossSpec, parseAnyTrainSpec } from '../core/spec/bossSpec.ts';
import { makeProcess } from '../core/sampling/experiment.ts';
import type { BackendOptions } from '../engine/sampling.ts';
// the float64 generative run the training lab's worker also calls (same model file and log rows)
import { trainGenerativeCpu } from '../engine/train/generative.ts';
import { gpuTrainingRefusal, trainGenerativeGpu } from '../engine/train/generativeGpu.ts';
import { type SurrogateExperimentInput, resolveSurrogateExperimentConfig, runSurrogateExperiment } from '../core/surrogate/experiment.ts';
import { InputError, checkOutputPath, openGpuDevice, readFileBytes, readSpecWith, writeOutputs } from './main.ts';
import { bossTrainRun } from './trainBoss.ts';

export const TRAIN_FLAGS = ['spec', 'out', 'log', 'backend'];

export const TRAIN_USAGE = `  stepscope train  --spec train.json --out model.json [--log log.csv] [--backend cpu|gpu]
    trains the spec's MLP (README "Training: spec, CLI and learned models"); --backend cpu (the default) is the
    float64 trainer, --backend gpu the WGSL trainer (task flow-matching with adam or sgd; float32); the log has one
    row per step: step,loss,samples_seen,wall_ms. A sample spec's
    "model":{"type":"mlp","file":"model.json"} (relative to the spec file) samples with it (--backend cpu).
    task "surrogate": online vs offline training of a Burgers surrogate (target: the experiment's settings); --out is
    the result JSON, the log arm,step,loss,samples_seen,wall_ms,held_out_rel_l2
    task "boss": BOSS straightening of the flow-matching model file "teacher" (relative to the spec file) toward its
    Bellman-optimal K-step grid; --out is the student model file, the log step,loss,samples_seen,wall_ms,eval_loss`;

const now = () => performance.now();

function parseBackend(flag: string | undefined): 'cpu' | 'gpu' {
  // main.ts parseArgs already refuses anything but gpu and cpu
  return flag === 'gpu' ? 'gpu' : 'cpu';
}

export async function trainCommand(flags: Record<string, string>): Promise<void> {
  const spec = readSpecWith(flags.spec, parseAnyTrainSpec);
  const out = checkOutputPath('out', flags.out);
  const log = flags.log !== undefined ? checkOutputPath('log', flags.log) : undefined;
  if (log !== undefined && log === out) throw new InputError(`--log: '${flags.log}' is the --out file; give two different files`);
  const backend = parseBackend(flags.backend);
  // what is not built yet is refused here, before any work (exit 1)
  const gpuRefusal = backend === 'gpu' ? gpuTrainingRefusal(spec) : null;
  if (gpuRefusal) throw new Error(`--backend gpu: ${gpuRefusal}; use --backend cpu, the float64 trainer (nothing written)`);
  if (isBossSpec(spec)) {
    writeOutputs(await bossTrainRun(spec, loadSpecModel(flags.spec, spec.teacher, 'teacher'), out, log));
    return;
  }
  if (spec.task === 'surrogate') {
    writeOutputs(surrogateRun(spec, out, log));
    return;
  }
  if (!isGenerativeTrainSpec(spec)) throw new Error(`task '${spec.task}': no trainer`);
  let lastReport = -Infinity;
  const progress = (step: number, total: number, loss: number) => {
    const t = now();
    if (step === total || t - lastReport > 250) {
      process.stderr.write(`\rstep ${step}/${total} loss ${loss.toPrecision(4)}   `);
      lastReport = t;
    }
  };
  const outcome = backend === 'gpu' ? await trainGenerativeGpu((await openGpuDevice()).device, spec, progress) : trainGenerativeCpu(spec, progress);
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

// ------------------------------------------------------------------------------------- the surrogate task

/** the surrogate experiment's own settings, given as the spec's `target` (core/surrogate/experiment.ts) */
const SURROGATE_TARGET_FIELDS = ['equation', 'data', 'model', 'evalEvery', 'offline', 'online', 'validation', 'arms'];

/**
 * `task: 'surrogate'` (training.md §5): the online-vs-offline experiment of core/surrogate on 1D Burgers. The spec's
 * steps, batch, seed and optimizer (the §4.6 surrogate column) drive it; `target` holds the experiment's own settings
 * (`equation: 'burgers'`, `model` (default the FNO), `data`, `offline`, `online`, `validation`, `evalEvery`, `arms`).
 * `--out` is the result as JSON (curves against samples seen, the errors at equal samples seen, throughputs, each
 * arm's trained parameters); `--log` has one row per step and arm: arm,step,loss,samples_seen,wall_ms,held_out_rel_l2
 * (the held-out error at evaluation steps, empty elsewhere).
 */
function surrogateRun(spec: TrainSpec, out: string, log: string | undefined): [string, string][] {
  const target = spec.target as Record<string, unknown>;
  const unknown = Object.keys(target).filter((k) => !SURROGATE_TARGET_FIELDS.includes(k));
  if (unknown.length) throw new InputError(`--spec: target: unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')} for task 'surrogate'; allowed: ${SURROGATE_TARGET_FIELDS.join(', ')}`);
  if (target.equation !== undefined && target.equation !== 'burgers') throw new InputError(`--spec: target.equation: got ${JSON.stringify(target.equation)}; allowed: "burgers"`);
  const { equation: _e, ...settings } = target;
  const input = { ...(settings as SurrogateExperimentInput), steps: spec.steps, batch: spec.batch, seed: spec.seed, optimizer: spec.optimizer as SurrogateExperimentInput['optimizer'] };
  try {
    resolveSurrogateExperimentConfig(input);
  } catch (error) {
    throw new InputError(`--spec: ${(error as Error).message.replace(/^surrogate experiment: /, 'target.')}`);
  }
  const rows: string[] = [];
  const held = new Map<string, number>();
  const result = runSurrogateExperiment(input, {
    onPoint: (arm, point) => held.set(`${arm}:${point.step}`, point.heldOutRelL2),
    onStep: (arm, entry) => {
      rows.push(`${arm},${entry.step},${entry.loss},${entry.samplesSeen},${entry.wallMs.toFixed(3)},`);
      if (entry.step % 100 === 0) process.stderr.write(`\r${arm} step ${entry.step}/${spec.steps} loss ${entry.loss.toPrecision(4)}   `);
    },
  });
  process.stderr.write('\n');
  // the held-out error where one was measured (evaluation points come after their step's log row)
  const logText = rows.map((row) => {
    const [arm, step] = row.split(',');
    const error = held.get(`${arm}:${step}`);
    return error === undefined ? row : `${row}${error}`;
  });
  console.log(`surrogate (${result.model.type}, ${result.model.parameterCount} parameters) on Burgers, ${spec.steps} steps × ${spec.batch}; persistence u(t+Δt) ≈ u(t): ${result.validation.identityRelL2.toPrecision(4)}`);
  console.log('samples_seen  ' + result.config.arms.map((a) => a.padStart(12)).join(''));
  for (const row of result.atEqualSamplesSeen) console.log(String(row.samplesSeen).padEnd(14) + result.config.arms.map((a) => (row[a] ?? NaN).toPrecision(4).padStart(12)).join(''));
  const arms = Object.fromEntries(Object.entries(result.arms).map(([arm, r]) => [arm, { ...r, params: Array.from(r!.params) }]));
  const files: [string, string][] = [[out, `${JSON.stringify({ format: 'stepscope-surrogate-experiment', version: 1, ...result, arms }, null, 2)}\n`]];
  if (log) files.push([log, `arm,step,loss,samples_seen,wall_ms,held_out_rel_l2\n${logText.join('\n')}\n`]);
  return files;
}

// ------------------------------------------------------------------------------------- learned models in sample specs

/** a spec's model file path, resolved relative to the spec file (absolute paths as they are) */
export function resolveModelPath(specPath: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dirname(resolve(specPath)), file);
}

/** Read and validate the model file a sample spec names; bad files are bad input naming the file and the problem. */
export function loadSpecModel(specPath: string, file: string, field = 'model.file'): ModelFile {
  const path = resolveModelPath(specPath, file);
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes('spec', path);
  } catch (error) {
    throw new InputError(`--spec: ${field} '${file}' (${path}) cannot be read: ${((error as Error).message.split(': ').slice(2).join(': ') || (error as Error).message)}`);
  }
  try {
    return parseModelFileText(new TextDecoder().decode(bytes));
  } catch (error) {
    if (error instanceof ModelFileError) throw new InputError(`--spec: ${field} '${file}' (${path}) is not a usable model file:\n  ${error.problems.join('\n  ')}`);
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
