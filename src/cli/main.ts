// `stepscope` command line: the same engine as the app, on Node (DESIGN §1, foundation issue §8).
//   stepscope sample --spec run.json --out x.npy [--noise xT.npy] [--traj traj.npy] [--metrics m.json] [--backend gpu|cpu] [--fd-reference N]
//   stepscope sweep  --spec run.json --nfe 2,3,4 --out curves.json [--solvers ddim,dpmpp-2m] [--csv curves.csv] [--backend gpu|cpu] [--fd-reference N]
// Exit codes: 0 success, 1 runtime failure (no GPU, device error), 2 bad input. Inputs are all validated before
// any work; outputs are written only when everything succeeded, each to a temporary file renamed into place.

import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NpyError, parseNpy, serializeNpy } from '../core/io/npy.ts';
import { makeProcess, resolveExperiment, targetImageShape } from '../core/sampling/experiment.ts';
import { describeGrid } from '../core/sampling/schedules.ts';
import { SOLVERS, SOLVER_NAMES, type SolverName } from '../core/sampling/solvers.ts';
import { solverOptionNames } from '../core/spec/solverSchema.ts';
import { MAX_PARTICLES, MAX_STEPS, SpecError, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import type { AdapterSummary } from '../gpu/device.ts';
import { FD_REFERENCE_SAMPLES } from '../engine/frechetMetrics.ts';
import { type BackendOptions, CpuSamplerBackend, GpuSamplerBackend, type SamplerBackend } from '../engine/sampling.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

class InputError extends Error {}

const USAGE = `usage:
  stepscope solvers   (the solver catalogue: order, parameterisation, the official options each default reproduces)
  stepscope sample --spec run.json --out x.npy [--noise xT.npy] [--traj traj.npy] [--metrics m.json] [--backend gpu|cpu] [--fd-reference N]
  stepscope sweep  --spec run.json --nfe 2,3,4,5,6,8,10,15,20,30,50 --out curves.json [--solvers ddim,dpmpp-2m] [--csv curves.csv] [--backend gpu|cpu] [--fd-reference N]
  --fd-reference N: exact samples behind FD-RF's reference statistics for image targets (glyphs16); default ${FD_REFERENCE_SAMPLES}
exit codes: 0 success, 1 runtime failure, 2 bad input`;

const FLAGS: Record<string, string[]> = {
  solvers: [],
  sample: ['spec', 'out', 'noise', 'traj', 'metrics', 'backend', 'fd-reference'],
  sweep: ['spec', 'out', 'nfe', 'solvers', 'csv', 'backend', 'fd-reference'],
};

function parseArgs(argv: string[]): { command: string; flags: Record<string, string> } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new InputError(USAGE);
  if (!(command in FLAGS)) throw new InputError(`unknown command '${command}' (allowed: solvers, sample, sweep)\n${USAGE}`);
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new InputError(`unexpected argument '${arg}'\n${USAGE}`);
    const name = arg.slice(2);
    if (!FLAGS[command].includes(name)) throw new InputError(`unknown option --${name} for '${command}' (allowed: ${FLAGS[command].map((f) => `--${f}`).join(', ')})`);
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) throw new InputError(`--${name} needs a value`);
    flags[name] = value;
  }
  for (const required of command === 'solvers' ? [] : ['spec', 'out', ...(command === 'sweep' ? ['nfe'] : [])]) {
    if (!(required in flags)) throw new InputError(`--${required} is required for '${command}'\n${USAGE}`);
  }
  if (flags.backend !== undefined && flags.backend !== 'gpu' && flags.backend !== 'cpu') throw new InputError(`--backend: got '${flags.backend}'; allowed: gpu, cpu`);
  if (flags['fd-reference'] !== undefined && !(/^\d+$/.test(flags['fd-reference']) && Number(flags['fd-reference']) >= 2 && Number(flags['fd-reference']) <= MAX_PARTICLES))
    throw new InputError(`--fd-reference: got '${flags['fd-reference']}'; allowed: an integer 2…${MAX_PARTICLES}`);
  return { command, flags };
}

function readSpec(path: string): SampleSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`--spec: cannot read '${path}': ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--spec: '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseSpec(json);
  } catch (error) {
    if (error instanceof SpecError) throw new InputError(`--spec: '${path}' is not a valid spec:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
}

function readNoise(path: string, n: number, dim: number): Float64Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputError(`--noise: cannot read '${path}': ${(error as Error).message}`);
  }
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

