// `npm run bench`: figures as ratios against a reference measured in the same run (never a test assertion).
// Cases, each { name, figure, reference, ratio (figure / reference, higher = GPU path faster), others? }:
// - (issue 3) particle evaluations per second of the GMM eval + combine step, n = 65 536, K = 8 (ring8), d = 2,
//   on the GPU path (float32, WebGPU through the `webgpu` package) against the float64 CPU interpreter;
// - (issue 5) FFT forward + inverse pairs per second (complex, f32) of the WGSL FFT (src/engine/pde/gpuFft.ts) for
//   1D 1024 × batch 1024, 2D 256², 512², 1024², against NumPy's numpy.fft (complex128, pocketfft; measured in the
//   same run through `python3 -c`, when numpy imports) and beside the float64 TypeScript FFT (src/core/pde/fft.ts)
//   and NumPy complex64. GPU time: many encodes in one submit, `queue.onSubmittedWorkDone()` around it.
// - (issue 5) PDE steps per second with ETDRK4: 2D Navier–Stokes 256² and 512², KS 1D N = 1024 (the presets'
//   conventions), GPU path (many steps encoded into one submit) against NumPy's implementation of the same step
//   (bench/pde_numpy.py, rfft-based, float64) and beside the float64 CPU path; the CPU path's agreement with
//   NumPy after 5 steps is reported alongside.
// - (issue 4) the BOSS one-jump cost matrix (specs §14), K_max = 100, n = 1024 teacher samples, flow · ring8 ·
//   flow-euler: the GPU path (f32 teacher run + one workgroup per anchor pair, src/engine/bossGpu.ts) against the
//   float64 CPU path (src/core/sampling/boss.ts), each from the same teacher noise; their agreement alongside.
// - (issue 4) DPM-Solver-v3's EMS (src/core/sampling/ems.ts, float64 CPU) for N_ems = 200, K = 4096 on glyphs16, and
//   the same on the GPU (engine/emsGpu.ts; K = 256 on a software adapter) against the CPU at its size
//   (d = 256, 10 diagonal components): wall time, against the time of the same number of plain ε̂ evaluations
//   (4·K·(N_ems + 1): the exact Jacobian diagonal and the three ε̂ of the total derivative per point) measured in
//   the same run — the ratio says how close the statistics come to their model-evaluation floor. No GPU EMS yet.
// Writes bench/results.json and prints a table. On SwiftShader the "GPU" is a CPU emulation: say so.

import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fftNd } from '../src/core/pde/fft.ts';
import { EQUATIONS } from '../src/core/pde/equations.ts';
import { randomFourierField } from '../src/core/pde/fields.ts';
import { CpuPdeSolver, preparePdeProblem } from '../src/core/pde/run.ts';
import type { Grid } from '../src/core/pde/types.ts';
import { parseNpy, serializeNpy } from '../src/core/io/npy.ts';
import { GpuPdeSolver } from '../src/engine/pde/gpuPde.ts';
import { prepareMixture } from '../src/core/sampling/gmm.ts';
import { mixtureModel } from '../src/core/sampling/experiment.ts';
import { runProgramCpu } from '../src/core/sampling/interpreter.ts';
import { VpLinearProcess } from '../src/core/sampling/process.ts';
import { targetPreset } from '../src/core/sampling/presets.ts';
import { scheduleLogSnrUniform } from '../src/core/sampling/schedules.ts';
import { programOnGrid } from '../src/core/sampling/solvers.ts';
import { computeEms } from '../src/core/sampling/ems.ts';
import { mixtureDenoise } from '../src/core/sampling/gmm.ts';
import { prepareTarget } from '../src/core/sampling/experiment.ts';
import { fillNormal } from '../src/core/util/rng.ts';
import { createFftPlan } from '../src/engine/pde/gpuFft.ts';
import { GpuSampler } from '../src/engine/gpuSampler.ts';
import { acquireNodeGpu } from '../src/gpu/node.ts';
import { bossCostMatrix } from '../src/core/sampling/boss.ts';
import { createProcess } from '../src/core/sampling/process.ts';
import { GpuEms } from '../src/engine/emsGpu.ts';
import { GpuBossCost } from '../src/engine/bossGpu.ts';

interface Figure {
  label: string;
  value: number;
}

