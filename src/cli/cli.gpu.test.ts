// The CLI end to end on Node: WebGPU through the `webgpu` package (SwiftShader here) and the float64 CPU
// backend, on the same spec; real .npy/JSON/CSV files in and out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, serializeNpy } from '../core/io/npy.ts';
import { relativeRms } from '../core/metrics/distance.ts';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';
import { parseModelFileText } from '../core/spec/modelFile.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const spec = { ...DEFAULT_SPEC, n: 512, nfe: 10, target: { type: 'preset', name: 'two-moons-gmm' } };

describe('stepscope sample', () => {
  it('GPU and CPU backends agree to 1e-5 relative RMS; trajectory and metrics files are complete', () => {
    const dir = scratchDir();
    const specPath = writeJson(dir, 'run.json', spec);
    for (const backend of ['gpu', 'cpu']) {
      const result = runCli(['sample', '--spec', specPath, '--out', join(dir, `x-${backend}.npy`), '--traj', join(dir, `traj-${backend}.npy`), '--metrics', join(dir, `m-${backend}.json`), '--backend', backend]);
      expect(result.status, result.stderr).toBe(0);
    }
    const gpu = parseNpy(readFileSync(join(dir, 'x-gpu.npy')));
    const cpu = parseNpy(readFileSync(join(dir, 'x-cpu.npy')));
    expect(gpu.dtype).toBe('float32');
    expect(cpu.dtype).toBe('float64');
    expect(gpu.shape).toEqual([512, 2]);
    expect(relativeRms(gpu.data, cpu.data)).toBeLessThan(1e-5);
    const traj = parseNpy(readFileSync(join(dir, 'traj-gpu.npy')));
    expect(traj.shape).toEqual([11, 512, 2]);
    // the last trajectory frame is the sample; the first is x_T
    expect(Array.from(traj.data.subarray(10 * 1024))).toEqual(Array.from(gpu.data));
    const xT = fillNormal(new Float64Array(1024), 512, 2, 0, RngStream.initialNoise);
    expect(relativeRms(traj.data.subarray(0, 1024), xT)).toBeLessThan(1e-6);
    const mg = JSON.parse(readFileSync(join(dir, 'm-gpu.json'), 'utf8'));
    const mc = JSON.parse(readFileSync(join(dir, 'm-cpu.json'), 'utf8'));
    expect(mg.nfe).toBe(10);
    expect(mg.times).toHaveLength(11);
    expect(mg.times[0]).toBe(1);
    expect(mg.times[10]).toBe(0.001);
    // the grid in λ is uniform for the logSNR schedule, and σ̃ = e^{−λ}
    const lambda: number[] = mg.grid.lambda;
    for (let i = 1; i <= 10; i++) expect(lambda[i] - lambda[i - 1]).toBeCloseTo((lambda[10] - lambda[0]) / 10, 9);
    expect(mg.grid.sigmaTilde[3]).toBeCloseTo(Math.exp(-lambda[3]), 12);
    expect(mg.adapter.architecture.toLowerCase()).toContain('swiftshader');
    expect(mg.metrics.rmse).toBeGreaterThan(0);
    expect(Math.abs(mg.metrics.rmse - mc.metrics.rmse)).toBeLessThan(1e-4 * mc.metrics.rmse);
    expect(Math.abs(mg.metrics.mmd2 - mc.metrics.mmd2)).toBeLessThan(1e-3 * Math.abs(mc.metrics.mmd2) + 5e-6);
    expect(mg.wallMs).toBeGreaterThan(0);
  });

  it('--noise replaces the drawn x_T (float32 or float64 files)', () => {
    const dir = scratchDir();
    const specPath = writeJson(dir, 'run.json', spec);
    // the same noise the spec's seed would draw gives the same sample; other noise gives another sample
    const xT = fillNormal(new Float64Array(1024), 512, 2, 0, RngStream.initialNoise);
    writeFileSync(join(dir, 'same.npy'), serializeNpy(xT, [512, 2]));
    writeFileSync(join(dir, 'other.npy'), serializeNpy(Float32Array.from(xT, (v) => -v), [512, 2]));
    for (const [name, args] of [['drawn', []], ['same', ['--noise', join(dir, 'same.npy')]], ['other', ['--noise', join(dir, 'other.npy')]]] as const) {
      expect(runCli(['sample', '--spec', specPath, '--out', join(dir, `${name}-out.npy`), '--backend', 'cpu', ...args]).status).toBe(0);
    }
    const read = (name: string) => parseNpy(readFileSync(join(dir, `${name}-out.npy`))).data;
    expect(Array.from(read('same'))).toEqual(Array.from(read('drawn')));
    expect(relativeRms(read('other'), read('drawn'))).toBeGreaterThan(0.1);
    // on the GPU too
    expect(runCli(['sample', '--spec', specPath, '--out', join(dir, 'gpu-other-out.npy'), '--noise', join(dir, 'other.npy')]).status).toBe(0);
    expect(relativeRms(read('gpu-other'), read('other'))).toBeLessThan(1e-5);
  });
});


