// `stepscope pde` on the GPU backend (the `webgpu` package; SwiftShader here) against the float64 CPU backend.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../core/io/npy.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

describe('stepscope pde --backend gpu', () => {
  it('Gray–Scott 2D (two fields): GPU float32 agrees with the CPU float64 path to 1e-5 relative L² after 50 steps; frames and invariants', () => {
    const dir = scratchDir();
    const spec = writeJson(dir, 'gs.json', { version: 1, kind: 'pde', equation: 'gray-scott', grid: { n: [32, 32], length: [2.5, 2.5] }, dt: 1, tEnd: 50 });
    for (const backend of ['gpu', 'cpu']) {
      const result = runCli(['pde', '--spec', spec, '--out', join(dir, `u-${backend}.npy`), '--frames', join(dir, `f-${backend}.npy`), '--every', '25', '--metrics', join(dir, `m-${backend}.json`), '--backend', backend]);
      expect(result.status, result.stderr).toBe(0);
    }
    const gpu = parseNpy(readFileSync(join(dir, 'u-gpu.npy')));
    const cpu = parseNpy(readFileSync(join(dir, 'u-cpu.npy')));
    expect([gpu.dtype, cpu.dtype]).toEqual(['float32', 'float64']);
    expect(gpu.shape).toEqual([2, 32, 32]);
    let num = 0;
    let den = 0;
    for (let i = 0; i < cpu.data.length; i++) {
      num += (gpu.data[i] - cpu.data[i]) ** 2;
      den += cpu.data[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
    expect(parseNpy(readFileSync(join(dir, 'f-gpu.npy'))).shape).toEqual([3, 2, 32, 32]);
    const metrics = JSON.parse(readFileSync(join(dir, 'm-gpu.json'), 'utf8'));
    expect(metrics.backend).toBe('gpu');
    expect(metrics.adapter.architecture).toBeTruthy();
    expect(metrics.invariants.map((i: { id: string }) => i.id)).toEqual(['u', 'v']);
  });

  it('a run that blows up on the GPU stops with the step and a hint (exit 1), writing nothing', () => {
    const dir = scratchDir();
    const result = runCli(['pde', '--spec', writeJson(dir, 'ks.json', { version: 1, kind: 'pde', equation: 'ks', stepper: 'rk4' }), '--out', join(dir, 'out.npy')]);
    expect(result.stderr).toMatch(/non-finite at step \d+ \(t = [\d.]+\) with rk4 at dt = 0\.25.*smaller dt.*stiff stepper/);
    expect(result.status).toBe(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
  });
});