interface BenchCase {
  name: string;
  figure: Figure;
  /** null when the reference could not be measured on this machine (then `note` says why) */
  reference: Figure | null;
  ratio: number | null;
  /** further references measured in the same run, each with figure / reference */
  others?: (Figure & { ratio: number })[];
  note?: string;
}

async function timeIt(label: string, repeats: number, body: () => Promise<void> | void): Promise<number> {
  await body(); // warm-up (pipeline compilation, JIT)
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.error(`${label}: median ${median.toFixed(1)} ms over ${repeats}`);
  return median;
}

const gpu = await acquireNodeGpu('stepscope-bench');
if (!gpu.device) {
  console.error(`no WebGPU device: ${gpu.reason}`);
  globalThis.process.exit(1);
}
const device = gpu.device!;
const software = gpu.status === 'software';
const SOFTWARE_NOTE = 'software adapter (SwiftShader): the "GPU" path is itself running on the CPU';

async function samplerCase(): Promise<BenchCase> {
  const n = 65_536;
  const steps = 20;
  const vp = new VpLinearProcess();
  const mixture = prepareMixture(targetPreset('ring8'));
  const program = programOnGrid({ name: 'ddim' }, vp, scheduleLogSnrUniform(vp, 1, 1e-3, steps));
  const evaluations = n * program.nfe;
  const sampler = new GpuSampler(device, 'bench');
  sampler.setTarget(mixture);
  const gpuMs = await timeIt('sampler gpu', 5, async () => {
    await sampler.run(program, { n, seed: 0 });
  });
  const x = fillNormal(new Float64Array(n * 2), n, 2, 0, 0);
  const cpuMs = await timeIt('sampler cpu float64', 3, () => {
    runProgramCpu(program, mixtureModel(mixture), x);
  });
  return {
    name: 'gmm eval+combine, ring8 (K = 8, d = 2), n = 65536, DDIM 20 steps',
    figure: { label: 'GPU particle evaluations per second', value: evaluations / (gpuMs / 1000) },
    reference: { label: 'float64 CPU particle evaluations per second', value: evaluations / (cpuMs / 1000) },
    ratio: cpuMs / gpuMs,
    note: software ? SOFTWARE_NOTE : undefined,
  };
}

interface FftCase {
  name: string;
  shape: number[];
  batch: number;
}

const FFT_CASES: FftCase[] = [
  { name: 'FFT 1D N = 1024, batch 1024 (complex f32, forward + inverse)', shape: [1024], batch: 1024 },
  { name: 'FFT 2D 256² (complex f32, forward + inverse)', shape: [256, 256], batch: 1 },
  { name: 'FFT 2D 512² (complex f32, forward + inverse)', shape: [512, 512], batch: 1 },
  { name: 'FFT 2D 1024² (complex f32, forward + inverse)', shape: [1024, 1024], batch: 1 },
];

