// `stepscope pde` on the float64 CPU backend: files in and out, and bad input refused with exit code 2
// (or a blow-up with exit 1), never a partial output file.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, serializeNpy } from '../core/io/npy.ts';
import { kdvSoliton } from '../core/pde/equations.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const kdvSpec = { version: 1, kind: 'pde', equation: 'kdv', grid: { n: [256], length: [40] }, ic: { type: 'file' }, stepper: 'etdrk4', dt: 2e-3, tEnd: 0.5 };

describe('stepscope pde', () => {
  it('runs a KdV soliton from --init to the exact solution; writes u, frames and metrics', () => {
    const dir = scratchDir();
    const x = Array.from({ length: 256 }, (_, j) => (j * 40) / 256);
    writeFileSync(join(dir, 'u0.npy'), serializeNpy(Float64Array.from(x, (xi) => kdvSoliton(xi, 0, 5, 10, 40)), [256]));
    const result = runCli([
      'pde', '--spec', writeJson(dir, 'spec.json', kdvSpec), '--init', join(dir, 'u0.npy'), '--out', join(dir, 'u.npy'),
      '--frames', join(dir, 'frames.npy'), '--every', '50', '--metrics', join(dir, 'm.json'), '--backend', 'cpu',
    ]);
    expect(result.stderr).not.toMatch(/stepscope:/);
    expect(result.status).toBe(0);
    const u = parseNpy(new Uint8Array(readFileSync(join(dir, 'u.npy'))));
    expect(u.shape).toEqual([1, 256]);
    const error = x.reduce((m, xi, j) => Math.max(m, Math.abs(u.data[j] - kdvSoliton(xi, 0.5, 5, 10, 40))), 0);
    expect(error).toBeLessThan(1e-5); // 256 points on 40 with the 2/3 rule: the spatial floor is ~3e-7 (pde.test.ts)
    const frames = parseNpy(new Uint8Array(readFileSync(join(dir, 'frames.npy'))));
    expect(frames.shape).toEqual([6, 1, 256]); // steps 0, 50, …, 250
    const metrics = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(metrics.frames.steps).toEqual([0, 50, 100, 150, 200, 250]);
    expect(metrics.time).toBeCloseTo(0.5, 12);
    const massValues: number[] = metrics.invariants.find((i: { id: string }) => i.id === 'mass').values;
    for (const m of massValues) expect(Math.abs(m - massValues[0])).toBeLessThan(1e-12);
  });

  function expectRefused(spec: unknown, extra: (dir: string) => string[], status: number, pattern: RegExp) {
    const dir = scratchDir();
    const result = runCli(['pde', '--spec', writeJson(dir, 'spec.json', spec), '--out', join(dir, 'out.npy'), '--metrics', join(dir, 'out.json'), '--backend', 'cpu', ...extra(dir)]);
    expect(result.stderr).toMatch(pattern);
    expect(result.status).toBe(status);
    expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
  }

  it('refuses bad specs and files with exit code 2', () => {
    expectRefused({ ...kdvSpec, ic: { type: 'preset' }, grid: { n: [100], length: [40] } }, () => [], 2, /grid\.n\.0: got 100; supported sizes in 1D: 16, 32, .*65536/);
    expectRefused({ ...kdvSpec }, () => [], 2, /--init is required: the spec's ic\.type is 'file'/);
    expectRefused({ ...kdvSpec, ic: { type: 'preset' } }, (dir) => ['--init', join(dir, 'missing.npy')], 2, /--init: the spec's ic\.type is 'preset'/);
    expectRefused(kdvSpec, (dir) => {
      writeFileSync(join(dir, 'u0.npy'), serializeNpy(new Float64Array(128), [128]));
      return ['--init', join(dir, 'u0.npy')];
    }, 2, /--init: '.*u0\.npy' has shape \(128\); the spec's grid needs \(1, 256\) or \(256\)/);
    expectRefused(kdvSpec, (dir) => {
      writeFileSync(join(dir, 'u0.npy'), serializeNpy(Float64Array.from({ length: 256 }, (_, i) => (i === 3 ? NaN : 0)), [256]));
      return ['--init', join(dir, 'u0.npy')];
    }, 2, /--init: .* contains NaN or infinite values/);
    expectRefused({ ...kdvSpec, ic: { type: 'preset' } }, (dir) => ['--frames', join(dir, 'out-frames.npy')], 2, /--frames and --every go together/);
    expectRefused({ ...kdvSpec, ic: { type: 'preset' } }, (dir) => ['--frames', join(dir, 'out-frames.npy'), '--every', '0'], 2, /--every: got '0'; allowed: an integer 1…250/);
  });

  it('a run that blows up stops with the step, the time and a hint (exit 1) and writes nothing', () => {
    // Kassam–Trefethen KS with RK4 at h = 1/4: far beyond RK4's stability limit h < 0.0116 (specs §4.4)
    expectRefused({ version: 1, kind: 'pde', equation: 'ks', stepper: 'rk4' }, () => [], 1, /non-finite at step \d+ \(t = [\d.]+\) with rk4 at dt = 0\.25.*smaller dt.*stiff stepper/);
  });
});