function checkOutputPath(flag: string, path: string): string {
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

/** Write all files only after everything succeeded; each lands atomically (temporary file, then rename). */
function writeOutputs(files: [string, string | Uint8Array][]): void {
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

async function openBackend(kind: string | undefined, options: BackendOptions = {}): Promise<{ backend: SamplerBackend; adapter: AdapterSummary | null }> {
  if (kind === 'cpu') return { backend: new CpuSamplerBackend(options), adapter: null };
  const { acquireNodeGpu } = await import('../gpu/node.ts');
  const gpu = await acquireNodeGpu('stepscope-cli');
  if (!gpu.device) throw new Error(`no WebGPU device: ${gpu.reason} (or run with --backend cpu)`);
  gpu.on((event) => {
    if (event.type === 'device-lost') console.error(`stepscope: GPU device lost (${event.reason}): ${event.message}`);
    else console.error(`stepscope: GPU ${event.errorType} error: ${event.message}`);
  });
  return { backend: new GpuSamplerBackend(gpu.device, options), adapter: gpu.adapterInfo };
}

async function sampleCommand(flags: Record<string, string>): Promise<void> {
  const spec = readSpec(flags.spec);
  const { dim } = resolveExperiment(spec);
  const noise = flags.noise !== undefined ? readNoise(flags.noise, spec.n, dim) : undefined;
  const out = checkOutputPath('out', flags.out);
  const traj = flags.traj !== undefined ? checkOutputPath('traj', flags.traj) : undefined;
  const metricsPath = flags.metrics !== undefined ? checkOutputPath('metrics', flags.metrics) : undefined;
  const { backend, adapter } = await openBackend(flags.backend, backendOptions(flags));
  const result = await backend.sample(spec, { noise, recordTrajectory: traj !== undefined, metrics: metricsPath !== undefined });
  if (!result.samples.every(Number.isFinite)) throw new Error('sampling produced NaN or infinite values; nothing written');
  const files: [string, string | Uint8Array][] = [[out, serializeNpy(result.samples, [spec.n, dim])]];
  if (traj && result.trajectory) files.push([traj, serializeNpy(result.trajectory, [result.times.length, spec.n, dim])]);
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
      // image targets (glyphs16): each sample row is an image of this [height, width], pixel i = row·width + col
      ...(targetImageShape(spec.target) ? { imageShape: targetImageShape(spec.target) } : {}),
      metrics: result.metrics,
      wallMs: result.wallMs,
    };
    files.push([metricsPath, `${JSON.stringify(report, null, 2)}\n`]);
  }
  writeOutputs(files);
}

async function sweepCommand(flags: Record<string, string>): Promise<void> {
  const spec = readSpec(flags.spec);
  if (spec.schedule.type === 'custom') throw new InputError(`--spec: schedule.type 'custom' fixes the steps; a sweep over NFE needs time-uniform, logsnr or time-quadratic`);
  const nfes = parseNfeList(flags.nfe);
  const solvers = flags.solvers !== undefined ? parseSolverList(flags.solvers) : [...SOLVER_NAMES];
  const out = checkOutputPath('out', flags.out);
  const csv = flags.csv !== undefined ? checkOutputPath('csv', flags.csv) : undefined;
  const { backend, adapter } = await openBackend(flags.backend, backendOptions(flags));
  const result = await backend.sweep(spec, {
    nfes,
    solvers,
    onProgress: (done, total, point) => process.stderr.write(`\r${done}/${total} ${point ? `${point.solver} NFE ${point.nfe}` : ''}   `),
  });
  process.stderr.write('\n');
  const report = {
    spec,
    backend: backend.kind,
    adapter,
    metricSamples: result.metricSamples,
    ...(result.fdRfNull !== undefined ? { fdRfNull: result.fdRfNull, fdPixNull: result.fdPixNull, fdReferenceSamples: result.fdReferenceSamples } : {}),
    nfes: result.nfes,
    curves: result.curves.map((c) => ({ solver: c.solver, label: SOLVERS[c.solver].label, points: c.points })),
  };
  const files: [string, string | Uint8Array][] = [[out, `${JSON.stringify(report, null, 2)}\n`]];
  if (csv) {
    // long format: one row per (solver, NFE, metric), the shape plotting tools and pandas.pivot expect
    const rows = [
      'solver,nfe,metric,value',
      ...result.curves.flatMap((c) =>
        c.points.flatMap((p) => [
          `${c.solver},${p.nfe},mmd2,${p.mmd2}`,
          `${c.solver},${p.nfe},energy,${p.energy}`,
          `${c.solver},${p.nfe},rmse,${p.rmse}`,
          ...(p.fdRf !== undefined ? [`${c.solver},${p.nfe},fd_rf,${p.fdRf}`, `${c.solver},${p.nfe},fd_pix,${p.fdPix}`] : []),
          `${c.solver},${p.nfe},wall_ms,${p.wallMs.toFixed(3)}`,
        ]),
      ),
    ];
    files.push([csv, `${rows.join('\n')}\n`]);
  }
  writeOutputs(files);
}

function listSolvers(): void {
  for (const info of Object.values(SOLVERS)) {
    const options = solverOptionNames(info.name);
    console.log(`${info.name.padEnd(16)} order ${info.order}  ${info.prediction.padEnd(5)}  options: ${options.length ? options.join(', ') : '-'}\n${' '.repeat(18)}defaults reproduce: ${info.official}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'solvers') listSolvers();
    else if (command === 'sample') await sampleCommand(flags);
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
