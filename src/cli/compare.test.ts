// `stepscope sample` with compared configurations (spec.compare, issue #11): every configuration is run, and each
// one's metrics are those of running it as its own single spec (its solver, options and schedule; the rest shared).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const spec = {
  ...DEFAULT_SPEC,
  target: { type: 'preset', name: 'grid25' },
  n: 128,
  nfe: 6,
  seed: 5,
  solver: { name: 'dpmpp-2m', solverType: 'taylor' },
  schedule: { type: 'logsnr' },
  compare: [
    { solver: { name: 'ddim' }, schedule: { type: 'karras', rho: 3 } },
    { solver: { name: 'unipc', order: 2, variant: 'bh1' }, schedule: { type: 'time-quadratic' } },
  ],
};

function sample(dir: string, name: string, input: object): { report: Record<string, unknown>; stdout: string } {
  const result = runCli(['sample', '--spec', writeJson(dir, `${name}.json`, input), '--out', join(dir, `${name}.npy`), '--metrics', join(dir, `${name}.m.json`), '--backend', 'cpu']);
  expect(result.status, result.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(join(dir, `${name}.m.json`), 'utf8')), stdout: result.stdout };
}

describe('stepscope sample with compared configurations (CPU float64)', () => {
  it('reports each configuration’s metrics, equal to running each configuration as its own spec', () => {
    const dir = scratchDir();
    const { report, stdout } = sample(dir, 'all', spec);
    const configurations = report.configurations as { index: number; solver: { name: string }; schedule: { type: string }; nfe: number; times: number[]; metrics: Record<string, unknown> }[];
    expect(configurations.map((c) => [c.index, c.solver.name, c.schedule.type])).toEqual([
      [0, 'dpmpp-2m', 'logsnr'],
      [1, 'ddim', 'karras'],
      [2, 'unipc', 'time-quadratic'],
    ]);
    const { compare, ...own } = spec;
    const alone = [own, { ...own, ...compare[0] }, { ...own, ...compare[1] }].map((single, i) => sample(dir, `single${i}`, single).report);
    for (const [i, single] of alone.entries()) {
      expect(single.configurations, 'a spec without compare reports no configurations').toBeUndefined();
      expect(configurations[i].metrics, `configuration ${i}`).toEqual(single.metrics);
      expect(configurations[i].times).toEqual(single.times);
      expect(configurations[i].nfe).toBe(single.nfe);
    }
    // the three grids differ (each configuration ran its own schedule), and the spec's own stays the top-level result
    expect(new Set(configurations.map((c) => JSON.stringify(c.times))).size).toBe(3);
    expect(report.metrics).toEqual(alone[0].metrics);
    // one row per configuration on stdout
    expect(stdout.trim().split('\n')).toHaveLength(3);
    expect(stdout).toMatch(/^configuration 1: ddim on karras, 6 NFE, MMD² /m);
  });
});
