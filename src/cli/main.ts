// `stepscope` command line: the same engine as the app, on Node (DESIGN §1, foundation issue §8).
//   stepscope sample --spec run.json --out x.npy [--noise xT.npy] [--traj traj.npy] [--metrics m.json] [--backend gpu|cpu] [--fd-reference N]
//   stepscope sweep  --spec run.json --nfe 2,3,4 --out curves.json [--solvers ddim,dpmpp-2m] [--csv curves.csv] [--seeds S] [--backend gpu|cpu] [--fd-reference N]
//   stepscope claims | claim ID [--out result.json] [--csv table.csv] [--backend gpu|cpu]
//   stepscope pde    --spec pde.json --out u.npy [--init u0.npy] [--frames f.npy --every K] [--metrics m.json] [--backend gpu|cpu]
//   stepscope train  --spec train.json --out model.json [--log log.csv] [--backend cpu|gpu]   (train.ts)
// Exit codes: 0 success, 1 runtime failure (no GPU, device error), 2 bad input. Inputs are all validated before
// any work; outputs are written only when everything succeeded, each to a temporary file renamed into place.
// Both run commands take --points data.npy|data.csv (a dataset) or --target target.json (a target object),
// which replace the spec's target (see TARGET_FLAGS).

import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatasetError, parseDatasetFile, parseTargetJson } from '../core/io/dataset.ts';
import { NpyError, parseNpy, serializeNpy } from '../core/io/npy.ts';
import { makeProcess, resolveExperiment, specBossRequest, targetImageShape } from '../core/sampling/experiment.ts';
import { bossSummary, cachedBossCostMatrix } from '../core/sampling/boss.ts';
import { describeGrid } from '../core/sampling/schedules.ts';
import { SOLVERS, SOLVER_NAMES, type SolverName } from '../core/sampling/solvers.ts';
import { solverOptionNames } from '../core/spec/solverSchema.ts';
import { MAX_COMPONENTS, MAX_DIM, MAX_PARTICLES, MAX_STEPS, SpecError, configurationSpecs, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import type { AdapterSummary } from '../gpu/device.ts';
import type { MetricSummary } from '../core/metrics/intervals.ts';
import { FD_REFERENCE_SAMPLES } from '../engine/frechetMetrics.ts';
import { EQUATIONS } from '../core/pde/equations.ts';
import { CLAIMS, CLAIM_METRIC_LABELS, type Claim, findClaim } from '../core/claims.ts';
import { runClaim } from '../engine/claims.ts';
import { type Lesson, LessonError, parseLesson } from '../core/lessons/lesson.ts';
import { type FigureResult, runLessonFigure } from '../engine/lessons.ts';
import { parsePdeSpec, pdeStepCount } from '../core/spec/pdeSpec.ts';
import { withField } from '../core/spec/fieldPath.ts';
import { checkInitArray, cpuStepper, fieldShape, fieldToArray, runPde } from '../engine/pde/pdeRun.ts';
import { TRAIN_FLAGS, TRAIN_USAGE, learnedModelOptions, trainCommand } from './train.ts';

/** most frames one `pde --frames` file may hold */
const MAX_PDE_FRAMES = 10_000;
import { combineConfigurationSweeps, sweepConfigurations } from '../engine/configurationSweep.ts';
import { shownConfigurations } from '../ui/configurations.ts';
import { type BackendOptions, CpuSamplerBackend, GpuSamplerBackend, MAX_SWEEP_SEEDS, SWEEP_METRICS, type SamplerBackend, type SweepMetric, type SweepResult } from '../engine/sampling.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export class InputError extends Error {}

const USAGE = `usage:
  stepscope solvers   (the solver catalogue: order, parameterisation, the official options each default reproduces)
  stepscope sample --spec run.json --out x.npy [--noise xT.npy] [--traj traj.npy] [--metrics m.json] [--backend gpu|cpu] [--fd-reference N]
    a spec with "compare" (compared configurations) also runs each of them from the same x_T: one row each on stdout,
    and their metrics under "configurations" in the metrics file (--out stays the spec's own samples)
  stepscope sweep  --spec run.json --nfe 2,3,4,5,6,8,10,15,20,30,50 --out curves.json [--solvers ddim,dpmpp-2m] [--csv curves.csv] [--seeds S] [--vary PATH=v1,v2,…] [--backend gpu|cpu] [--fd-reference N]
    a spec with "compare" and no --solvers sweeps each configuration (its solver, options and schedule): one curve each
    --seeds S: replicates with seeds spec.seed … spec.seed+S−1 (default 1); each metric gets a mean and a 95% t interval
    --fd-reference N: exact samples behind FD-RF's reference statistics for image targets (glyphs16); default ${FD_REFERENCE_SAMPLES}
    --vary PATH=v1,v2,…: one sweep per value of a spec field, e.g. schedule.s=0.5,1,2,4 or solver.beta=0.6,0.8,1
  stepscope claims  (the papers' claims, each one experiment: id, title, statement)
  stepscope claim ID [--out result.json] [--csv table.csv] [--backend gpu|cpu]
    runs one claim and prints its table and checks; the JSON has every point, the checks and \`holds\`
  stepscope lesson FILE.md [--out result.json] [--backend gpu|cpu]
    validates a lesson file (README "Lessons"), runs its figures (PDE figures on the float64 CPU solver) and prints their checks
  stepscope pde    --spec pde.json --out u.npy [--init u0.npy] [--frames f.npy --every K] [--metrics m.json] [--backend gpu|cpu]
    arrays are [channel, (ny,) nx] (+ a last axis of 2, re and im, for complex fields); --init needs ic {"type":"file"};
    --backend cpu is the float64 reference; a run that blows up stops with the step and time (exit 1, nothing written)
${TRAIN_USAGE}
exit codes: 0 success, 1 runtime failure, 2 bad input`;

const FLAGS: Record<string, string[]> = {
  solvers: [],
  sample: ['spec', 'out', 'noise', 'traj', 'metrics', 'backend', 'fd-reference'],
  sweep: ['spec', 'out', 'nfe', 'solvers', 'csv', 'seeds', 'backend', 'fd-reference', 'vary'],
  pde: ['spec', 'out', 'init', 'frames', 'every', 'metrics', 'backend'],
  claims: [],
  claim: ['out', 'csv', 'backend'],
  lesson: ['out', 'backend'],
  train: TRAIN_FLAGS,
};

/** commands whose flags are all optional; `claim` takes the claim's id and `lesson` a file as their one positional argument */
const NO_REQUIRED_FLAGS = ['solvers', 'claims', 'claim', 'lesson'];
const POSITIONAL: Record<string, string> = { claim: 'a claim id', lesson: 'a lesson file (.md)' };

// Both run commands take the target flags, added here in one place (apart from the tables above).
const TARGET_FLAGS = ['points', 'target'];
const TARGET_USAGE = `  sample and sweep: --points data.npy|data.csv (N ≤ ${MAX_COMPONENTS} points of dimension ≤ ${MAX_DIM}) or --target target.json (a gmm, points or preset target) replaces the spec's target`;
FLAGS.sample.push(...TARGET_FLAGS);
FLAGS.sweep.push(...TARGET_FLAGS);

function parseArgs(argv: string[]): { command: string; flags: Record<string, string>; positional?: string } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new InputError(`${USAGE}\n${TARGET_USAGE}`);
  if (!(command in FLAGS)) throw new InputError(`unknown command '${command}' (allowed: ${Object.keys(FLAGS).join(', ')})\n${USAGE}`);
  const flags: Record<string, string> = {};
  let positional: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (command in POSITIONAL && positional === undefined && !arg.startsWith('--')) {
      positional = arg;
      continue;
    }
    if (!arg.startsWith('--')) throw new InputError(`unexpected argument '${arg}'\n${USAGE}`);
    const name = arg.slice(2);
    if (!FLAGS[command].includes(name)) throw new InputError(`unknown option --${name} for '${command}' (allowed: ${FLAGS[command].map((f) => `--${f}`).join(', ')})`);
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) throw new InputError(`--${name} needs a value`);
    flags[name] = value;
  }
  if (command === 'claim' && positional === undefined) throw new InputError(`'claim' needs a claim id (allowed: ${CLAIMS.map((c) => c.id).join(', ')})`);
  if (command in POSITIONAL && positional === undefined) throw new InputError(`'${command}' needs ${POSITIONAL[command]}`);
  for (const required of NO_REQUIRED_FLAGS.includes(command) ? [] : ['spec', 'out', ...(command === 'sweep' ? ['nfe'] : [])]) {
    if (!(required in flags)) throw new InputError(`--${required} is required for '${command}'\n${USAGE}`);
  }
  if (flags.backend !== undefined && flags.backend !== 'gpu' && flags.backend !== 'cpu') throw new InputError(`--backend: got '${flags.backend}'; allowed: gpu, cpu`);
  if (flags['fd-reference'] !== undefined && !(/^\d+$/.test(flags['fd-reference']) && Number(flags['fd-reference']) >= 2 && Number(flags['fd-reference']) <= MAX_PARTICLES))
    throw new InputError(`--fd-reference: got '${flags['fd-reference']}'; allowed: an integer 2…${MAX_PARTICLES}`);
  return { command, flags, positional };
}

