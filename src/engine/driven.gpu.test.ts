// Driven programs on the GPU (program.ts): adaptive DPM-Solver, RK45 and Score-SDE PC take their decisions from
// GPU reductions read back per fragment. Float32 statistics differ from float64 ones in the 6th digit, and a step
// size h·E^{−1/p} carries that into the grid, so the two paths cannot be asked to take identical steps. The test
// therefore replays: the float64 interpreter is fed the GPU's measured values (so both run the very same ops) and
// must land on the same samples, while its own float64 statistics of the same states must match the GPU's.
import { describe, expect, it } from 'vitest';
import { relativeRms } from '../core/metrics/distance.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment } from '../core/sampling/experiment.ts';
import { runProgramCpu } from '../core/sampling/interpreter.ts';
import { type DrivenProgram, type Measure, isDriven } from '../core/sampling/program.ts';
import { parseSpec } from '../core/spec/spec.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuSampler } from './gpuSampler.ts';

const spec = (process: object, schedule: object, solver: object, nfe = 20) =>
  parseSpec({ version: 1, kind: 'sample', process, target: { type: 'preset', name: 'ring8' }, solver, schedule, nfe, n: 512, seed: 4 });

describe('batch statistics: the GPU reduction equals measureCpu', () => {
  it('rms, max-rms and mean-norm, with and without scales and a second register', async () => {
    const gpu = await testDevice();
    const n = 300;
    const measures: Measure[] = [
      { a: 0, reduce: 'mean-norm' },
      { a: 0, b: 1, reduce: 'rms' },
      { a: 1, b: 2, scale: { regs: [1, 2], atol: 0.3, rtol: 0.05, form: 'max' }, reduce: 'max-rms' },
      { a: 2, scale: { regs: [0], atol: 1e-3, rtol: 1e-2, form: 'sum' }, reduce: 'rms' },
    ];
    // registers 1 and 2 made from x_T and fresh RNG draws, then measured: the same on both paths
    let measured: number[] = [];
    const program: DrivenProgram = {
      solver: 'measure-test',
      driven: true,
      registers: 3,
      maxGridPoints: 1,
      *start() {
        const ops = [
          { op: 'combine' as const, out: 1, terms: [{ reg: 0, coef: 0.5 }], noise: { coef: 0.01, step: 0 } },
          { op: 'combine' as const, out: 2, terms: [{ reg: 1, coef: 2 }], noise: { coef: 0.3, step: 1 } },
        ];
        measured = yield { ops, measures };
        return { times: [1], nfe: 0 };
      },
    };
    const experiment = resolveExperiment(spec({ type: 'vp-linear' }, { type: 'logsnr' }, { name: 'ddim' }));
    const sampler = new GpuSampler(gpu);
    sampler.setTarget(experiment.mixture);
    await withGpuErrors(gpu, () => sampler.run(program, { n, seed: 5 }));
    const onGpu = measured;
    const xT = Float64Array.from(Float32Array.from(fillNormal(new Float64Array(n * 2), n, 2, 5, RngStream.initialNoise)));
    runProgramCpu(program, mixtureModel(experiment.mixture), xT, { seed: 5 });
    expect(onGpu).toHaveLength(measures.length);
    measures.forEach((m, i) => expect(Math.abs(onGpu[i] - measured[i]) / measured[i], JSON.stringify(m)).toBeLessThan(1e-5));
    sampler.destroy();
  });
});

const SOLVER_TOLERANCE: Record<string, number> = { 'dpm-solver-adaptive': 1e-2, rk45: 1e-2, pc: 1e-4 };

/** the program, recording every value its driver receives */
function recording(program: DrivenProgram, received: number[][]): DrivenProgram {
  return {
    ...program,
    *start() {
      const inner = program.start();
      let step = inner.next([]);
      while (!step.done) {
        const values: number[] = yield step.value;
        received.push(values);
        step = inner.next(values);
      }
      return step.value;
    },
  };
}

