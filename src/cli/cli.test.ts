// Bad input at the CLI: exit code 2, a message naming the field and what is allowed, and no output file.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, serializeNpy } from '../core/io/npy.ts';
import { SOLVER_NAMES } from '../core/sampling/solvers.ts';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';

const allowedSolvers = SOLVER_NAMES.join(', ');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
import { runCli, scratchDir, writeJson } from './testing.ts';

const good = { ...DEFAULT_SPEC, n: 64, nfe: 4 };

function expectRejected(args: (dir: string) => string[], pattern: RegExp) {
  const dir = scratchDir();
  const result = runCli(args(dir));
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(pattern);
  // nothing written: only the inputs the test itself created are in the directory
  expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
}

describe('stepscope CLI rejects bad input with exit code 2 and writes nothing', () => {
  it('unknown solver', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, solver: { name: 'euler-magic' } }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], new RegExp(`solver\\.name: got "euler-magic"; allowed: ${escape(SOLVER_NAMES.map((n) => `"${n}"`).join(', '))}`));
  });
  it('negative n', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, n: -5 }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /n: got -5; .*>=\s*2/);
  });
  it('tEnd ≥ tStart', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, tStart: 0.5, tEnd: 0.5 }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /tEnd: got 0\.5; must be less than tStart \(0\.5\)/);
  });
  it('malformed JSON', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', '{"version": 1,'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /--spec: .* is not valid JSON/);
  });
  it('malformed .npy noise', () => {
    expectRejected((dir) => {
      writeFileSync(join(dir, 'noise.npy'), 'definitely not numpy');
      return ['sample', '--spec', writeJson(dir, 'spec.json', good), '--noise', join(dir, 'noise.npy'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'];
    }, /--noise: .*not a \.npy file/);
  });
  it('.npy noise of the wrong shape', () => {
    expectRejected((dir) => {
      writeFileSync(join(dir, 'noise.npy'), serializeNpy(new Float32Array(63 * 2), [63, 2]));
      return ['sample', '--spec', writeJson(dir, 'spec.json', good), '--noise', join(dir, 'noise.npy'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'];
    }, /--noise: .* has shape \(63, 2\); the spec needs \(n, d\) = \(64, 2\)/);
  });
  it('bad --nfe list, unknown --solvers and unknown flags', () => {
    expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', good), '--nfe', '2,x,5', '--out', join(dir, 'out.json'), '--backend', 'cpu'], /--nfe: got 'x'/);
    expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', good), '--nfe', '2,5', '--solvers', 'ddim,lms-magic', '--out', join(dir, 'out.json'), '--backend', 'cpu'], new RegExp(`--solvers: got 'lms-magic'; allowed: ${escape(allowedSolvers)}`));
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--colour', 'blue'], /unknown option --colour/);
  });
  it('--fd-reference must be an integer ≥ 2', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--backend', 'cpu', '--fd-reference', '1'], /--fd-reference: got '1'; allowed: an integer 2…/);
  });
  it('a glyphs16 spec writes (n, 256) samples and FD-RF / FD-pix with null bands in the metrics file', () => {
    const dir = scratchDir();
    const spec = { ...good, target: { type: 'glyphs16', components: 3 }, n: 16, nfe: 3 };
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', spec), '--out', join(dir, 'out.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu', '--fd-reference', '64']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const samples = parseNpy(new Uint8Array(readFileSync(join(dir, 'out.npy'))));
    expect(samples.shape).toEqual([16, 256]);
    const report = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(report.imageShape).toEqual([16, 16]);
    for (const key of ['fdRf', 'fdRfNull', 'fdPix', 'fdPixNull']) expect(report.metrics[key], key).toBeGreaterThan(0);
    expect(report.metrics.fdReferenceSamples).toBe(64);
    expect(report.metrics.fdRfVersion).toBe(1);
  });
  it('a glyphs16 sweep over 2 seeds writes fd_rf / fd_pix rows with their intervals, and an adaptive solver at its spent NFE', () => {
    const dir = scratchDir();
    const spec = { ...good, target: { type: 'glyphs16', components: 3 }, n: 16 };
    const args = ['sweep', '--spec', writeJson(dir, 'spec.json', spec), '--nfe', '2,4', '--solvers', 'ddim,rk45', '--seeds', '2', '--out', join(dir, 'out.json'), '--csv', join(dir, 'out.csv'), '--backend', 'cpu', '--fd-reference', '64'];
    const result = runCli(args);
    expect(result.status, result.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const fd = rows.filter((r) => r[0] === 'ddim' && r[2] === 'fd_rf');
    expect(fd.map((r) => Number(r[1]))).toEqual([2, 4]);
    for (const [, , , value, low, high] of fd) {
      expect(Number(low)).toBeLessThan(Number(value));
      expect(Number(high)).toBeGreaterThan(Number(value));
    }
    // rk45's points sit at the NFE its tolerances cost (two rungs of the ladder), not at the NFE asked for
    const rk45 = [...new Set(rows.filter((r) => r[0] === 'rk45').map((r) => Number(r[1])))];
    expect(rk45).toHaveLength(2);
    for (const nfe of rk45) expect(nfe).toBeGreaterThan(4);
  });
  it('a good spec on the CPU backend writes the sample file', () => {
    const dir = scratchDir();
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--backend', 'cpu']);
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'out.npy'))).toBe(true);
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
  });
  it('bad --seeds: zero, not a number, a fraction, too many', () => {
    for (const bad of ['0', 'abc', '1.5', '101', '-2x'])
      expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', good), '--nfe', '2', '--seeds', bad, '--out', join(dir, 'out.json'), '--backend', 'cpu'], new RegExp(`--seeds: got '${escape(bad)}'; allowed: an integer 1…100`));
    expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', { ...good, seed: 4294967295 }), '--nfe', '2', '--seeds', '2', '--out', join(dir, 'out.json'), '--backend', 'cpu'], /--seeds: got 2; with the spec's seed 4294967295 .* allowed: at most 1/);
  });
});

