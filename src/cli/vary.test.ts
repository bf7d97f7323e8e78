// `stepscope sweep --vary PATH=v1,v2,…`: one sweep per value of a spec field (issue #4: "a sweep over s … at 5,
// 10 NFE produces a curve with a clear optimum … written by `stepscope sweep`"), float64 CPU backend.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchDir, writeJson } from './testing.ts';

const spec = {
  version: 1,
  kind: 'sample',
  process: { type: 'flow' },
  target: { type: 'preset', name: 'ring8' },
  solver: { name: 'flow-euler' },
  schedule: { type: 'shift', s: 1 },
  nfe: 5,
  n: 1024,
  seed: 0,
};

describe('stepscope sweep --vary', () => {
  it('the SD3/Lumina shift s on flow · ring8 · flow-euler: MMD² has an interior optimum at 5 and 10 NFE; CSV and JSON carry every value', () => {
    const dir = scratchDir();
    const values = [0.25, 0.5, 1, 2, 4];
    const result = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', spec), '--nfe', '5,10', '--solvers', 'flow-euler', '--vary', `schedule.s=${values.join(',')}`, '--out', join(dir, 'out.json'), '--csv', join(dir, 'out.csv'), '--backend', 'cpu']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.vary).toEqual({ path: 'schedule.s', values });
    for (const nfe of [5, 10]) {
      const mmd = report.runs.map((r: { curves: { points: { nfe: number; mmd2: number }[] }[] }) => r.curves[0].points.find((p) => p.nfe === nfe)!.mmd2);
      const best = mmd.indexOf(Math.min(...mmd));
      // measured: the optimum is s = 0.5 (more steps near the data) at both NFE, well clear of both ends
      expect(best, `MMD² over s at ${nfe} NFE: ${mmd.join(', ')}`).toBeGreaterThan(0);
      expect(best).toBeLessThan(values.length - 1);
      expect(Math.max(mmd[0], mmd[values.length - 1])).toBeGreaterThan(1.5 * mmd[best]);
    }
    const csv = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('solver,schedule.s,nfe,metric,value,ci_low,ci_high');
    expect(csv.filter((row) => row.includes(',mmd2,')).map((row) => row.split(',')[1])).toEqual(['0.25', '0.25', '0.5', '0.5', '1', '1', '2', '2', '4', '4']);
  });

  it('refuses a malformed --vary or a value that does not fit the spec (exit 2, nothing written)', () => {
    for (const [vary, message] of [
      ['s=1,2', /--vary: got 's=1,2'; allowed: PATH=v1,v2,… with a dotted spec field/],
      ['schedule.s=1,-2', /--vary: schedule\.s = -2 does not fit the spec:\n\s+schedule\.s: got -2/],
      ['target.name.x=1', /--vary: the spec has no object at 'name' on the path target\.name\.x/],
    ] as const) {
      const dir = scratchDir();
      const result = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', spec), '--nfe', '5', '--solvers', 'flow-euler', '--vary', vary, '--out', join(dir, 'out.json'), '--backend', 'cpu']);
      expect(result.stderr).toMatch(message);
      expect(result.status).toBe(2);
      expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
    }
  });
});
