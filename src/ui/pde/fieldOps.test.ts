import { describe, expect, it } from 'vitest';
import { applyBrush, fieldStatsOf, statsRange } from './fieldOps.ts';

describe('PDE lab field operations', () => {
  const grid = { n: [8, 8], length: [1, 1] };
  const flat = (channels: number, value: number) => {
    const f = new Float64Array(2 * channels * 64);
    for (let i = 0; i < channels * 64; i++) f[2 * i] = value;
    return f;
  };

  it('replace sets a periodic disk of the chosen channel; add adds; smooth peaks at the centre', () => {
    const f = flat(2, 1);
    // centre at the corner: the disk wraps around all four edges
    const touched = applyBrush(f, grid, { center: [0, 0], radius: 0.13, value: 5, mode: 'replace', channel: 1 });
    expect(touched).toBe(5); // (0,0) and its four neighbours at distance 1/8
    expect(f[2 * 64]).toBe(5);
    expect(f[2 * (64 + 7)]).toBe(5); // x = 7/8 wraps to distance 1/8
    expect(f[0]).toBe(1); // channel 0 untouched
    applyBrush(f, grid, { center: [0, 0], radius: 0.01, value: 2, mode: 'add', channel: 1 });
    expect(f[2 * 64]).toBe(7);
    const g = flat(1, 0);
    applyBrush(g, grid, { center: [0.5, 0.5], radius: 0.3, value: 1, mode: 'smooth', channel: 0 });
    expect(g[2 * (4 * 8 + 4)]).toBeCloseTo(1, 12);
    expect(g[2 * (4 * 8 + 5)]).toBeGreaterThan(0);
    expect(g[2 * (4 * 8 + 5)]).toBeLessThan(1);
  });

  it('statistics match their definitions, and a constant field still gets a visible range', () => {
    const f = flat(1, 0);
    f[0] = 3;
    f[1] = 4; // |u| = 5 at one point
    f[2] = -1;
    const s = fieldStatsOf(f, 1);
    expect(s.min).toEqual([-1]);
    expect(s.max).toEqual([3]);
    expect(s.mean[0]).toBeCloseTo(2 / 64, 15);
    expect(s.meanSquare[0]).toBeCloseTo(26 / 64, 15);
    expect(s.maxAbs).toEqual([5]);
    expect(statsRange(fieldStatsOf(flat(1, 2), 1), 0, false)).toEqual([1.5, 2.5]);
    expect(statsRange(s, 0, true)).toEqual([0, 5]);
  });
});
