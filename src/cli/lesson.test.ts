// `stepscope lesson FILE.md` (issue #8 "Lessons"): validates a lesson, runs its figures and reports whether the
// numbers show its claim; a malformed file is refused with its line (exit 2, nothing written).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchDir } from './testing.ts';

describe('stepscope lesson', () => {
  it('runs the KS stiffness lesson: RK4 at h = 1/4 blows up, ETDRK4 and RK4 at h = 0.01 stay finite', () => {
    const dir = scratchDir();
    const result = runCli(['lesson', 'public/lessons/stiffness-ks.md', '--backend', 'cpu', '--out', join(dir, 'r.json')]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('SHOWN: On Kassam and Trefethen');
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.id).toBe('stiffness-ks');
    expect(report.holds).toBe(true);
    const [figure] = report.figures;
    expect(figure.labels).toEqual(['RK4, h = 1/4', 'ETDRK4, h = 1/4', 'RK4, h = 0.01']);
    const at = (series: number) => figure.points.find((p: { series: number }) => p.series === series).values;
    // RK4's stability limit at h = 1/4 is exceeded ~20×: it blows up within the first time units; JSON writes NaN as null
    expect(at(0).blowUp).toBeGreaterThan(0);
    expect(at(0).blowUp).toBeLessThan(10);
    expect(at(1).blowUp).toBeNull();
    expect(at(1).maxAbs).toBeGreaterThan(1);
  });

  it('refuses a malformed lesson with its line and a missing file, writing nothing', () => {
    const dir = scratchDir();
    const file = join(dir, 'bad.md');
    writeFileSync(file, '---\nid: bad\ntitle: T\nclaim: C\nsource: S\n---\ntext\n```stepscope\n{ "pde": { "series": [] } }\n```\n');
    const bad = runCli(['lesson', file, '--backend', 'cpu', '--out', join(dir, 'r.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bad.md:9: figure 1:');
    expect(bad.stderr).toContain('pde.series');
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    const missing = runCli(['lesson', join(dir, 'none.md')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--lesson: cannot read');
    expect(runCli(['lesson']).stderr).toContain("'lesson' needs a lesson file (.md)");
  });
});