/** the bytes of an input file; a missing or unreadable file is bad input naming the flag */
export function readFileBytes(flag: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputError(`--${flag}: cannot read '${path}': ${(error as Error).message}`);
  }
}

function readJsonFile(flag: string, path: string): unknown {
  const text = new TextDecoder().decode(readFileBytes(flag, path));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`--${flag}: '${path}' is not valid JSON: ${(error as Error).message}`);
  }
}

export function readSpecWith<T>(path: string, parse: (json: unknown) => T): T {
  const json = readJsonFile('spec', path);
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof SpecError) throw new InputError(`--spec: '${path}' is not a valid spec:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
}

function readSpec(path: string): SampleSpec {
  return readSpecWith(path, parseSpec);
}

/** The spec with its target replaced by --points or --target (when given), validated like the spec itself. */
function withTargetFlags(spec: SampleSpec, flags: Record<string, string>): SampleSpec {
  if (flags.points !== undefined && flags.target !== undefined) throw new InputError('--points and --target both replace the target; give one of them');
  const flag = flags.points !== undefined ? 'points' : flags.target !== undefined ? 'target' : null;
  if (flag === null) return spec;
  const path = flags[flag];
  if (flag === 'points' && path.toLowerCase().endsWith('.json')) throw new InputError(`--points: '${path}' is JSON; allowed: a .npy or .csv dataset (a JSON target object goes to --target)`);
  const bytes = readFileBytes(flag, path);
  try {
    const target = flag === 'points' ? parseDatasetFile(path, bytes) : parseTargetJson(new TextDecoder().decode(bytes), path);
    return parseSpec({ ...spec, target });
  } catch (error) {
    if (error instanceof DatasetError) throw new InputError(`--${flag}: ${error.message}`);
    if (error instanceof SpecError) throw new InputError(`--${flag}: '${path}' does not fit the spec:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
}

