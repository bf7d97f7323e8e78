// The sampler's budget (issue 9), counted with the counting wrapper (src/gpu/counting.ts) on real runs:
// - eval+combine is one dispatch per model evaluation (the combines run in the eval's invocations, chain.wgsl), also
//   for a diagonal mixture above MAX_DIM (glyphs16, d = 256), whose workgroup per particle reduces the
//   log-responsibilities over all of x_p before it forms any D_i (gmm_diag.wgsl);
// - a run is one submit and reads nothing back; a sweep reads back only its metrics;
// - pipelines and bind groups are created once per configuration: a second run of the same one creates none.
// Every expected count comes from the program (its NFE, registers) and the stated constants, not from a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpecProgram, makeProcess, prepareTarget } from '../core/sampling/experiment.ts';
import { fixedProgram, type SamplerProgram } from '../core/sampling/program.ts';
import { DEFAULT_SPEC, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import { countGpu, type GpuCounter } from '../gpu/counting.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuSampler } from './gpuSampler.ts';
import { GpuSamplerBackend } from './sampling.ts';

/** dispatches besides the evals: drawing x_T (fill_normal) */
const NOISE_DISPATCHES = 1;
/** with a recorded trajectory, x_T's record before the first eval is one chain-only dispatch */
const TRAJECTORY_DISPATCHES = 1;

let gpu: GPUDevice;
let counter: GpuCounter;
beforeAll(async () => {
  gpu = await testDevice();
  // before any kernel exists, so that every bind group layout's binding types are known to the wrapper
  counter = countGpu(gpu);
});
afterAll(() => counter.restore());

function program(spec: SampleSpec): SamplerProgram {
  return fixedProgram(buildSpecProgram(spec, makeProcess(spec.process), 'cpu'));
}

/** counts of one run of `p` on a fresh counter window (after a first run of the same configuration when `warm`) */
async function countRun(sampler: GpuSampler, p: SamplerProgram, n: number, options: { recordTrajectory?: boolean } = {}) {
  counter.reset();
  await withGpuErrors(gpu, () => sampler.run(p, { n, seed: 3, ...options }));
  return { ...counter.counts, log: [...counter.dispatchLog] };
}

describe('sampler budget: dispatches, submits, readbacks, bytes per step', () => {
  const n = 256;
  // solvers with one combine per eval (ddim, dpmpp-2m), two (unipc, lms), a singlestep (dpmpp-2s), a sigma-space
  // predictor–corrector (heun), fresh noise (euler-ancestral) and the Brownian tree (dpmpp-2m-sde)
  const solvers = ['ddim', 'dpmpp-2m', 'unipc', 'lms', 'dpmpp-2s', 'heun', 'euler-ancestral', 'dpmpp-2m-sde'] as const;

  for (const name of solvers) {
    it(`${name} on ring8 (d = 2): NFE + ${NOISE_DISPATCHES} dispatches, 1 submit, 0 readbacks; the second run creates nothing`, async () => {
      const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name }, nfe: 8, n });
      const p = program(spec);
      const sampler = new GpuSampler(gpu, 'budget');
      sampler.setTarget(prepareTarget(spec.target));
      const first = await countRun(sampler, p, n);
      expect(first.dispatches).toBe(p.nfe + NOISE_DISPATCHES);
      expect(first.submits).toBe(1);
      expect(first.readbacks).toBe(0);
      const second = await countRun(sampler, p, n);
      expect(second.dispatches).toBe(p.nfe + NOISE_DISPATCHES);
      expect(second.submits).toBe(1);
      expect(second.readbacks).toBe(0);
      expect(second.pipelines).toBe(0);
      expect(second.bindGroups, `bind groups created again: ${counter.created.bindGroups.join(', ')}`).toBe(0);
      // no buffer is created or re-created for a run of the same configuration
      expect(second.buffersCreated).toBe(0);
      // bytes: every dispatch binds exactly the register file in use (registers × n × d f32) as its only
      // read_write storage (an upper bound of what it writes), not the whole buffer
      const registerFile = p.registers * n * 2 * 4;
      for (const dispatch of second.log) {
        expect(dispatch.bindings.filter((b) => b.kind === 'storage').map((b) => b.size)).toEqual([registerFile]);
        expect(dispatch.bytesWritten).toBe(registerFile);
      }
      expect(second.bytesWritten).toBe((p.nfe + NOISE_DISPATCHES) * registerFile);
      sampler.destroy();
    });
  }

  it('with a recorded trajectory: one more dispatch (the x_T record), still one submit', async () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name: 'dpmpp-2m' }, nfe: 6, n });
    const p = program(spec);
    const sampler = new GpuSampler(gpu, 'budget trajectory');
    sampler.setTarget(prepareTarget(spec.target));
    await countRun(sampler, p, n, { recordTrajectory: true });
    const second = await countRun(sampler, p, n, { recordTrajectory: true });
    expect(second.dispatches).toBe(p.nfe + NOISE_DISPATCHES + TRAJECTORY_DISPATCHES);
    expect(second.submits).toBe(1);
    expect(second.readbacks).toBe(0);
    expect(second.pipelines + second.bindGroups).toBe(0);
    sampler.destroy();
  });

  it(`glyphs16 (d = 256, diagonal): NFE + ${NOISE_DISPATCHES} dispatches, 1 submit, 0 readbacks; nothing created again`, async () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'glyphs16', components: 10, pixelStd: 0.2 }, solver: { name: 'dpmpp-2m' }, nfe: 6, n: 64 });
    const p = program(spec);
    const sampler = new GpuSampler(gpu, 'budget glyphs');
    sampler.setTarget(prepareTarget(spec.target));
    await countRun(sampler, p, 64);
    const second = await countRun(sampler, p, 64);
    // per eval: one dispatch of a workgroup per particle (log-responsibilities, D, the combines)
    expect(second.dispatches).toBe(p.nfe + NOISE_DISPATCHES);
    expect(second.submits).toBe(1);
    expect(second.readbacks).toBe(0);
    expect(second.pipelines + second.bindGroups).toBe(0);
    sampler.destroy();
  });

  it('a GPU sweep reads back only its metrics, and its sampler creates no pipeline or bind group per point', async () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 512 });
    const solvers = ['ddim', 'dpmpp-2m'] as const;
    const nfes = [4, 6];
    const backend = new GpuSamplerBackend(gpu);
    const options = { solvers: [...solvers], nfes };
    // the first sweep builds the references (exact sets, null values, the RK45 same-noise solution: its adaptive
    // steps read back their error norms); the second reuses them, so it counts the points alone
    await withGpuErrors(gpu, () => backend.sweep(spec, options));
    counter.reset();
    await withGpuErrors(gpu, () => backend.sweep(spec, options));
    const points = solvers.length * nfes.length;
    const totalNfe = solvers.reduce((sum, name) => sum + nfes.reduce((s, nfe) => s + program({ ...spec, solver: { name }, nfe }).nfe, 0), 0);
    // metric readbacks per point: MMD²/energy rows, squared-error rows, diagnostics (SW2 sums, mode counts, NLL)
    expect(counter.logTruncated).toBe(false);
    expect(counter.counts.readbacks).toBe(3 * points);
    // the sampler's dispatches: NFE + x_T per point, all in its program passes
    const samplerDispatches = counter.dispatchLog.filter((d) => d.pass.startsWith('sampler '));
    expect(samplerDispatches.length).toBe(totalNfe + NOISE_DISPATCHES * points);
    // no pipeline at all; bind groups only the metrics' (gpuMetrics.ts), none of the sampler's kernels
    expect(counter.counts.pipelines).toBe(0);
    const samplerGroups = counter.created.bindGroups.filter((label) => /eval\+combine|combine chain|fill normal|measure/.test(label));
    expect(samplerGroups).toEqual([]);
    backend.destroy();
  }, 240_000);
});
