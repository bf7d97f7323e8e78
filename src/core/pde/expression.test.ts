import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate, parseExpression } from './expression.ts';
import { expressionField, gaussianField } from './fields.ts';

const value = (text: string, values: Record<string, number> = {}) => evaluate(parseExpression(text, Object.keys(values)), values);

describe('initial-condition expressions: a parser and an AST evaluator, never eval', () => {
  it('precedence, associativity, unary minus, powers, functions and constants', () => {
    expect(value('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(value('2 ^ 3 ^ 2')).toBe(512); // right-associative
    expect(value('-2 ^ 2')).toBe(-4); // −(2²), as in mathematics
    expect(value('2 * -x', { x: 3 })).toBe(-6);
    expect(value('cos(pi) + exp(0) + max(1, 2) + sech(0)')).toBeCloseTo(3, 15);
    expect(value('1.5e-3 * 2e3')).toBeCloseTo(3, 15);
    expect(value('cos(x/16)*(1+sin(x/16))', { x: 5 })).toBeCloseTo(Math.cos(5 / 16) * (1 + Math.sin(5 / 16)), 15);
  });

  it('refuses what it does not know, naming the position and what is allowed', () => {
    const message = (text: string) => {
      try {
        parseExpression(text, ['x']);
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionError);
        return (error as Error).message;
      }
      throw new Error('expected a parse error');
    };
    expect(message('alert(1)')).toMatch(/^unknown function 'alert' at position 1; allowed: sin, cos/);
    expect(message('x + window')).toMatch(/^unknown name 'window' at position 5; allowed: x, pi, e and the functions/);
    expect(message('sin(x')).toBe("expected ')' at position 6");
    expect(message('x;')).toBe("unexpected character ';' at position 2");
    expect(message('1 +')).toBe('unexpected end of the expression');
    expect(message('max(x)')).toBe('max takes 2 arguments, got 1');
    expect(message('(x) (x)')).toBe("unexpected '(' at position 5");
  });

  it('builds fields: expressions per channel (re, im for complex fields) and periodic Gaussian blobs', () => {
    const grid = { n: [8, 4], length: [2, 1] };
    const u = expressionField(grid, false, ['x + 10*y', 'nu'], { nu: 0.5 });
    // point (ix = 3, iy = 2): x = 0.75, y = 0.5 at index 2·8 + 3
    expect(u[2 * 19]).toBeCloseTo(5.75, 14);
    expect(u[2 * (32 + 19)]).toBe(0.5);
    const psi = expressionField({ n: [4], length: [4] }, true, ['x', '-x'], {});
    expect(Array.from(psi)).toEqual([0, -0, 1, -1, 2, -2, 3, -3]);
    const g = gaussianField({ n: [8], length: [8] }, 2, [{ center: [7], width: 1, amplitude: 2, channel: 1 }], [1, 0]);
    // channel 1 at x = 0 is at periodic distance 1 from the centre 7
    expect(g[2 * 8]).toBeCloseTo(2 * Math.exp(-0.5), 15);
    expect(g[0]).toBe(1);
  });
});
