// `stepscope sweep` with compared configurations (spec.compare, issue #11): without --solvers it sweeps each
// configuration (its own solver, options and schedule), one curve each, and each curve is the sweep of that
// configuration run as its own single spec.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

// the same solver (DDIM) twice, on two schedules: the two curves must stay apart
const spec = {
  ...DEFAULT_SPEC,
  target: { type: 'preset', name: 'ring8' },
  n: 96,
  seed: 3,
  solver: { name: 'ddim' },
  schedule: { type: 'logsnr' },
  compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }],
};

interface Report {
  nullBands: unknown;
  curves: { index?: number; label: string; solver: string; configuration?: { schedule: { type: string } }; nullBands?: unknown; points: { nfe: number; mmd2: number }[] }[];
}

/** a curve's points without their wall times (the only numbers that differ between two runs of the same sweep) */
function numbers(points: Report['curves'][number]['points']): unknown[] {
  return points.map((point) => {
    const { wallMs: _wallMs, stats, ...rest } = point as typeof point & { wallMs: number; stats: Record<string, unknown> };
    const { wallMs: _statsWallMs, ...otherStats } = stats;
    return { ...rest, stats: otherStats };
  });
}

function sweep(dir: string, name: string, input: object, extra: string[] = []): { report: Report; csv: string } {
  const out = join(dir, `${name}.json`);
  const csv = join(dir, `${name}.csv`);
  const result = runCli(['sweep', '--spec', writeJson(dir, `${name}.spec.json`, input), '--nfe', '3,5', '--out', out, '--csv', csv, '--backend', 'cpu', ...extra]);
  expect(result.status, result.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(out, 'utf8')), csv: readFileSync(csv, 'utf8') };
}

describe('stepscope sweep with compared configurations (CPU float64)', () => {
  it('sweeps each configuration, each curve equal to sweeping that configuration as its own spec', () => {
    const dir = scratchDir();
    const { report, csv } = sweep(dir, 'all', spec);
    expect(report.curves.map((c) => [c.index, c.solver, c.configuration?.schedule.type, c.label])).toEqual([
      [0, 'ddim', 'logsnr', 'DDIM'],
      [1, 'ddim', 'karras', 'DDIM · Karras (EDM)'],
    ]);
    const { compare, ...own } = spec;
    const singles = [own, { ...own, ...compare[0] }].map((single, i) => sweep(dir, `single${i}`, single, ['--solvers', 'ddim']).report);
    for (const [i, single] of singles.entries()) {
      expect(single.curves).toHaveLength(1);
      expect(numbers(report.curves[i].points), `configuration ${i}`).toEqual(numbers(single.curves[0].points));
      expect(report.curves[i].nullBands, `configuration ${i}'s null bands`).toEqual(single.nullBands);
    }
    // the schedules differ, so the curves do; the top-level null bands are the spec's own configuration's
    expect(report.curves[0].points.map((p) => p.mmd2)).not.toEqual(report.curves[1].points.map((p) => p.mmd2));
    expect(report.nullBands).toEqual(singles[0].nullBands);
    // --solvers keeps the old rule even with compare: the named solvers on the spec's own schedule, no configurations
    const named = sweep(dir, 'named', spec, ['--solvers', 'ddim']).report;
    expect(named.curves.map((c) => [c.index, c.solver])).toEqual([[undefined, 'ddim']]);
    expect(numbers(named.curves[0].points)).toEqual(numbers(singles[0].curves[0].points));
    // CSV rows lead with the configuration's index and label, so the two DDIM curves stay apart
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('configuration,label,solver,nfe,metric,value,ci_low,ci_high');
    expect(lines).toContain(`1,DDIM · Karras (EDM),ddim,5,mmd2,${report.curves[1].points[1].mmd2},,`);
    expect(lines.filter((l) => l.startsWith('0,DDIM,ddim,'))).toHaveLength(2 * 8);
  });

  it('refuses a compared configuration on a custom grid (it fixes the steps) with exit 2 and writes nothing', () => {
    const dir = scratchDir();
    const times = Array.from({ length: 4 }, (_, i) => 1 + (1e-3 - 1) * (i / 3));
    const input = { ...spec, nfe: 3, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'custom', times } }] };
    const out = join(dir, 'refused.json');
    const result = runCli(['sweep', '--spec', writeJson(dir, 'refused.spec.json', input), '--nfe', '3,5', '--out', out, '--backend', 'cpu']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("compare.0.schedule.type 'custom' fixes the steps");
    expect(result.stderr).toContain("any type but 'custom'");
    expect(existsSync(out)).toBe(false);
  });
});
