// `stepscope claims` and `stepscope claim ID` (issue 4: each paper claim is one command), float64 CPU backend.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchDir } from './testing.ts';

describe('stepscope claim', () => {
  it('lists the claims', () => {
    const result = runCli(['claims']);
    expect(result.status, result.stderr).toBe(0);
    for (const id of ['v3-gmm', 'boss-flow', 'boss-glyphs', 'flow-shift', 'flow-sigmoid', 'momentum-guidance']) expect(result.stdout).toContain(id);
  });

  it('runs momentum-guidance: prints the table and the verdict, writes JSON and CSV', () => {
    const dir = scratchDir();
    const result = runCli(['claim', 'momentum-guidance', '--backend', 'cpu', '--out', join(dir, 'r.json'), '--csv', join(dir, 'r.csv')]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('REPRODUCED (momentum-guidance, cpu');
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.holds).toBe(true);
    expect(report.series).toHaveLength(4);
    expect(report.checks).toHaveLength(8);
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('series,NFE,nfe,metric,value');
    expect(csv).toHaveLength(1 + 4 * 4);
    // the CSV's values are the JSON's
    expect(Number(csv[1].split(',').at(-1))).toBe(report.series[0].points[0].outside);
  });

  it('refuses an unknown id or a missing one (exit 2, nothing written)', () => {
    const dir = scratchDir();
    const unknown = runCli(['claim', 'v4', '--backend', 'cpu', '--out', join(dir, 'r.json')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("claim: got 'v4'; allowed: v3-gmm");
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    const missing = runCli(['claim', '--backend', 'cpu']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("'claim' needs a claim id");
  });
});
