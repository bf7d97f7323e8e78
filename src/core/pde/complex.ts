// Small float64 complex arithmetic on [re, im] pairs, for coefficient precompute (not for hot loops).
import type { Complex } from './types.ts';

export const cadd = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
export const csub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
export const cmul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
export const cscale = (a: Complex, s: number): Complex => [a[0] * s, a[1] * s];
export function cdiv(a: Complex, b: Complex): Complex {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}
export function cexp(a: Complex): Complex {
  const m = Math.exp(a[0]);
  return [m * Math.cos(a[1]), m * Math.sin(a[1])];
}
/** (i·x)^p for real x: the Fourier multiplier of the p-th derivative */
export function ipow(x: number, p: number): Complex {
  const m = x ** p;
  switch (((p % 4) + 4) % 4) {
    case 0:
      return [m, 0];
    case 1:
      return [0, m];
    case 2:
      return [-m, 0];
    default:
      return [0, -m];
  }
}
