// The claims catalogue (issue 4: "each of these is one click in the UI and one command in the CLI"): every spec is
// valid at every axis value, and the checks decide what they say (a baseline in place of the method fails them).
import { describe, expect, it } from 'vitest';
import { CLAIMS, type ClaimValues, findClaim } from './claims.ts';

const table = (metric: keyof ClaimValues[number][number], rows: number[][]): ClaimValues =>
  rows.map((row) => row.map((v) => ({ rmse: NaN, mmd2: NaN, fdRf: NaN, outside: NaN, nearest: NaN, [metric]: v })));

describe('claims catalogue', () => {
  it('has unique ids, every series gives a valid spec at every axis value, and each claim has checks', () => {
    expect(new Set(CLAIMS.map((c) => c.id)).size).toBe(CLAIMS.length);
    for (const claim of CLAIMS) {
      for (const series of claim.series) for (const x of claim.axis.values) expect(() => series.at(x), `${claim.id} · ${series.label} at ${x}`).not.toThrow();
      const flat = claim.series.map(() => claim.axis.values.map(() => ({ rmse: 1, mmd2: 1, fdRf: 1, outside: 1, nearest: 1 })));
      // on a flat table (the method no better than its baseline) no claim holds
      const checks = claim.checks(flat);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.some((c) => !c.holds), claim.id).toBe(true);
    }
  });

  it('the comparisons hold only where the method is strictly below its baseline', () => {
    const v3 = findClaim('v3-gmm');
    const good = table('rmse', [[0.2, 0.1, 0.05, 0.02], [0.3, 0.2, 0.1, 0.05], [0.3, 0.2, 0.1, 0.05]]);
    expect(v3.checks(good).every((c) => c.holds)).toBe(true);
    // DPM-Solver-v3 replaced by its baseline: equal values, so nothing is below
    const baseline = table('rmse', [[0.3, 0.2, 0.1, 0.05], [0.3, 0.2, 0.1, 0.05], [0.3, 0.2, 0.1, 0.05]]);
    expect(v3.checks(baseline).some((c) => c.holds)).toBe(false);
    // worse at 8 NFE only: exactly the two checks at NFE 8 fail
    const mixed = table('rmse', [[0.2, 0.1, 0.5, 0.02], [0.3, 0.2, 0.1, 0.05], [0.3, 0.2, 0.1, 0.05]]);
    expect(v3.checks(mixed).filter((c) => !c.holds).map((c) => c.text.slice(0, 5))).toEqual(['NFE 8', 'NFE 8']);
  });

  it('an optimum counts only when interior and clear of both ends', () => {
    const shift = findClaim('flow-shift');
    const holds = (row: number[]) => shift.checks(table('mmd2', [row, row, row]))[0].holds;
    expect(holds([0.14, 0.04, 0.023, 0.09, 0.33, 0.87])).toBe(true);
    // monotone: the best is an end point
    expect(holds([0.01, 0.02, 0.03, 0.09, 0.33, 0.87])).toBe(false);
    // a dip within a fifth of the ends is not a clear optimum
    expect(holds([0.1, 0.095, 0.09, 0.095, 0.1, 0.1])).toBe(false);
    // below the null (unbiased MMD² < 0) still counts as the optimum
    expect(holds([0.0017, -0.0009, 0.0016, 0.04, 0.17, 0.28])).toBe(true);
  });

  it('refuses an unknown id naming the allowed ones', () => {
    expect(() => findClaim('v4')).toThrow(/claim: got 'v4'; allowed: v3-gmm, boss-flow/);
  });
});
