// The lane kernel's straight-line DFT programs (fftCodelet.ts), run in float64 by their own interpreter against a
// naive DFT with exactly reduced phases: at every length the lane kernel uses (2 … 1024 as single codelets, though
// the kernel itself only writes up to LANE_SINGLE_MAX = 32 in one piece and splits longer lines), the program must
// be the DFT to float64 round-off (the twiddle literals are rounded to f32 only in WGSL). The WGSL text itself is
// checked on the device by fft.gpu.test.ts.

import { describe, expect, it } from 'vitest';
import { codeletWgsl, dftCodelet, evaluateCodelet, laneProgram, laneSplit } from './fftCodelet.ts';

function naiveDft(x: [number, number][]): [number, number][] {
  const n = x.length;
  return x.map((_, k) => {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const phase = (-2 * Math.PI * ((j * k) % n)) / n;
      re += x[j][0] * Math.cos(phase) - x[j][1] * Math.sin(phase);
      im += x[j][0] * Math.sin(phase) + x[j][1] * Math.cos(phase);
    }
    return [re, im];
  });
}

describe('dftCodelet', () => {
  for (let n = 1; n <= 1024; n *= 2) {
    it(`n = ${n}: the program is the DFT (float64), every value defined before use, one WGSL statement per operation`, () => {
      const names = Array.from({ length: n }, (_, j) => `x${j}`);
      const codelet = dftCodelet(names);
      let seed = n;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
      const x = names.map(() => [rand(), rand()] as [number, number]);
      const got = evaluateCodelet(codelet, new Map(names.map((name, j) => [name, x[j]])));
      const want = naiveDft(x);
      const scale = Math.max(...want.map(([re, im]) => Math.hypot(re, im)));
      const error = Math.max(...got.map(([re, im], k) => Math.hypot(re - want[k][0], im - want[k][1])));
      expect(error / scale).toBeLessThan(1e-13);
      expect(codelet.outputs).toHaveLength(n);
      const wgsl = codeletWgsl(codelet);
      expect(wgsl).toHaveLength(codelet.ops.length);
      for (const line of wgsl) expect(line).toMatch(/^let v\d+ = .+;$/);
    });
  }
});

describe('laneProgram', () => {
  it('reads every x_j and writes every X_k exactly once; longer lines split n1·n2 with n1 ≤ n2', () => {
    for (let n = 2; n <= 1024; n *= 2) {
      const loads: string[] = [];
      const stores: string[] = [];
      const body = laneProgram(
        n,
        (j) => {
          loads.push(j);
          return `L(${j})`;
        },
        (k, v) => {
          stores.push(k);
          return `S(${k}, ${v});`;
        },
      );
      if (n <= 32) {
        // one codelet: loads and stores at literal indices 0 … n−1
        expect(loads).toEqual(Array.from({ length: n }, (_, j) => `${j}u`));
        expect(stores).toEqual(Array.from({ length: n }, (_, k) => `${k}u`));
      } else {
        const [n1, n2] = laneSplit(n);
        expect(n1 * n2).toBe(n);
        expect(n1).toBeLessThanOrEqual(n2);
        // inside loops over j2 < n2 and k1 < n1: x[j2 + j1·n2] for each j1, X[k1 + n1·k2] for each k2
        expect(loads).toEqual(Array.from({ length: n1 }, (_, j1) => `j2 + ${j1 * n2}u`));
        expect(stores).toEqual(Array.from({ length: n2 }, (_, k2) => `k1 + ${n1 * k2}u`));
        expect(body).toContain(`for (var j2 = 0u; j2 < ${n2}u; j2 = j2 + 1u) {`);
        expect(body).toContain(`for (var k1 = 0u; k1 < ${n1}u; k1 = k1 + 1u) {`);
      }
    }
  });
});