/** the program, fed `values` instead of what it is measured to have; what it measured goes to `measured` */
function replaying(program: DrivenProgram, values: number[][], measured: number[][]): DrivenProgram {
  return {
    ...program,
    *start() {
      const inner = program.start();
      let step = inner.next([]);
      for (let i = 0; !step.done; i++) {
        measured.push(yield step.value);
        step = inner.next(values[i]);
      }
      return step.value;
    },
  };
}

describe('driven solvers: GPU float32 equals the float64 interpreter on the same decisions', () => {
  const cases: [string, object, object, object][] = [
    ['DPM-Solver-23 (data), VP', { type: 'vp-linear' }, { type: 'logsnr' }, { name: 'dpm-solver-adaptive' }],
    ['DPM-Solver-12 (noise), VP', { type: 'vp-linear' }, { type: 'logsnr' }, { name: 'dpm-solver-adaptive', order: 2, prediction: 'noise' }],
    ['RK45, flow', { type: 'flow' }, { type: 'time-uniform' }, { name: 'rk45', rtol: 1e-4, atol: 1e-4 }],
    ['RK45, EDM into σ = 0', { type: 'edm' }, { type: 'karras' }, { name: 'rk45', rtol: 1e-4, atol: 1e-4 }],
    ['PC (reverse diffusion + Langevin), VP', { type: 'vp-linear' }, { type: 'time-uniform' }, { name: 'pc' }],
    ['PC (Euler–Maruyama + 2 Langevin), EDM', { type: 'edm' }, { type: 'karras' }, { name: 'pc', predictor: 'euler-maruyama', langevinSteps: 2 }],
  ];
  for (const [label, process, schedule, solver] of cases) {
    it(`${label}: same grid, same NFE, samples to 1e-5 relative RMS`, async () => {
      const gpu = await testDevice();
      const s = spec(process, schedule, solver, 30);
      const experiment = resolveExperiment(s);
      const xT = fillNormal(new Float64Array(s.n * 2), s.n, 2, s.seed, RngStream.initialNoise);
      const program = buildSpecProgram(s);
      if (!isDriven(program)) throw new Error(`${label} should be a driven program`);
      const sampler = new GpuSampler(gpu);
      sampler.setTarget(experiment.mixture);
      const gpuValues: number[][] = [];
      const run = await withGpuErrors(gpu, () => sampler.run(recording(program, gpuValues), { n: s.n, seed: s.seed, noise: Float32Array.from(xT), recordTrajectory: true }));
      const cpuValues: number[][] = [];
      const cpu = runProgramCpu(replaying(program, gpuValues, cpuValues), mixtureModel(experiment.mixture), xT, { seed: s.seed, recordTrajectory: true });
      expect(gpuValues.length).toBeGreaterThan(2);
      expect(cpu.nfe).toBe(run.nfe);
      expect(cpu.times).toEqual(run.times);
      // The GPU's statistics of each state equal float64's of the same state. Error norms are RMS of x_high − x_low
      // (about 1e-4·|x|) over δ: f32 rounding of the two solutions (6e-8·|x|) makes them good to ~1e-3 relative
      // (measured worst 5e-3 on these cases); Langevin norms are plain norms, good to ~1e-5 (measured ≤ 7e-6).
      const tolerance = SOLVER_TOLERANCE[(solver as { name: string }).name];
      cpuValues.forEach((values, i) =>
        values.forEach((v, j) => expect(Math.abs(gpuValues[i][j] - v) / (Math.abs(v) + 1e-3), `fragment ${i}, measure ${j}`).toBeLessThan(tolerance)),
      );
      expect(relativeRms(await sampler.readSamples(run), cpu.x)).toBeLessThan(1e-5);
      const trajectory = await sampler.readTrajectory(run);
      const size = s.n * 2;
      const last = run.times.length - 1;
      expect(relativeRms(trajectory.subarray(last * size, (last + 1) * size), cpu.trajectory![last])).toBeLessThan(1e-5);
      sampler.destroy();
    });
  }
});
