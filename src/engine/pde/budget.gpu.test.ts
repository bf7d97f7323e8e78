// Issue #9's budget for the spectral engine, counted on the device (src/gpu/counting.ts wraps the encoder), not
// taken from the engine's own bookkeeping. The minimums:
// - the FFT is one pass per axis up to N = 1024 (a 1D length above that is a four-step: two), each pass reading
//   and writing the array once;
// - a stepper step fuses its combines: between two transforms there is exactly one elementwise dispatch (a
//   "stage"), so a step with M nonlinear evaluations has M + 1 stages, M pointwise dispatches and M inverse +
//   M forward FFTs, plus the end-of-step pass; ETDRK4 in 2D: 5 + 4 + 4·2 + 4·2 + 1 = 26 dispatches;
// - no GPU→CPU readback in the frame loop (encodeSteps), one 16-byte watchdog readback per advance();
// - pipelines and bind groups are created once per configuration, not per step or per transform.

import { afterEach, describe, expect, it } from 'vitest';
import { EQUATIONS } from '../../core/pde/equations.ts';
import { preparePdeProblem } from '../../core/pde/run.ts';
import { STEPPERS } from '../../core/pde/steppers.ts';
import type { Grid } from '../../core/pde/types.ts';
import { countGpu, type GpuCounter } from '../../gpu/counting.ts';
import { testDevice, withGpuErrors } from '../../gpu/testing.ts';
import { createFftPlan, createRealFftPlan } from './gpuFft.ts';
import { GpuPdeSolver } from './gpuPde.ts';

let counter: GpuCounter | null = null;
afterEach(() => {
  counter?.restore();
  counter = null;
});

/** a counter on the test device, created before the code under test builds its kernels */
async function counted(): Promise<{ gpu: GPUDevice; counter: GpuCounter }> {
  const gpu = await testDevice();
  counter = countGpu(gpu);
  return { gpu, counter };
}

const box = (n: number, length: number, dims: number): Grid => ({ n: Array(dims).fill(n), length: Array(dims).fill(length) });

describe('FFT budget', () => {
  const cases: { shape: number[]; batch: number; passes: number }[] = [
    { shape: [1024], batch: 8, passes: 1 },
    { shape: [4096], batch: 2, passes: 2 }, // four-step
    { shape: [256, 256], batch: 1, passes: 2 },
    { shape: [512, 512], batch: 1, passes: 2 },
    { shape: [1024, 1024], batch: 1, passes: 2 },
    { shape: [32, 32, 32], batch: 1, passes: 3 },
  ];
  for (const { shape, batch, passes } of cases) {
    it(`[${shape}]×${batch}: ${passes} dispatch(es) per transform, the array read and written once per pass, nothing created on reuse`, async () => {
      const { gpu, counter } = await counted();
      await withGpuErrors(gpu, async () => {
        const bytes = shape.reduce((a, b) => a * b, 1) * batch * 8;
        const plan = createFftPlan(gpu, shape, batch);
        const data = gpu.createBuffer({ label: 'budget fft data', size: bytes, usage: GPUBufferUsage.STORAGE });
        const encodeBoth = () => {
          const encoder = gpu.createCommandEncoder();
          plan.encode(encoder, data, false);
          plan.encode(encoder, data, true);
          gpu.queue.submit([encoder.finish()]);
        };
        encodeBoth(); // first use: bind groups
        counter.reset();
        encodeBoth();
        const c = counter.counts;
        expect(c.dispatches, 'dispatches for forward + inverse').toBe(2 * passes);
        expect(c.pipelines + c.bindGroups, `created on reuse: ${counter.created.pipelines.concat(counter.created.bindGroups).join(', ')}`).toBe(0);
        expect(c.submits).toBe(1);
        expect(c.readbacks).toBe(0);
        for (const d of counter.dispatchLog) {
          // read-write bindings: the data array (a one-pass axis in place), or its scratch twin (the four-step's two
          // out-of-place passes read one and write the other): the array's bytes either way, once
          const storage = d.bindings.filter((b) => b.kind === 'storage');
          expect(storage.map((b) => b.size), `${d.pipeline}: written bindings`).toEqual([bytes]);
          const read = d.bindings.filter((b) => b.kind === 'read-only-storage');
          // the twiddle table (8 bytes × the longest axis) and, out of place, the source array
          const table = Math.max(...shape) * 8;
          expect(read.map((b) => b.size).sort((a, b) => a - b), `${d.pipeline}: read bindings`).toEqual(passes > shape.length ? [table, bytes].sort((a, b) => a - b) : [table]);
        }
        data.destroy();
        plan.destroy();
      });
    });
  }

  it('real plans: one pass per axis plus the post/pre-process; nothing created on reuse', async () => {
    const { gpu, counter } = await counted();
    await withGpuErrors(gpu, async () => {
      const shape = [256, 256];
      const plan = createRealFftPlan(gpu, shape, 1);
      const real = gpu.createBuffer({ label: 'budget rfft real', size: 256 * 256 * 4, usage: GPUBufferUsage.STORAGE });
      const half = gpu.createBuffer({ label: 'budget rfft half', size: 256 * 129 * 8, usage: GPUBufferUsage.STORAGE });
      const encodeBoth = () => {
        const encoder = gpu.createCommandEncoder();
        plan.encodeForward(encoder, real, half);
        plan.encodeInverse(encoder, half, real);
        gpu.queue.submit([encoder.finish()]);
      };
      encodeBoth();
      counter.reset();
      encodeBoth();
      expect(counter.counts.dispatches).toBe(2 * (shape.length + 1));
      expect(counter.counts.pipelines + counter.counts.bindGroups).toBe(0);
      real.destroy();
      half.destroy();
      plan.destroy();
    });
  });
});