function readNoise(path: string, n: number, dim: number): Float64Array {
  const bytes = readFileBytes('noise', path);
  try {
    const array = parseNpy(bytes);
    if (array.shape.length !== 2 || array.shape[0] !== n || array.shape[1] !== dim)
      throw new InputError(`--noise: '${path}' has shape (${array.shape.join(', ')}); the spec needs (n, d) = (${n}, ${dim})`);
    const noise = Float64Array.from(array.data);
    if (!noise.every(Number.isFinite)) throw new InputError(`--noise: '${path}' contains NaN or infinite values`);
    return noise;
  } catch (error) {
    if (error instanceof NpyError) throw new InputError(`--noise: '${path}': ${error.message}`);
    throw error;
  }
}

export function checkOutputPath(flag: string, path: string): string {
  const full = resolve(path);
  const dir = dirname(full);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`--${flag}: directory '${dir}' does not exist`);
  if (existsSync(full) && statSync(full).isDirectory()) throw new InputError(`--${flag}: '${path}' is a directory`);
  return full;
}

function parseNfeList(text: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const nfes = values.map((s) => Number(s));
  const bad = values.find((s, i) => !/^\d+$/.test(s) || nfes[i] < 1 || nfes[i] > MAX_STEPS);
  if (bad !== undefined) throw new InputError(`--nfe: got '${bad}' in '${text}'; allowed: a comma-separated list of integers 1…${MAX_STEPS}`);
  return nfes;
}

function parseSolverList(text: string): SolverName[] {
  const names = text.split(',').map((s) => s.trim());
  const bad = names.find((s) => !(SOLVER_NAMES as readonly string[]).includes(s));
  if (bad !== undefined) throw new InputError(`--solvers: got '${bad}'; allowed: ${SOLVER_NAMES.join(', ')}`);
  return names as SolverName[];
}

function parseSeedCount(text: string, spec: SampleSpec): number {
  const count = Number(text);
  if (!/^\d+$/.test(text.trim()) || count < 1 || count > MAX_SWEEP_SEEDS) throw new InputError(`--seeds: got '${text}'; allowed: an integer 1…${MAX_SWEEP_SEEDS} (the number of seeds, from the spec's seed)`);
  if (spec.seed + count - 1 > 0xffffffff) throw new InputError(`--seeds: got ${count}; with the spec's seed ${spec.seed} the last seed would pass ${0xffffffff}; allowed: at most ${0xffffffff - spec.seed + 1}`);
  return count;
}

/** the CSV names of the sweep metrics (snake case, as the existing `wall_ms`) */
const CSV_METRIC_NAMES: Record<SweepMetric, string> = {
  mmd2: 'mmd2',
  energy: 'energy',
  rmse: 'rmse',
  sw2: 'sw2',
  modeMass: 'mode_mass',
  nll: 'nll',
  nllReference: 'nll_ref',
  wallMs: 'wall_ms',
};

/** value, ci_low, ci_high cells: empty where the metric is not defined (NLL of point masses at σ = 0) or S = 1 */
function csvCells(name: SweepMetric | 'fdRf' | 'fdPix', summary: MetricSummary): string {
  const format = (v: number | null) => (v === null ? '' : name === 'wallMs' ? v.toFixed(3) : String(v));
  return [format(summary.mean), format(summary.ci95?.[0] ?? null), format(summary.ci95?.[1] ?? null)].join(',');
}

