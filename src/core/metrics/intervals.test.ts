import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile, summarize } from './intervals.ts';

describe("Student's t quantile", () => {
  it('matches the closed forms for 1, 2 and 4 degrees of freedom and the normal limit', () => {
    const p = 0.975;
    // ν = 1 (Cauchy): tan(π(p − ½)); ν = 2: (2p − 1)/√(2p(1 − p))
    expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
    expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    // ν = 4: with a = 4p(1 − p), q = cos(arccos(√a)/3)/√a, t = 2√(q − 1)
    const a = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
    expect(studentTQuantile(p, 4)).toBeCloseTo(2 * Math.sqrt(q - 1), 9);
    // large ν: the normal quantile 1.959964 (t_{0.975, 10⁶} differs from it by ~2e−6)
    expect(studentTQuantile(p, 1e6)).toBeCloseTo(1.959964, 5);
    // tabulated t_{0.975, 10} = 2.228139
    expect(studentTQuantile(p, 10)).toBeCloseTo(2.228139, 6);
  });
  it('is the inverse of the CDF and symmetric', () => {
    for (const nu of [1, 3, 7.5, 30]) {
      for (const p of [0.6, 0.9, 0.995]) expect(studentTCdf(studentTQuantile(p, nu), nu)).toBeCloseTo(p, 12);
      expect(studentTQuantile(0.025, nu)).toBeCloseTo(-studentTQuantile(0.975, nu), 12);
    }
  });
});

describe('summary over seeds', () => {
  it('gives the mean and the 95% t interval, by hand for three values', () => {
    // values 1, 2, 4: mean 7/3, s² = ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3, half-width t_{0.975,2}·√(s²/3)
    const t2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
    const half = t2 * Math.sqrt(7 / 3 / 3);
    const s = summarize([1, 2, 4]);
    expect(s.mean).toBeCloseTo(7 / 3, 14);
    expect(s.ci95![0]).toBeCloseTo(7 / 3 - half, 9);
    expect(s.ci95![1]).toBeCloseTo(7 / 3 + half, 9);
    expect(s.values).toEqual([1, 2, 4]);
  });
  it('has no interval for one seed (not a zero-width one), and none for an undefined metric', () => {
    expect(summarize([0.5])).toEqual({ mean: 0.5, ci95: null, values: [0.5] });
    expect(summarize([null, null])).toEqual({ mean: null, ci95: null, values: [null, null] });
  });
  it('refuses a metric defined for some seeds only, and non-finite values, instead of hiding them', () => {
    expect(() => summarize([1, null])).toThrow(/1 of 2 seeds/);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
  });
});