/** ms per forward + inverse pair over `shape`×`batch` with numpy, complex128 and complex64; null when numpy is absent */
function numpyPairMs(cases: FftCase[]): { ok: true; ms: { c128: number; c64: number }[]; version: string } | { ok: false; reason: string } {
  const probe = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { ok: false, reason: `python3 with numpy unavailable: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}` };
  const script = `
import json, sys, time
import numpy as np
cases = json.loads(sys.argv[1])
rng = np.random.default_rng(0)
out = []
def pair_ms(a, ndim):
    axes = tuple(range(-ndim, 0))
    run = lambda: np.fft.ifftn(np.fft.fftn(a, axes=axes), axes=axes) if ndim > 1 else np.fft.ifft(np.fft.fft(a, axis=-1), axis=-1)
    run()
    reps = 1
    while True:
        t = time.perf_counter(); [run() for _ in range(reps)]; dt = time.perf_counter() - t
        if dt > 0.2 or reps >= 1000: break
        reps *= 2
    times = []
    for _ in range(5):
        t = time.perf_counter(); [run() for _ in range(reps)]; times.append((time.perf_counter() - t) / reps)
    return sorted(times)[2] * 1000
for c in cases:
    shape = ([c['batch']] if c['batch'] > 1 else []) + c['shape']
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    out.append({'c128': pair_ms(a, len(c['shape'])), 'c64': pair_ms(a.astype(np.complex64), len(c['shape']))})
print(json.dumps(out))
`;
  const run = spawnSync('python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error || run.status !== 0) return { ok: false, reason: `numpy timing failed: ${run.error?.message ?? run.stderr.trim().split('\n').pop()}` };
  return { ok: true, ms: JSON.parse(run.stdout), version: probe.stdout.trim() };
}

/** ms per forward + inverse pair on the GPU: `reps` pairs encoded into one command buffer, one submit */
async function gpuFftPairMs(c: FftCase): Promise<{ ms: number; dispatches: number }> {
  const size = c.shape.reduce((a, b) => a * b, 1) * c.batch;
  const plan = createFftPlan(device, c.shape, c.batch);
  const buffer = device.createBuffer({ label: 'bench fft data', size: size * 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: 2 * size }, (_, i) => Math.sin(i * 0.7)));
  const submit = async (reps: number) => {
    const encoder = device.createCommandEncoder({ label: 'bench fft' });
    for (let r = 0; r < reps; r++) {
      plan.encode(encoder, buffer, false);
      plan.encode(encoder, buffer, true);
    }
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  await submit(1); // pipelines, first-use costs
  const one = await submit(1);
  // about a second of work per measurement, at least 2 pairs per submit
  const reps = Math.max(2, Math.min(200, Math.round(1000 / Math.max(one, 0.01))));
  const ms = (await timeIt(`fft gpu [${c.shape}]×${c.batch} (${reps} pairs per submit)`, 3, async () => void (await submit(reps)))) / reps;
  const dispatches = plan.dispatchesPerTransform;
  buffer.destroy();
  plan.destroy();
  return { ms, dispatches };
}

function cpuFftPairMs(c: FftCase): number {
  const size = c.shape.reduce((a, b) => a * b, 1) * c.batch;
  const data = Float64Array.from({ length: 2 * size }, (_, i) => Math.sin(i * 0.7));
  const pair = () => {
    fftNd(data, c.shape, false, c.batch);
    fftNd(data, c.shape, true, c.batch);
  };
  pair(); // JIT
  const start = performance.now();
  pair();
  const one = performance.now() - start;
  const reps = Math.max(1, Math.min(50, Math.round(1000 / Math.max(one, 0.01))));
  const times: number[] = [];
  for (let t = 0; t < 3; t++) {
    const s = performance.now();
    for (let r = 0; r < reps; r++) pair();
    times.push((performance.now() - s) / reps);
  }
  times.sort((a, b) => a - b);
  console.error(`fft cpu float64 [${c.shape}]×${c.batch}: median ${times[1].toFixed(2)} ms per pair`);
  return times[1];
}

async function fftCases(): Promise<BenchCase[]> {
  const numpy = numpyPairMs(FFT_CASES);
  if (!numpy.ok) console.error(`numpy reference absent: ${numpy.reason}`);
  const out: BenchCase[] = [];
  for (const [i, c] of FFT_CASES.entries()) {
    const { ms: gpuMs, dispatches } = await gpuFftPairMs(c);
    const cpuMs = cpuFftPairMs(c);
    const perSecond = (ms: number) => 1000 / ms;
    const figure = { label: 'GPU forward + inverse pairs per second', value: perSecond(gpuMs) };
    const cpu = { label: 'float64 TypeScript fftNd (src/core/pde/fft.ts) pairs per second', value: perSecond(cpuMs), ratio: cpuMs / gpuMs };
    const notes = [`${dispatches} dispatches per transform`, `GPU ${gpuMs.toFixed(3)} ms per pair`];
    if (software) notes.push(SOFTWARE_NOTE);
    if (numpy.ok) {
      const { c128, c64 } = numpy.ms[i];
      out.push({
        name: c.name,
        figure,
        reference: { label: `NumPy ${numpy.version} numpy.fft complex128 pairs per second`, value: perSecond(c128) },
        ratio: c128 / gpuMs,
        others: [cpu, { label: `NumPy ${numpy.version} numpy.fft complex64 pairs per second`, value: perSecond(c64), ratio: c64 / gpuMs }],
        note: notes.join('; '),
      });
    } else {
      notes.push(`NumPy reference absent (${numpy.reason})`);
      out.push({ name: c.name, figure, reference: null, ratio: null, others: [cpu], note: notes.join('; ') });
    }
  }
  return out;
}

interface PdeCase {
  name: string;
  /** the case's key in bench/pde_numpy.py */
  numpyKey: string;
  equation: string;
  grid: Grid;
  dt: number;
  cpuSteps: number;
}

const PDE_CASES: PdeCase[] = [
  { name: 'PDE 2D Navier–Stokes 256², ETDRK4 step', numpyKey: 'ns256', equation: 'navier-stokes-2d', grid: { n: [256, 256], length: [2 * Math.PI, 2 * Math.PI] }, dt: 0.01, cpuSteps: 2 },
  { name: 'PDE 2D Navier–Stokes 512², ETDRK4 step', numpyKey: 'ns512', equation: 'navier-stokes-2d', grid: { n: [512, 512], length: [2 * Math.PI, 2 * Math.PI] }, dt: 0.01, cpuSteps: 1 },
  { name: 'PDE 1D Kuramoto–Sivashinsky N = 1024, ETDRK4 step', numpyKey: 'ks1024', equation: 'ks', grid: { n: [1024], length: [32 * Math.PI] }, dt: 0.25, cpuSteps: 50 },
];

/** NumPy seconds per step of each case (bench/pde_numpy.py time) */
function numpyPdeTimes(): { ok: true; version: string; secondsPerStep: Record<string, number> } | { ok: false; reason: string } {
  const run = spawnSync('python3', ['bench/pde_numpy.py', 'time'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error || run.status !== 0) return { ok: false, reason: `python3 with numpy unavailable: ${run.error?.message ?? run.stderr.trim().split('\n').pop()}` };
  const parsed = JSON.parse(run.stdout);
  return { ok: true, version: parsed.numpy, secondsPerStep: parsed.secondsPerStep };
}

/** relative L² difference between the float64 CPU path and NumPy after 5 steps from the same state; null without numpy */
function cpuAgreesWithNumpy(c: PdeCase, u0: Float64Array, cpu5: Float64Array): number | null {
  const real = u0.filter((_, i) => i % 2 === 0);
  const path = join(tmpdir(), `stepscope-bench-u0-${c.numpyKey}-${globalThis.process.pid}.npy`);
  writeFileSync(path, serializeNpy(real, [...c.grid.n].reverse()));
  const run = spawnSync('python3', ['bench/pde_numpy.py', 'run', c.numpyKey, path, '5'], { maxBuffer: 1 << 28 });
  rmSync(path, { force: true });
  if (run.error || run.status !== 0) return null;
  const theirs = parseNpy(new Uint8Array(run.stdout)).data;
  let num = 0;
  let den = 0;
  for (let i = 0; i < theirs.length; i++) {
    num += (cpu5[2 * i] - theirs[i]) ** 2;
    den += theirs[i] ** 2;
  }
  return Math.sqrt(num / den);
}

async function pdeCases(): Promise<BenchCase[]> {
  const numpy = numpyPdeTimes();
  if (!numpy.ok) console.error(`numpy PDE reference absent: ${numpy.reason}`);
  const out: BenchCase[] = [];
  for (const c of PDE_CASES) {
    const problem = preparePdeProblem({ equation: EQUATIONS[c.equation], grid: c.grid, stepper: 'etdrk4', dt: c.dt });
    const u0 = randomFourierField(c.grid, 1, 0, 4, c.equation === 'ks' ? 1 : 5);
    const solver = new GpuPdeSolver(device, problem, u0);
    const submit = async (steps: number) => {
      const encoder = device.createCommandEncoder({ label: 'bench pde' });
      solver.encodeSteps(encoder, steps);
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - start;
    };
    await submit(1);
    const one = await submit(1);
    const steps = Math.max(2, Math.min(500, Math.round(2000 / Math.max(one, 0.01))));
    const gpuMs = (await timeIt(`pde gpu ${c.numpyKey} (${steps} steps per submit)`, 3, async () => void (await submit(steps)))) / steps;
    const dispatches = solver.dispatchesPerStep;
    solver.destroy();
    const cpu = new CpuPdeSolver(problem, u0);
    const cpuStart = performance.now();
    cpu.advance(c.cpuSteps);
    const cpuMs = (performance.now() - cpuStart) / c.cpuSteps;
    console.error(`pde cpu float64 ${c.numpyKey}: ${cpuMs.toFixed(1)} ms per step`);
    const five = new CpuPdeSolver(problem, u0);
    five.advance(5);
    const agreement = numpy.ok ? cpuAgreesWithNumpy(c, u0, five.physical()) : null;
    const perSecond = (ms: number) => 1000 / ms;
    const figure = { label: 'GPU steps per second', value: perSecond(gpuMs) };
    const cpuFigure = { label: 'float64 CPU path steps per second', value: perSecond(cpuMs), ratio: cpuMs / gpuMs };
    const notes = [`${dispatches} dispatches per step`, `GPU ${gpuMs.toFixed(2)} ms per step`];
    if (agreement !== null) notes.push(`float64 CPU path vs NumPy after 5 steps: relative L² ${agreement.toExponential(1)}`);
    if (software) notes.push(SOFTWARE_NOTE);
    if (numpy.ok) {
      const numpyMs = numpy.secondsPerStep[c.numpyKey] * 1000;
      out.push({
        name: c.name,
        figure,
        reference: { label: `NumPy ${numpy.version} (rfft, float64; bench/pde_numpy.py) steps per second`, value: perSecond(numpyMs) },
        ratio: numpyMs / gpuMs,
        others: [cpuFigure],
        note: notes.join('; '),
      });
    } else {
      notes.push(`NumPy reference absent (${numpy.reason})`);
      out.push({ name: c.name, figure, reference: null, ratio: null, others: [cpuFigure], note: notes.join('; ') });
    }
  }
  return out;
}

async function bossCase(): Promise<BenchCase> {
  const kMax = 100;
  const samples = 1024;
  const flow = createProcess({ type: 'flow' });
  const mixture = prepareMixture(targetPreset('ring8'));
  const options = { process: flow, solver: { name: 'flow-euler' as const }, tStart: flow.defaultTStart, tEnd: flow.defaultTEnd, kMax, samples, seed: 0 };
  const boss = new GpuBossCost(device);
  boss.setTarget(mixture);
  let gpuResult: Awaited<ReturnType<GpuBossCost['costMatrix']>> | null = null;
  const gpuMs = await timeIt('boss cost matrix gpu', 5, async () => {
    gpuResult = await boss.costMatrix(options);
  });
  let cpuResult: ReturnType<typeof bossCostMatrix> | null = null;
  const cpuMs = await timeIt('boss cost matrix cpu float64', 3, () => {
    cpuResult = bossCostMatrix({ ...options, model: mixtureModel(mixture) });
  });
  boss.destroy();
  // agreement: the largest |c_gpu − c_cpu| relative to the largest cost
  const g = gpuResult!.cost;
  const c = cpuResult!.cost;
  let diff = 0;
  let largest = 0;
  for (let i = 0; i < c.length; i++) {
    diff = Math.max(diff, Math.abs(g[i] - c[i]));
    largest = Math.max(largest, c[i]);
  }
  const notes = [
    `GPU: teacher ${gpuResult!.teacherMs.toFixed(1)} ms + pair reduction ${gpuResult!.reduceMs.toFixed(1)} ms (last run)`,
    `max |c_gpu − c_cpu| / max c = ${(diff / largest).toExponential(1)}`,
  ];
  if (software) notes.push(SOFTWARE_NOTE);
  return {
    name: 'BOSS cost matrix, K_max = 100 (5050 pairs), n = 1024, flow · ring8 · flow-euler (teacher run + c_kj)',
    figure: { label: 'GPU cost matrices per second', value: 1000 / gpuMs },
    reference: { label: 'float64 CPU cost matrices per second', value: 1000 / cpuMs },
    ratio: cpuMs / gpuMs,
    note: notes.join('; '),
  };
}

async function v3Cases(): Promise<BenchCase[]> {
  const vp = new VpLinearProcess();
  const mixture = prepareTarget({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
  const [points, samples] = [200, 4096];
  const ems = computeEms(mixture, vp, 1, 1e-3, { points, samples });
  console.error(`v3 EMS glyphs16: ${ems.milliseconds.toFixed(0)} ms`);
  // the floor: 4·K·(N_ems + 1) plain ε̂ evaluations, timed on a quarter of the grid and scaled
  const d = mixture.dim;
  const x = fillNormal(new Float64Array(samples * d), samples, d, 1, 0);
  const out = new Float64Array(samples * d);
  const sampledPoints = Math.ceil((points + 1) / 4);
  const start = performance.now();
  for (let j = 0; j < sampledPoints; j++) for (let r = 0; r < 4; r++) mixtureDenoise(mixture, x, samples, 0.5, 0.8, out, 'noise');
  const floorMs = ((performance.now() - start) * (points + 1)) / sampledPoints;
  console.error(`v3 EMS floor (plain evaluations): ${floorMs.toFixed(0)} ms`);
  // the same statistics on the GPU (emsGpu.ts, float32), against the float64 CPU computation of the same size. On a
  // software adapter with K = 256 (measured: 26 s on SwiftShader, two cores; K = 4096 would take about 7 minutes)
  const gpuSamples = software ? 256 : samples;
  const reference = gpuSamples === samples ? ems : computeEms(mixture, vp, 1, 1e-3, { points, samples: gpuSamples });
  const onGpu = await new GpuEms(device).compute(mixture, vp, 1, 1e-3, { points, samples: gpuSamples });
  console.error(`v3 EMS glyphs16 on the GPU (K = ${gpuSamples}): ${onGpu.milliseconds.toFixed(0)} ms`);
  let lDiff = 0;
  for (let q = 0; q < reference.l.length; q++) lDiff = Math.max(lDiff, Math.abs(onGpu.l[q] - reference.l[q]));
  return [
    {
      name: `DPM-Solver-v3 EMS, glyphs16 (d = 256, 10 components), N_ems = ${points}, K = ${samples}, exact diagonal l, float64 CPU`,
      figure: { label: 'EMS computations per second (1 / wall time)', value: 1000 / ems.milliseconds },
      reference: { label: 'same number of plain ε̂ evaluations, per second', value: 1000 / floorMs },
      ratio: floorMs / ems.milliseconds,
      note: `EMS wall time ${(ems.milliseconds / 1000).toFixed(2)} s (${ems.evaluations} point evaluations)`,
    },
    {
      name: `DPM-Solver-v3 EMS on the GPU (float32, engine/emsGpu.ts), glyphs16, N_ems = ${points}, K = ${gpuSamples}`,
      figure: { label: 'GPU EMS computations per second', value: 1000 / onGpu.milliseconds },
      reference: { label: `float64 CPU EMS computations per second (K = ${gpuSamples})`, value: 1000 / reference.milliseconds },
      ratio: reference.milliseconds / onGpu.milliseconds,
      note: [`GPU wall time ${(onGpu.milliseconds / 1000).toFixed(2)} s`, `max |l_gpu − l_cpu| = ${lDiff.toExponential(1)}`, ...(software ? [SOFTWARE_NOTE] : [])].join('; '),
    },
  ];
}

// `npm run bench [-- sampler|fft|pde|boss|v3 …]`: all groups, or the named ones
const GROUPS: Record<string, () => Promise<BenchCase[]>> = {
  sampler: async () => [await samplerCase()],
  fft: fftCases,
  pde: pdeCases,
  boss: async () => [await bossCase()],
  v3: v3Cases,
};
const requested = globalThis.process.argv.slice(2);
const unknown = requested.filter((g) => !(g in GROUPS));
if (unknown.length) {
  console.error(`unknown bench group(s) ${unknown.join(', ')}; allowed: ${Object.keys(GROUPS).join(', ')}`);
  globalThis.process.exit(2);
}
const cases: BenchCase[] = [];
for (const [group, run] of Object.entries(GROUPS)) if (!requested.length || requested.includes(group)) cases.push(...(await run()));

const results = {
  date: new Date().toISOString(),
  machine: { node: globalThis.process.version, cpu: cpus()[0]?.model, cpuCount: cpus().length, adapter: gpu.adapterInfo, status: gpu.status },
  cases,
};
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json.tmp', `${JSON.stringify(results, null, 2)}\n`);
renameSync('bench/results.json.tmp', 'bench/results.json');
console.log(`machine: ${results.machine.cpuCount}× ${results.machine.cpu}; adapter: ${gpu.adapterInfo?.description || gpu.adapterInfo?.device || 'unknown'} (${gpu.status})`);
if (software) console.log(`note: ${SOFTWARE_NOTE}`);
for (const c of cases) {
  const lines = [c.name, `  ${c.figure.label}: ${c.figure.value.toExponential(3)}`];
  if (c.reference) lines.push(`  ${c.reference.label}: ${c.reference.value.toExponential(3)}  (ratio GPU/reference ${c.ratio!.toFixed(3)})`);
  else lines.push('  reference: absent');
  for (const o of c.others ?? []) lines.push(`  ${o.label}: ${o.value.toExponential(3)}  (ratio GPU/this ${o.ratio.toFixed(3)})`);
  if (c.note) lines.push(`  (${c.note})`);
  console.log(lines.join('\n'));
}
globalThis.process.exit(0);