/** Write all files only after everything succeeded; each lands atomically (temporary file, then rename). */
export function writeOutputs(files: [string, string | Uint8Array][]): void {
  const temporaries: [string, string][] = [];
  try {
    for (const [path, content] of files) {
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, content);
      temporaries.push([temporary, path]);
    }
    for (const [temporary, path] of temporaries) renameSync(temporary, path);
  } catch (error) {
    for (const [temporary] of temporaries) if (existsSync(temporary)) unlinkSync(temporary);
    throw error;
  }
}

function backendOptions(flags: Record<string, string>): BackendOptions {
  return flags['fd-reference'] !== undefined ? { fdReferenceSamples: Number(flags['fd-reference']) } : {};
}

/** the Node WebGPU device (the npm package `webgpu`), with device-loss and uncaptured errors reported on stderr */
export async function openGpuDevice(): Promise<{ device: GPUDevice; adapter: AdapterSummary | null }> {
  const { acquireNodeGpu } = await import('../gpu/node.ts');
  const gpu = await acquireNodeGpu('stepscope-cli');
  if (!gpu.device) throw new Error(`no WebGPU device: ${gpu.reason} (or run with --backend cpu)`);
  gpu.on((event) => {
    if (event.type === 'device-lost') console.error(`stepscope: GPU device lost (${event.reason}): ${event.message}`);
    else console.error(`stepscope: GPU ${event.errorType} error: ${event.message}`);
  });
  return { device: gpu.device, adapter: gpu.adapterInfo };
}

async function openBackend(kind: string | undefined, options: BackendOptions = {}): Promise<{ backend: SamplerBackend; adapter: AdapterSummary | null }> {
  if (kind === 'cpu') return { backend: new CpuSamplerBackend(options), adapter: null };
  const { device, adapter } = await openGpuDevice();
  return { backend: new GpuSamplerBackend(device, options), adapter };
}

async function sampleCommand(flags: Record<string, string>): Promise<void> {
  const spec = withTargetFlags(readSpec(flags.spec), flags);
  const { dim } = resolveExperiment(spec);
  const noise = flags.noise !== undefined ? readNoise(flags.noise, spec.n, dim) : undefined;
  const out = checkOutputPath('out', flags.out);
  const traj = flags.traj !== undefined ? checkOutputPath('traj', flags.traj) : undefined;
  const metricsPath = flags.metrics !== undefined ? checkOutputPath('metrics', flags.metrics) : undefined;
  const { backend, adapter } = await openBackend(flags.backend, { ...backendOptions(flags), ...learnedModelOptions(spec, flags.spec, flags.backend) });
  const result = await backend.sample(spec, { noise, recordTrajectory: traj !== undefined, metrics: metricsPath !== undefined });
  if (!result.samples.every(Number.isFinite)) throw new Error('sampling produced NaN or infinite values; nothing written');
  const files: [string, string | Uint8Array][] = [[out, serializeNpy(result.samples, [spec.n, dim])]];
  if (traj && result.trajectory) files.push([traj, serializeNpy(result.trajectory, [result.times.length, spec.n, dim])]);
  // compared configurations (spec.compare, issue #11): each runs as its own single spec (configurationSpecs) from the
  // same x_T, and reports the rows the page's run table shows
  const compared = await sampleConfigurations(backend, spec, noise);
  if (metricsPath) {
    const process = makeProcess(spec.process);
    const report = {
      spec,
      backend: backend.kind,
      adapter,
      times: result.times,
      // the grid in t, σ̃ = σ/α and λ (and α, σ), for comparing schedules across processes (specs §3)
      grid: describeGrid(process, { times: result.times, endsAtZero: result.times[result.times.length - 1] === 0 }),
      steps: result.times.length - 1,
      nfe: result.nfe,
      // a boss schedule (specs §14): K_max, the chosen anchor indices and times, the optimal summed one-jump cost against the uniform path's
      ...(spec.schedule.type === 'boss' ? { boss: bossSummary(cachedBossCostMatrix(specBossRequest(spec, process)), process, result.times.length - 1) } : {}),
      // image targets (glyphs16): each sample row is an image of this [height, width], pixel i = row·width + col
      ...(targetImageShape(spec.target) ? { imageShape: targetImageShape(spec.target) } : {}),
      metrics: result.metrics,
      wallMs: result.wallMs,
      ...(compared.length ? { configurations: [{ index: 0, solver: spec.solver, schedule: spec.schedule, nfe: result.nfe, times: result.times, metrics: result.metrics, wallMs: result.wallMs }, ...compared] } : {}),
    };
    files.push([metricsPath, `${JSON.stringify(report, null, 2)}\n`]);
  }
  writeOutputs(files);
  if (compared.length) {
    // the spec's own first (its metrics only when --metrics asked for them, as without compare)
    const rows = [{ index: 0, solver: spec.solver, schedule: spec.schedule, nfe: result.nfe, metrics: result.metrics }, ...compared];
    for (const row of rows)
      process.stdout.write(
        `configuration ${row.index}: ${row.solver.name} on ${row.schedule.type}, ${row.nfe} NFE` +
          (row.metrics ? `, MMD² ${row.metrics.mmd2.toExponential(4)}, energy ${row.metrics.energy.toExponential(4)}, RMSE ${row.metrics.rmse.toExponential(4)}` : '') +
          '\n',
      );
  }
}

