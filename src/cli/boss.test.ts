// The boss schedule through the CLI (specs §14): `sample --metrics` reports the Bellman grid and its costs, `sweep`
// takes the schedule from the spec, and bad boss input is refused with exit code 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchDir, writeJson } from './testing.ts';

const spec = { version: 1, kind: 'sample', process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'flow-euler' }, schedule: { type: 'boss', kMax: 40, samples: 64 }, nfe: 6, n: 128 };

describe('stepscope with a boss schedule', () => {
  it('sample --metrics reports the grid, K_max, the chosen anchors and the optimal cost against the uniform one', () => {
    const dir = scratchDir();
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', spec), '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(report.steps).toBe(6);
    expect(report.boss).toMatchObject({ kMax: 40, samples: 64, solver: 'flow-euler', jumps: 'linear', anchorSchedule: 'time-uniform' });
    expect(report.boss.indices).toHaveLength(7);
    expect(report.boss.times).toEqual(report.times);
    expect(report.boss.optimalCost).toBeLessThan(report.boss.uniformCost);
  });

  it('sweep takes the boss schedule from the spec', () => {
    const dir = scratchDir();
    const result = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', spec), '--nfe', '4,8', '--solvers', 'flow-euler,flow-heun', '--out', join(dir, 'c.json'), '--backend', 'cpu']);
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(report.curves.map((c: { points: { nfe: number }[] }) => c.points.map((p) => p.nfe))).toEqual([[4, 8], [4, 8]]);
  });

  it('refuses kMax below the budget with exit code 2, naming the field', () => {
    const dir = scratchDir();
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', { ...spec, schedule: { type: 'boss', kMax: 4 } }), '--out', join(dir, 'x.npy'), '--backend', 'cpu']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/schedule\.kMax: got 4; must be at least nfe \(6\)/);
  });
});
