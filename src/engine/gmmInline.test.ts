import { describe, expect, it } from 'vitest';
import { INLINE_MAX_FLOATS, inlinable, inlineGmmEval, literal } from './gmmInline.ts';

describe('generated GMM eval (gmmInline.ts)', () => {
  it('writes each f32 parameter as a literal that parses back to the same f32', () => {
    const values = Float32Array.from([0, 1, -1, 0.1, -2.0794415416798357, 1 / 3, 3.4e38, -1.2e-38, 7.5e-6, 123456.789]);
    for (const v of values) {
      const text = literal(v).replace(/^\((.*)\)$/, '$1');
      expect(Math.fround(Number(text)), text).toBe(v);
    }
    // a negative value is parenthesised, so that `a * (−c)` stays one product
    expect(literal(Math.fround(-0.5))).toBe('(-0.500000000)');
  });

  it('inlines small finite mixtures only: d ≤ 4, few floats, no subnormal (left to the generic kernel)', () => {
    const ring = new Float32Array(72).fill(0.5);
    expect(inlinable(ring, 2)).toBe(true);
    expect(inlinable(new Float32Array(5 * (1 + 10 + 25)).fill(0.5), 5)).toBe(false);
    expect(inlinable(new Float32Array(INLINE_MAX_FLOATS + 9).fill(0.5), 2)).toBe(false);
    expect(inlinable(Float32Array.from([...ring.subarray(1), Number.NEGATIVE_INFINITY]), 2)).toBe(false);
    expect(inlinable(Float32Array.from([...ring.subarray(1), 1e-40]), 2)).toBe(false);
    expect(() => inlineGmmEval(new Float32Array(5 * 36), 5)).toThrow(/not inlined/);
  });

  it('unrolls every component: one block and every parameter of each', () => {
    // two 2-D components [log π, μ (2), U (4), e (2)] with distinct values, so each appears in the code
    const packed = Float32Array.from({ length: 18 }, (_, i) => (i + 1) / 8);
    const code = inlineGmmEval(packed, 2);
    expect(code.match(/\/\/ component \d+/g)).toEqual(['// component 0', '// component 1']);
    for (const v of packed) expect(code).toContain(literal(v));
    expect(code).not.toContain('mixture[');
  });
});