/** each compared configuration of `spec` (not its own) run with metrics, from the same x_T as the spec's own run */
async function sampleConfigurations(backend: SamplerBackend, spec: SampleSpec, noise: Float32Array | Float64Array | undefined) {
  const rows = [];
  for (const [index, configuration] of configurationSpecs(spec).entries()) {
    if (index === 0) continue;
    const run = await backend.sample(configuration, { noise, metrics: true, readSamples: false });
    rows.push({ index, solver: configuration.solver, schedule: configuration.schedule, nfe: run.nfe, times: run.times, metrics: run.metrics!, wallMs: run.wallMs });
  }
  return rows;
}

/** most values one `--vary` may list */
const MAX_VARY_VALUES = 50;

/**
 * `--vary PATH=v1,v2,…`: the spec with the field at the dotted PATH (e.g. `schedule.s`, `solver.beta`) set to
 * each value, each validated like the spec itself. Values are numbers, or words for string fields.
 */
function parseVary(text: string, spec: SampleSpec): { path: string; values: (number | string)[]; specs: SampleSpec[] } {
  const match = /^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+)=(.+)$/.exec(text);
  if (!match) throw new InputError(`--vary: got '${text}'; allowed: PATH=v1,v2,… with a dotted spec field, e.g. schedule.s=0.5,1,2,4`);
  const [, path, list] = match;
  const values = list.split(',').map((v) => v.trim()).map((v) => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v));
  if (values.length < 1 || values.length > MAX_VARY_VALUES || values.some((v) => v === '')) throw new InputError(`--vary: '${list}' must be 1…${MAX_VARY_VALUES} comma-separated values`);
  const specs = values.map((value) => {
    let copy: SampleSpec;
    try {
      copy = withField(spec, path, value);
    } catch (error) {
      throw new InputError(`--vary: ${(error as Error).message}`);
    }
    try {
      return parseSpec(copy);
    } catch (error) {
      if (error instanceof SpecError) throw new InputError(`--vary: ${path} = ${JSON.stringify(value)} does not fit the spec:\n  ${error.problems.join('\n  ')}`);
      throw error;
    }
  });
  return { path, values, specs };
}

