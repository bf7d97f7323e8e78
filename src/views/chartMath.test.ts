import { describe, expect, it } from 'vitest';
import { bandOutline, horizontalBand, logLogSlope, polygonPath, tailSlope } from './chartMath.ts';

describe('logLogSlope', () => {
  it('recovers the exponent of an exact power law', () => {
    const points = [4, 8, 16, 32].map((nfe) => ({ nfe, value: 3 * nfe ** -2 }));
    expect(logLogSlope(points)).toBeCloseTo(-2, 12);
  });

  it('is the least-squares slope, not the end-point secant', () => {
    // log-values 0, 1, 0 at log-NFEs 0, 1, 2: least squares gives 0, the secant also 0; shift the middle
    const e = Math.E;
    const points = [
      { nfe: 1, value: 1 },
      { nfe: e, value: e },
      { nfe: e * e, value: e },
    ];
    // x = 0, 1, 2; y = 0, 1, 1 → slope = Σ(x−1)(y−2/3)/Σ(x−1)² = (2/3 + 1/3)/2 = 0.5
    expect(logLogSlope(points)).toBeCloseTo(0.5, 12);
  });

  it('has no slope without two usable points or with one NFE', () => {
    expect(logLogSlope([{ nfe: 5, value: 1 }])).toBeNull();
    expect(logLogSlope([{ nfe: 5, value: 1 }, { nfe: 10, value: -1 }])).toBeNull();
    expect(logLogSlope([{ nfe: 5, value: 1 }, { nfe: 5, value: 2 }])).toBeNull();
  });
});

describe('tailSlope', () => {
  it('fits the last three points by NFE, whatever their order', () => {
    // order 1 at small NFE, order 3 in the tail
    const points = [
      { nfe: 50, value: 50 ** -3 },
      { nfe: 2, value: 0.5 },
      { nfe: 20, value: 20 ** -3 },
      { nfe: 3, value: 0.3 },
      { nfe: 30, value: 30 ** -3 },
    ];
    const fit = tailSlope(points);
    expect(fit).not.toBeNull();
    expect(fit!.slope).toBeCloseTo(-3, 10);
    expect(fit!.nfes).toEqual([20, 30, 50]);
  });

  it('leaves out points at or below the noise threshold', () => {
    const points = [5, 10, 20, 40].map((nfe) => ({ nfe, value: nfe ** -1 }));
    points.push({ nfe: 80, value: -1e-4 });
    const fit = tailSlope(points, 3, 0);
    expect(fit!.nfes).toEqual([10, 20, 40]);
    expect(fit!.slope).toBeCloseTo(-1, 10);
    // a threshold above 1/20 leaves two points: no fit
    expect(tailSlope(points, 3, 0.06)).toBeNull();
  });
});

describe('bandOutline', () => {
  const xOf = (nfe: number) => nfe * 10;
  const yOf = (v: number) => 100 - v; // larger values higher up (smaller pixel y), as on a chart

  it('goes along the upper edge, then back along the lower edge, and contains each mean', () => {
    const points = [
      { nfe: 3, low: 4, high: 6 },
      { nfe: 1, low: 8, high: 12 },
      { nfe: 2, low: 5, high: 9 },
    ];
    const outline = bandOutline(points, xOf, yOf);
    expect(outline).toEqual([
      [10, 88],
      [20, 91],
      [30, 94],
      [30, 96],
      [20, 95],
      [10, 92],
    ]);
    // the means (10, 7, 5) lie between the edges at their x
    for (const [nfe, mean] of [
      [1, 10],
      [2, 7],
      [3, 5],
    ]) {
      const at = outline.filter(([x]) => x === xOf(nfe)).map(([, y]) => y);
      expect(Math.min(...at)).toBeLessThanOrEqual(yOf(mean));
      expect(Math.max(...at)).toBeGreaterThanOrEqual(yOf(mean));
    }
  });

  it('orders swapped limits and skips points without an interval', () => {
    const outline = bandOutline(
      [
        { nfe: 1, low: 12, high: 8 },
        { nfe: 2, low: Number.NaN, high: 1 },
        { nfe: 3, low: 4, high: 6 },
      ],
      xOf,
      yOf,
    );
    expect(outline).toEqual([
      [10, 88],
      [30, 94],
      [30, 96],
      [10, 92],
    ]);
  });

  it('maps the lower edge with its own function when given one', () => {
    const bottom = (v: number) => (v > 0 ? yOf(v) : 100);
    expect(bandOutline([{ nfe: 1, low: -2, high: 2 }, { nfe: 2, low: 1, high: 3 }], xOf, yOf, bottom)).toEqual([
      [10, 98],
      [20, 97],
      [20, 99],
      [10, 100],
    ]);
  });

  it('has no area with fewer than two intervals', () => {
    expect(bandOutline([{ nfe: 1, low: 1, high: 2 }], xOf, yOf)).toEqual([]);
    expect(polygonPath([])).toBe('');
    expect(polygonPath([
      [0, 1],
      [2, 3],
    ])).toBe('M0.00,1.00L2.00,3.00Z');
  });
});

describe('horizontalBand', () => {
  const yOf = (v: number) => 100 - 10 * Math.log10(v); // a log axis, 10 px per decade

  it('spans low … high when both are on the axis', () => {
    expect(horizontalBand(1e-2, 1, 1e-4, 10, yOf)).toEqual({ top: 100, bottom: 120 });
  });

  it('reaches the bottom edge when the low end is ≤ 0 (an unbiased null centred on 0)', () => {
    expect(horizontalBand(-0.5, 1, 1e-4, 10, yOf)).toEqual({ top: 100, bottom: 140 });
  });

  it('is clipped at the top, and absent when entirely below the axis', () => {
    expect(horizontalBand(1, 1e3, 1e-4, 10, yOf)).toEqual({ top: 90, bottom: 100 });
    expect(horizontalBand(-1, -0.5, 1e-4, 10, yOf)).toBeNull();
    expect(horizontalBand(1e-6, 1e-5, 1e-4, 10, yOf)).toBeNull();
  });
});