describe('stepscope sweep', () => {
  it('writes JSON and CSV curves; DPM-Solver++(2M) beats DDIM at 10 NFE; GPU matches CPU', () => {
    const dir = scratchDir();
    const specPath = writeJson(dir, 'run.json', spec);
    for (const backend of ['gpu', 'cpu']) {
      const r = runCli(['sweep', '--spec', specPath, '--nfe', '3,5,10', '--solvers', 'ddim,dpmpp-2m', '--out', join(dir, `c-${backend}.json`), '--csv', join(dir, `c-${backend}.csv`), '--backend', backend]);
      expect(r.status, r.stderr).toBe(0);
    }
    const g = JSON.parse(readFileSync(join(dir, 'c-gpu.json'), 'utf8'));
    const c = JSON.parse(readFileSync(join(dir, 'c-cpu.json'), 'utf8'));
    expect(g.curves.map((x: { solver: string }) => x.solver)).toEqual(['ddim', 'dpmpp-2m']);
    const at10 = (r: typeof g, solver: string) => r.curves.find((x: { solver: string }) => x.solver === solver).points.find((p: { nfe: number }) => p.nfe === 10);
    expect(at10(g, 'dpmpp-2m').mmd2).toBeLessThan(at10(g, 'ddim').mmd2);
    expect(at10(g, 'dpmpp-2m').rmse).toBeLessThan(at10(g, 'ddim').rmse);
    for (const solver of ['ddim', 'dpmpp-2m']) expect(Math.abs(at10(g, solver).rmse - at10(c, solver).rmse)).toBeLessThan(1e-4 * at10(c, solver).rmse);
    const csv = readFileSync(join(dir, 'c-gpu.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('solver,nfe,metric,value,ci_low,ci_high');
    // mmd2, energy, rmse, sw2, mode_mass, nll, nll_ref, wall_ms
    expect(csv).toHaveLength(1 + 2 * 3 * 8);
    // the diagnostics on the GPU match the CPU's (f32 samples: SW2 and NLL to 1e-3 relative, mode counts within 2 of 512)
    for (const solver of ['ddim', 'dpmpp-2m']) {
      expect(Math.abs(at10(g, solver).sw2 - at10(c, solver).sw2)).toBeLessThan(1e-3 * at10(c, solver).sw2);
      expect(Math.abs(at10(g, solver).nll - at10(c, solver).nll)).toBeLessThan(1e-3 * Math.abs(at10(c, solver).nll) + 1e-4);
      expect(Math.abs(at10(g, solver).modeMass - at10(c, solver).modeMass)).toBeLessThanOrEqual(2 / 512 + 1e-12);
    }
    expect(Math.abs(g.nullBands.sw2.mean - c.nullBands.sw2.mean)).toBeLessThan(1e-4 * c.nullBands.sw2.mean);
    const row = csv.find((line) => line.startsWith('dpmpp-2m,10,mmd2,'))!.split(',');
    expect(Number(row[3])).toBe(at10(g, 'dpmpp-2m').mmd2);
  });
});

describe('stepscope train --backend gpu', () => {
  it('the WGSL trainer follows the float64 trainer step by step through lrDecay boundaries (loss and parameters to 1e-5)', () => {
    const dir = scratchDir();
    // 40 Adam steps with the rate halved every 15: the GPU path rewrites its rate uniform at steps 15 and 30
    const train = { version: 1, kind: 'train', task: 'flow-matching', target: { type: 'preset', name: 'ring8' }, model: { type: 'mlp', width: 16, depth: 2 }, optimizer: { name: 'adam', lr: 0.002 }, steps: 40, batch: 64, seed: 3, lrDecay: { every: 15, factor: 0.5 } };
    const specPath = writeJson(dir, 'train.json', train);
    const read = (backend: string) => {
      const result = runCli(['train', '--spec', specPath, '--out', join(dir, `${backend}.json`), '--log', join(dir, `${backend}.csv`), '--backend', backend]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`(${backend})`);
      const rows = readFileSync(join(dir, `${backend}.csv`), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',').map(Number));
      return { rows, model: parseModelFileText(readFileSync(join(dir, `${backend}.json`), 'utf8')) };
    };
    const gpu = read('gpu');
    const cpu = read('cpu');
    expect(gpu.rows).toHaveLength(40);
    gpu.rows.forEach(([step, loss, seen, wall], i) => {
      expect([step, seen]).toEqual([i + 1, (i + 1) * 64]);
      expect(Math.abs(loss - cpu.rows[i][1]) / cpu.rows[i][1]).toBeLessThan(1e-5);
      expect(wall).toBeGreaterThanOrEqual(i > 0 ? gpu.rows[i - 1][3] : 0);
    });
    expect(relativeRms(gpu.model.params, cpu.model.params)).toBeLessThan(1e-5);
    expect(gpu.model.trainedOn).toEqual(cpu.model.trainedOn);
    expect(Math.abs(gpu.model.loss.validation! - cpu.model.loss.validation!)).toBeLessThan(1e-5);
  });
});