/** a CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function sweepCommand(flags: Record<string, string>): Promise<void> {
  const spec = withTargetFlags(readSpec(flags.spec), flags);
  if (spec.schedule.type === 'custom') throw new InputError(`--spec: schedule.type 'custom' fixes the steps; a sweep over NFE needs time-uniform, logsnr or time-quadratic`);
  const nfes = parseNfeList(flags.nfe);
  // a spec with `compare` and no --solvers sweeps its configurations (each its own solver, options and schedule), as
  // the page's quality chart does; otherwise every solver (or those of --solvers) on the spec's schedule
  const byConfiguration = spec.compare !== undefined && flags.solvers === undefined;
  const custom = byConfiguration ? (spec.compare ?? []).findIndex((entry) => entry.schedule?.type === 'custom') : -1;
  if (custom >= 0) throw new InputError(`--spec: compare.${custom}.schedule.type 'custom' fixes the steps; a sweep over NFE needs a schedule that takes a step count (any type but 'custom'), or leave schedule out to use the spec's own`);
  const solvers = flags.solvers !== undefined ? parseSolverList(flags.solvers) : [...SOLVER_NAMES];
  const vary = flags.vary !== undefined ? parseVary(flags.vary, spec) : null;
  const out = checkOutputPath('out', flags.out);
  const csv = flags.csv !== undefined ? checkOutputPath('csv', flags.csv) : undefined;
  const seeds = flags.seeds !== undefined ? parseSeedCount(flags.seeds, spec) : 1;
  const { backend, adapter } = await openBackend(flags.backend, { ...backendOptions(flags), ...learnedModelOptions(spec, flags.spec, flags.backend) });
  interface CurveRow {
    solver: SolverName;
    label: string;
    points: SweepResult['curves'][number]['points'];
    /** by configuration: its index (0: the spec's own), solver with options, schedule and own null bands */
    index?: number;
    configuration?: { solver: SampleSpec['solver']; schedule: SampleSpec['schedule'] };
    nullBands?: SweepResult['nullBands'];
  }
  const runs: { value: number | string | null; spec: SampleSpec; result: SweepResult; curves: CurveRow[] }[] = [];
  for (const [i, runSpec] of (vary ? vary.specs : [spec]).entries()) {
    const value = vary ? vary.values[i] : null;
    const label = vary ? `${vary.path} = ${value}: ` : '';
    if (byConfiguration) {
      // the page's configurations (labels, specs) and its sweep path (engine/configurationSweep.ts)
      const configurations = shownConfigurations(runSpec);
      const results = await sweepConfigurations(
        backend,
        configurations.map((c) => c.spec),
        {
          nfes,
          seeds,
          onProgress: (index, done, total, point) => process.stderr.write(`\r${label}${done}/${total} ${point ? `${configurations[index].label} NFE ${point.nfe}` : ''}   `),
        },
      );
      const curves = configurations.map((c, index): CurveRow => ({
        index,
        label: c.label,
        solver: c.solver,
        configuration: { solver: c.spec.solver, schedule: c.spec.schedule },
        nullBands: results[index].nullBands,
        points: results[index].curves[0].points,
      }));
      runs.push({ value, spec: runSpec, result: combineConfigurationSweeps(results), curves });
    } else {
      const result = await backend.sweep(runSpec, {
        nfes,
        solvers,
        seeds,
        onProgress: (done, total, point) => process.stderr.write(`\r${label}${done}/${total} ${point ? `${point.solver} NFE ${point.nfe}` : ''}   `),
      });
      runs.push({ value, spec: runSpec, result, curves: result.curves.map((c) => ({ solver: c.solver, label: SOLVERS[c.solver].label, points: c.points })) });
    }
  }
  process.stderr.write('\n');
  const first = runs[0].result;
  const report = {
    spec,
    backend: backend.kind,
    adapter,
    metricSamples: first.metricSamples,
    ...(first.fdRfNull !== undefined ? { fdRfNull: first.fdRfNull, fdPixNull: first.fdPixNull, fdReferenceSamples: first.fdReferenceSamples } : {}),
    nfes: first.nfes,
    // the replicates; every point's `stats` has each metric's mean, 95% t interval (`ci95`, null with one seed) and per-seed values
    seeds: first.seeds,
    // null bands (two independent exact sets; `nll`: the exact set's own NLL) for charts to draw under the curves (by
    // configuration: the spec's own configuration's; each curve also has those of its own end point)
    nullBands: first.nullBands,
    curves: runs[0].curves,
    // --vary: one sweep per value of the varied field (`curves` above is the first value's)
    ...(vary ? { vary: { path: vary.path, values: vary.values }, runs: runs.map((r) => ({ value: r.value, nullBands: r.result.nullBands, curves: r.curves })) } : {}),
  };
  const files: [string, string | Uint8Array][] = [[out, `${JSON.stringify(report, null, 2)}\n`]];
  if (csv) {
    // long format: one row per (solver or configuration, [varied value,] NFE, metric), the shape plotting tools and
    // pandas.pivot expect; value is the mean over the seeds, ci_low/ci_high its 95% t interval (empty with one seed),
    // empty cells where undefined. By configuration, rows lead with its index and label (two may share a solver)
    const prefix = (c: CurveRow, value: number | string | null) =>
      [...(byConfiguration ? [String(c.index), csvField(c.label)] : []), c.solver, ...(vary ? [String(value)] : [])].join(',');
    const rows = [
      `${byConfiguration ? 'configuration,label,' : ''}solver,${vary ? `${vary.path},` : ''}nfe,metric,value,ci_low,ci_high`,
      ...runs.flatMap(({ value, curves }) =>
        curves.flatMap((c) =>
          c.points.flatMap((p) => [
            ...SWEEP_METRICS.map((name) => `${prefix(c, value)},${p.nfe},${CSV_METRIC_NAMES[name]},${csvCells(name, p.stats![name])}`),
            // FD-RF / FD-pix of image targets
            ...(p.imageStats
              ? [`${prefix(c, value)},${p.nfe},fd_rf,${csvCells('fdRf', p.imageStats.fdRf)}`, `${prefix(c, value)},${p.nfe},fd_pix,${csvCells('fdPix', p.imageStats.fdPix)}`]
              : []),
          ]),
        ),
      ),
    ];
    files.push([csv, `${rows.join('\n')}\n`]);
  }
  writeOutputs(files);
}

function readNpyFile(flag: string, path: string): { shape: number[]; data: ArrayLike<number> } {
  const bytes = readFileBytes(flag, path);
  try {
    return parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyError) throw new InputError(`--${flag}: '${path}': ${error.message}`);
    throw error;
  }
}