describe('stepscope sweep --seeds on the CPU backend: metrics, intervals and null bands in CSV and JSON', () => {
  it('S = 2: one CSV row per (solver, NFE, metric) with the mean and its t interval, as in the JSON', () => {
    const dir = scratchDir();
    const r = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', { ...good, seed: 3 }), '--nfe', '2,4', '--solvers', 'ddim', '--seeds', '2', '--out', join(dir, 'c.json'), '--csv', join(dir, 'c.csv'), '--backend', 'cpu']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(json.seeds).toEqual([3, 4]);
    for (const name of ['mmd2', 'energy', 'sw2', 'modeMass', 'nll']) {
      expect(json.nullBands[name].values).toHaveLength(2);
      expect(json.nullBands[name].ci95).toHaveLength(2);
    }
    const csv = readFileSync(join(dir, 'c.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('solver,nfe,metric,value,ci_low,ci_high');
    const metrics = ['mmd2', 'energy', 'rmse', 'sw2', 'mode_mass', 'nll', 'nll_ref', 'wall_ms'];
    expect(csv).toHaveLength(1 + 2 * metrics.length);
    const jsonName: Record<string, string> = { mode_mass: 'modeMass', nll_ref: 'nllReference', wall_ms: 'wallMs' };
    // t_{0.975, 1} = tan(0.475π) = 12.706: the interval is mean ± 12.706·|v₁ − v₂|/2
    const t1 = Math.tan(0.475 * Math.PI);
    for (const line of csv.slice(1)) {
      const [solver, nfe, metric, value, low, high] = line.split(',');
      expect(solver).toBe('ddim');
      const point = json.curves[0].points.find((p: { nfe: number }) => p.nfe === Number(nfe));
      const stats = point.stats[jsonName[metric] ?? metric];
      const [v1, v2] = stats.values as number[];
      const mean = (v1 + v2) / 2;
      const half = (t1 * Math.abs(v1 - v2)) / 2;
      const digits = metric === 'wall_ms' ? 2 : 10;
      expect(Number(value)).toBeCloseTo(mean, digits);
      expect(Number(low)).toBeCloseTo(mean - half, metric === 'wall_ms' ? 2 : 8);
      expect(Number(high)).toBeCloseTo(mean + half, metric === 'wall_ms' ? 2 : 8);
      expect(Number(low)).toBeLessThanOrEqual(Math.min(v1, v2) + 1e-3);
      expect(Number(high)).toBeGreaterThanOrEqual(Math.max(v1, v2) - 1e-3);
    }
  });

  it('S = 1 (the default): empty interval cells; a point-mass target at σ = 0 has empty NLL cells and null NLL in JSON', () => {
    const dir = scratchDir();
    const points = { ...good, process: { type: 'edm' }, schedule: { type: 'karras' }, tStart: undefined, tEnd: undefined, solver: { name: 'dpmpp-2m' }, target: { type: 'points', points: [[0.5, 0.2], [-0.7, 0.4]] } };
    const r = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', points), '--nfe', '4', '--solvers', 'dpmpp-2m', '--out', join(dir, 'c.json'), '--csv', join(dir, 'c.csv'), '--backend', 'cpu']);
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(dir, 'c.csv'), 'utf8').trim().split('\n');
    expect(csv.find((l) => l.startsWith('dpmpp-2m,4,nll,'))).toBe('dpmpp-2m,4,nll,,,');
    expect(csv.find((l) => l.startsWith('dpmpp-2m,4,nll_ref,'))).toBe('dpmpp-2m,4,nll_ref,,,');
    const sw2 = csv.find((l) => l.startsWith('dpmpp-2m,4,sw2,'))!.split(',');
    expect(Number(sw2[3])).toBeGreaterThan(0);
    expect(sw2.slice(4)).toEqual(['', '']);
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(json.seeds).toEqual([0]);
    expect(json.curves[0].points[0].nll).toBeNull();
    expect(json.curves[0].points[0].stats.nll).toEqual({ mean: null, ci95: null, values: [null] });
    expect(json.nullBands.nll.mean).toBeNull();
    expect(json.nullBands.sw2.ci95).toBeNull();
    expect(json.nullBands.sw2.mean).toBeGreaterThan(0);
  });

  it('sample --metrics writes the new metrics next to the old ones', () => {
    const dir = scratchDir();
    const r = runCli(['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu']);
    expect(r.status, r.stderr).toBe(0);
    const { metrics } = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    for (const key of ['mmd2', 'energy', 'rmse', 'sw2', 'modeMass', 'nll', 'nllReference']) expect(Number.isFinite(metrics[key]), key).toBe(true);
    for (const key of ['mmd2', 'energy', 'sw2', 'modeMass']) expect(Number.isFinite(metrics.nulls[key]), key).toBe(true);
  });
});