describe('PDE step budget', () => {
  /** dispatches by kernel over `steps` later steps (the first step may differ for multistep methods) */
  async function perStep(equation: keyof typeof EQUATIONS, grid: Grid, stepper: (typeof STEPPERS)[number], steps: number) {
    const { gpu, counter } = await counted();
    return withGpuErrors(gpu, async () => {
      const problem = preparePdeProblem({ equation: EQUATIONS[equation], grid, stepper, dt: 0.01 });
      const solver = new GpuPdeSolver(gpu, problem, EQUATIONS[equation].preset.build(grid, {}, 0));
      await solver.advance(1);
      counter.reset();
      const encoder = gpu.createCommandEncoder();
      solver.encodeSteps(encoder, steps);
      gpu.queue.submit([encoder.finish()]);
      const byKernel = (prefix: string) => counter.dispatchLog.filter((d) => d.pipeline.startsWith(prefix)).length;
      const result = {
        nonlinear: problem.program.nonlinearPerStep,
        total: counter.counts.dispatches,
        stages: byKernel('pde stage'),
        pointwise: byKernel('pde pointwise'),
        fft: byKernel('fft'),
        finish: byKernel('pde finish step'),
        fold: byKernel('pde watch fold'),
        created: counter.counts.pipelines + counter.counts.bindGroups,
        readbacks: counter.counts.readbacks,
        submits: counter.counts.submits,
      };
      counter.reset();
      await solver.advance(7);
      const advance = { submits: counter.counts.submits, readbacks: counter.counts.readbacks, created: counter.counts.pipelines + counter.counts.bindGroups };
      solver.destroy();
      return { ...result, advance };
    });
  }

  it('Navier–Stokes 2D 64², ETDRK4: 5 stages + 4 pointwise + 16 FFT passes + 1 finish = 26 per step; no readback while encoding', async () => {
    const steps = 3;
    const r = await perStep('navier-stokes-2d', box(64, 2 * Math.PI, 2), 'etdrk4', steps);
    expect(r.nonlinear).toBe(4);
    expect(r.stages).toBe(steps * (r.nonlinear + 1));
    expect(r.pointwise).toBe(steps * r.nonlinear);
    expect(r.fft).toBe(steps * r.nonlinear * 2 * 2); // inverse + forward, one pass per axis
    expect(r.finish).toBe(steps);
    expect(r.fold).toBe(1); // one per batch
    expect(r.total).toBe(steps * 26 + 1);
    expect(r.created).toBe(0);
    expect(r.readbacks).toBe(0);
    expect(r.submits).toBe(1);
    expect(r.advance).toEqual({ submits: 1, readbacks: 1, created: 0 });
  });

  it('every stepper: M nonlinear evaluations per step cost M + 1 stages, whatever its number of combines (Kuramoto–Sivashinsky 1D)', async () => {
    for (const stepper of STEPPERS) {
      const r = await perStep('ks', box(64, 32 * Math.PI, 1), stepper, 2);
      expect(r.stages, stepper).toBe(2 * (r.nonlinear + 1));
      expect(r.pointwise, stepper).toBe(2 * r.nonlinear);
      expect(r.fft, stepper).toBe(2 * r.nonlinear * 2);
      expect(r.created, stepper).toBe(0);
      expect(r.readbacks, stepper).toBe(0);
    }
  });

  it('a linear equation (heat 2D, ETDRK4): all combines of a step in one stage', async () => {
    const r = await perStep('heat', box(32, 2 * Math.PI, 2), 'etdrk4', 2);
    expect(r.stages).toBe(2);
    expect(r.fft + r.pointwise).toBe(0);
    expect(r.total).toBe(2 * 2 + 1);
  });
});