async function pdeCommand(flags: Record<string, string>): Promise<void> {
  const spec = readSpecWith(flags.spec, parsePdeSpec);
  const equation = EQUATIONS[spec.equation];
  let init: Float64Array | undefined;
  if (flags.init !== undefined) {
    if (spec.ic.type !== 'file') throw new InputError(`--init: the spec's ic.type is '${spec.ic.type}'; an initial array needs ic {"type":"file"}`);
    const array = readNpyFile('init', flags.init);
    const checked = checkInitArray(spec, array.shape, array.data);
    if (typeof checked === 'string') throw new InputError(`--init: '${flags.init}' ${checked}`);
    init = checked;
  } else if (spec.ic.type === 'file') throw new InputError(`--init is required: the spec's ic.type is 'file'`);
  if ((flags.frames === undefined) !== (flags.every === undefined)) throw new InputError('--frames and --every go together: give both or neither');
  const total = pdeStepCount(spec);
  let every: number | undefined;
  if (flags.every !== undefined) {
    every = Number(flags.every);
    if (!/^\d+$/.test(flags.every) || every < 1 || every > total) throw new InputError(`--every: got '${flags.every}'; allowed: an integer 1…${total} (the run's steps)`);
    if (Math.floor(total / every) + 2 > MAX_PDE_FRAMES) throw new InputError(`--every: ${flags.every} gives ${Math.floor(total / every) + 1} frames; allowed: at most ${MAX_PDE_FRAMES} (every ≥ ${Math.ceil(total / (MAX_PDE_FRAMES - 2))})`);
  }
  const out = checkOutputPath('out', flags.out);
  const framesPath = flags.frames !== undefined ? checkOutputPath('frames', flags.frames) : undefined;
  const metricsPath = flags.metrics !== undefined ? checkOutputPath('metrics', flags.metrics) : undefined;
  const { makeStepper, adapter, backend } = await openPdeBackend(flags.backend);
  const result = await runPde(spec, makeStepper, {
    init,
    every,
    onProgress: (step, all) => process.stderr.write(`\r${step}/${all} steps   `),
  });
  process.stderr.write('\n');
  const shape = fieldShape(spec);
  // the GPU computes in float32: its arrays are written as float32, the CPU reference's as float64
  const precision = backend === 'gpu' ? Float32Array : Float64Array;
  const files: [string, string | Uint8Array][] = [[out, serializeNpy(precision.from(fieldToArray(result.final, equation)), shape)]];
  if (framesPath) {
    const size = shape.reduce((a, b) => a * b, 1);
    const all = new precision(result.frames.states.length * size);
    result.frames.states.forEach((state, i) => all.set(fieldToArray(state, equation), i * size));
    files.push([framesPath, serializeNpy(all, [result.frames.states.length, ...shape])]);
  }
  if (metricsPath) {
    const report = {
      spec,
      backend,
      adapter,
      equation: { id: equation.id, formula: equation.formula, channels: equation.channels, source: equation.source },
      steps: result.steps,
      time: result.time,
      arrayShape: shape,
      frames: { steps: result.frames.steps, times: result.frames.times },
      invariants: result.invariants,
      wallMs: result.wallMs,
      stepsPerSecond: result.steps / (result.wallMs / 1000),
    };
    files.push([metricsPath, `${JSON.stringify(report, null, 2)}\n`]);
  }
  writeOutputs(files);
}

async function openPdeBackend(kind: string | undefined): Promise<{ makeStepper: Parameters<typeof runPde>[1]; adapter: AdapterSummary | null; backend: 'cpu' | 'gpu' }> {
  if (kind === 'cpu') return { makeStepper: cpuStepper, adapter: null, backend: 'cpu' };
  const device = await openGpuDevice();
  const { gpuPdeStepper } = await import('../engine/pde/gpuPde.ts');
  return { makeStepper: gpuPdeStepper(device.device), adapter: device.adapter, backend: 'gpu' };
}

function listSolvers(): void {
  for (const info of Object.values(SOLVERS)) {
    const options = solverOptionNames(info.name);
    console.log(`${info.name.padEnd(16)} order ${info.order}  ${info.prediction.padEnd(5)}  options: ${options.length ? options.join(', ') : '-'}\n${' '.repeat(18)}defaults reproduce: ${info.official}`);
  }
}

function listClaims(): void {
  for (const claim of CLAIMS) console.log(`${claim.id.padEnd(18)} ${claim.title}\n${' '.repeat(19)}${claim.statement}`);
}

