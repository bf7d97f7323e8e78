// `stepscope sample` with compared configurations on the GPU (the `webgpu` package; SwiftShader here): each
// configuration runs its own solver options and schedule in float32, and agrees with the float64 CPU engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const spec = {
  ...DEFAULT_SPEC,
  target: { type: 'preset', name: 'two-moons-gmm' },
  n: 512,
  nfe: 8,
  compare: [
    { solver: { name: 'ddim' }, schedule: { type: 'karras', rho: 3 } },
    { solver: { name: 'dpmpp-2m', solverType: 'taylor' }, schedule: { type: 'time-uniform' } },
  ],
};

interface Row {
  index: number;
  nfe: number;
  times: number[];
  metrics: { mmd2: number; rmse: number };
}

describe('stepscope sample --backend gpu with compared configurations', () => {
  it('runs each configuration on its own grid and options, agreeing with the float64 CPU engine', () => {
    const dir = scratchDir();
    const path = writeJson(dir, 'run.json', spec);
    const rows: Record<string, Row[]> = {};
    for (const backend of ['gpu', 'cpu']) {
      const result = runCli(['sample', '--spec', path, '--out', join(dir, `x-${backend}.npy`), '--metrics', join(dir, `m-${backend}.json`), '--backend', backend]);
      expect(result.status, result.stderr).toBe(0);
      rows[backend] = JSON.parse(readFileSync(join(dir, `m-${backend}.json`), 'utf8')).configurations;
    }
    expect(rows.gpu.map((r) => r.index)).toEqual([0, 1, 2]);
    // grids come from core in float64 on both paths: the same times; three different grids
    expect(rows.gpu.map((r) => r.times)).toEqual(rows.cpu.map((r) => r.times));
    expect(new Set(rows.gpu.map((r) => JSON.stringify(r.times))).size).toBe(3);
    for (const [i, gpu] of rows.gpu.entries()) {
      const cpu = rows.cpu[i];
      expect(gpu.nfe).toBe(cpu.nfe);
      // float32 particles agree with float64 to 1e-5 relative (cli.gpu.test.ts), and so do metrics computed from them;
      // MMD² can be near 0 (an unbiased estimate), hence the 1e-7 absolute floor (measured here: differences ≤ 1.5e-7
      // on values 8e-3 … 0.42)
      for (const key of ['rmse', 'mmd2'] as const)
        expect(Math.abs(gpu.metrics[key] - cpu.metrics[key]), `configuration ${i} ${key}`).toBeLessThan(1e-5 * Math.abs(cpu.metrics[key]) + 1e-7);
    }
  });
});