async function claimCommand(id: string, flags: Record<string, string>): Promise<void> {
  let claim: Claim;
  try {
    claim = findClaim(id);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const out = flags.out !== undefined ? checkOutputPath('out', flags.out) : undefined;
  const csv = flags.csv !== undefined ? checkOutputPath('csv', flags.csv) : undefined;
  const { backend, adapter } = await openBackend(flags.backend, { fdReferenceSamples: claim.fdReferenceSamples });
  const result = await runClaim(claim, backend, {
    onProgress: (done, total, point) => process.stderr.write(`\r${done}/${total} ${claim.series[point.series].label}, ${claim.axis.label} ${point.x}   `),
  });
  process.stderr.write('\n');
  console.log(`${claim.title}\n${claim.statement}\n`);
  for (const metric of claim.metrics) {
    console.log(`${CLAIM_METRIC_LABELS[metric]} against ${claim.axis.label}`);
    console.log(['series'.padEnd(40), ...claim.axis.values.map((x) => String(x).padStart(10))].join(''));
    for (const s of result.series) console.log([s.label.padEnd(40), ...s.points.map((p) => (p[metric] ?? NaN).toPrecision(3).padStart(10))].join(''));
    console.log('');
  }
  for (const check of result.checks) console.log(`${check.holds ? 'holds ' : 'FAILS '} ${check.text}`);
  console.log(`\n${result.holds ? 'REPRODUCED' : 'NOT REPRODUCED'} (${claim.id}, ${result.backend}, ${(result.wallMs / 1000).toFixed(1)} s)`);
  const files: [string, string][] = [];
  if (out) files.push([out, `${JSON.stringify({ ...result, adapter }, null, 2)}\n`]);
  if (csv) {
    // long format, like the sweep's: one row per (series, axis value, metric)
    const rows = [`series,${claim.axis.label},nfe,metric,value`];
    for (const s of result.series)
      for (const p of s.points) for (const metric of claim.metrics) rows.push(`"${s.label.replace(/"/g, '""')}",${p.x},${p.nfe},${metric},${p[metric] ?? ''}`);
    files.push([csv, `${rows.join('\n')}\n`]);
  }
  writeOutputs(files);
}

/** `stepscope lesson FILE.md`: validates a lesson, runs its figures and prints each figure's numbers and checks */
async function lessonCommand(path: string, flags: Record<string, string>): Promise<void> {
  let lesson: Lesson;
  try {
    lesson = parseLesson(new TextDecoder().decode(readFileBytes('lesson', path)), path);
  } catch (error) {
    if (error instanceof LessonError) throw new InputError(error.message);
    throw error;
  }
  const out = flags.out !== undefined ? checkOutputPath('out', flags.out) : undefined;
  console.log(`${lesson.title}\nclaim: ${lesson.claim}\nsource: ${lesson.source}\n`);
  const results: FigureResult[] = [];
  for (const [i, figure] of lesson.figures.entries()) {
    // PDE figures run on the float64 CPU solver: only sampler figures open the asked-for backend
    const { backend } = figure.kind === 'sampler' ? await openBackend(flags.backend, { fdReferenceSamples: figure.claim.fdReferenceSamples }) : { backend: new CpuSamplerBackend() };
    const result = await runLessonFigure(figure, backend, {
      onProgress: (done, total) => process.stderr.write(`\rfigure ${i + 1}: ${done}/${total}   `),
    });
    process.stderr.write('\n');
    results.push(result);
    console.log(`figure ${i + 1} (${result.backend}, ${(result.wallMs / 1000).toFixed(1)} s)`);
    console.log(['series'.padEnd(34), ...result.axis.values.map((x) => String(x).padStart(10))].join(''));
    for (const metric of result.metrics)
      result.labels.forEach((label, s) =>
        console.log([`${label} · ${metric}`.padEnd(34), ...result.axis.values.map((x) => (result.points.find((p) => p.series === s && p.x === x)?.values[metric] ?? NaN).toPrecision(3).padStart(10))].join('')),
      );
    for (const check of result.checks) console.log(`${check.holds ? 'holds ' : 'FAILS '} ${check.text}`);
    console.log('');
  }
  const holds = results.every((r) => r.holds);
  console.log(`${holds ? 'SHOWN' : 'NOT SHOWN'}: ${lesson.claim}`);
  if (out) writeOutputs([[out, `${JSON.stringify({ id: lesson.id, title: lesson.title, claim: lesson.claim, source: lesson.source, holds, figures: results }, null, 2)}\n`]]);
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, flags, positional } = parseArgs(argv);
    if (command === 'solvers') listSolvers();
    else if (command === 'claims') listClaims();
    else if (command === 'claim') await claimCommand(positional!, flags);
    else if (command === 'lesson') await lessonCommand(positional!, flags);
    else if (command === 'sample') await sampleCommand(flags);
    else if (command === 'pde') await pdeCommand(flags);
    else if (command === 'train') await trainCommand(flags);
    else await sweepCommand(flags);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`stepscope: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    console.error(`stepscope: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
}
