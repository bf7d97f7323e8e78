// Straight-line WGSL for one complex DFT of a fixed length n (a power of two ≤ 1024), for the FFT's lane kernel
// (shaders/spectral/fft_lane.wgsl, gpuFft.ts LINE_PROFILES.software): one invocation transforms a whole line held
// in its own values, with no workgroup memory, no barriers and no twiddle loads. The program is a recursive
// decimation-in-time Cooley–Tukey (radix 8, with a radix-4 or radix-2 step where log2 n is not a multiple of 3)
// in which every twiddle is a literal: W_n^e from the float64 table (src/core/pde/fftTwiddles.ts) rounded to f32
// by the WGSL compiler, and the eighth roots 1, ±i, (±1 ± i)/√2 applied without a general complex multiply.
//
// Why this shape on a software adapter: SwiftShader runs an invocation as one lane of a SIMD-4 group on a CPU
// core; every load or store whose address differs per lane becomes four scalar accesses with bounds checks,
// while arithmetic on values is one SSE instruction for four lanes. The workgroup-memory Stockham kernel makes
// about 12 such accesses per point per axis (load, 3 passes × (read, write, twiddles), store); this program
// makes 2 (the line's load and store). It is not meant for hardware GPUs (a 512-point line per invocation would
// spill their registers); they keep fft_lines.wgsl.

import { twiddleTable } from '../../core/pde/fftTwiddles.ts';

/** one statement: `out` = an operation on earlier values (vec2<f32> = re, im) */
export type CodeletOp =
  | { out: string; op: 'add' | 'sub'; a: string; b: string }
  | { out: string; op: 'neg'; a: string }
  /** a · (re, im), a constant */
  | { out: string; op: 'mul'; a: string; re: number; im: number };

/** a straight-line program: its operations in order, then the names holding the outputs X_0 … X_{n−1} */
export interface Codelet {
  ops: CodeletOp[];
  outputs: string[];
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/**
 * The forward DFT X_k = Σ_j x_j W_n^{jk}, W_n = e^{−2πi/n}, of the values named `inputs`, as operations declaring
 * values named `${prefix}<number>`.
 */
export function dftCodelet(inputs: readonly string[], prefix = 'v'): Codelet {
  const n = inputs.length;
  if (!isPowerOfTwo(n) || n > 1024) throw new Error(`dftCodelet: length must be a power of two ≤ 1024, got ${n}`);
  const ops: CodeletOp[] = [];
  let count = 0;
  const name = () => `${prefix}${count++}`;
  const add = (a: string, b: string) => {
    const out = name();
    ops.push({ out, op: 'add', a, b });
    return out;
  };
  const sub = (a: string, b: string) => {
    const out = name();
    ops.push({ out, op: 'sub', a, b });
    return out;
  };
  const mul = (a: string, re: number, im: number) => {
    const out = name();
    ops.push({ out, op: 'mul', a, re, im });
    return out;
  };
  const neg = (a: string) => {
    const out = name();
    ops.push({ out, op: 'neg', a });
    return out;
  };
  const h = Math.SQRT1_2;
  const table = twiddleTable(n);
  /** a · W_8^m (exact eighth roots: W_8^2 = −i, W_8^4 = −1, W_8^1 = h(1 − i), …) */
  const eighth = (a: string, m: number): string => {
    switch (m & 7) {
      case 0:
        return a;
      case 2:
        return mul(a, 0, -1);
      case 4:
        return neg(a);
      case 6:
        return mul(a, 0, 1);
      default:
        return mul(a, m === 1 || m === 7 ? h : -h, m === 1 || m === 3 ? -h : h);
    }
  };
  /** a · W_n^e */
  const twiddle = (a: string, e: number): string => {
    e %= n;
    if ((8 * e) % n === 0) return eighth(a, (8 * e) / n);
    return mul(a, table[2 * e], table[2 * e + 1]);
  };

  /** the r-point DFT (r = 1, 2, 4, 8) of values already multiplied by their twiddles */
  const small = (a: readonly string[]): string[] => {
    switch (a.length) {
      case 1:
        return [a[0]];
      case 2:
        return [add(a[0], a[1]), sub(a[0], a[1])];
      case 4: {
        const s02 = add(a[0], a[2]);
        const d02 = sub(a[0], a[2]);
        const s13 = add(a[1], a[3]);
        const md13 = mul(sub(a[1], a[3]), 0, -1);
        return [add(s02, s13), add(d02, md13), sub(s02, s13), sub(d02, md13)];
      }
      case 8: {
        // even and odd 4-point DFTs, X_m = E_m + W_8^m O_m, X_{m+4} = E_m − W_8^m O_m
        const [e0, e1, e2, e3] = small([a[0], a[2], a[4], a[6]]);
        const [o0, o1, o2, o3] = small([a[1], a[3], a[5], a[7]]);
        const w1 = eighth(o1, 1);
        const w2 = eighth(o2, 2);
        const w3 = eighth(o3, 3);
        return [add(e0, o0), add(e1, w1), add(e2, w2), add(e3, w3), sub(e0, o0), sub(e1, w1), sub(e2, w2), sub(e3, w3)];
      }
      default:
        throw new Error(`no ${a.length}-point butterfly`);
    }
  };

  /** DIT: r interleaved sub-DFTs of length m = len/r, twiddled, then m r-point butterflies */
  const dft = (x: readonly string[]): string[] => {
    const len = x.length;
    if (len <= 8) return small(x);
    const r = len === 16 || len === 32 ? 4 : 8;
    const m = len / r;
    const subs = Array.from({ length: r }, (_, q) => dft(x.filter((_, j) => j % r === q)));
    const out: string[] = new Array(len);
    const stride = n / len; // W_len^{qk} = W_n^{qk·n/len}
    for (let k = 0; k < m; k++) {
      const y = small(subs.map((s, q) => twiddle(s[k], q * k * stride)));
      for (let s = 0; s < r; s++) out[k + m * s] = y[s];
    }
    return out;
  };

  return { ops, outputs: dft(inputs) };
}

/** f32 literal of a float64 value (9 significant digits round-trip an f32) */
function literal(v: number): string {
  const f = Math.fround(v);
  if (f === 0) return '0.0';
  const s = f.toPrecision(9);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** the codelet as WGSL `let` statements over vec2<f32> values */
export function codeletWgsl(codelet: Codelet): string[] {
  return codelet.ops.map((o) => {
    switch (o.op) {
      case 'add':
        return `let ${o.out} = ${o.a} + ${o.b};`;
      case 'sub':
        return `let ${o.out} = ${o.a} - ${o.b};`;
      case 'neg':
        return `let ${o.out} = -${o.a};`;
      case 'mul': {
        const a = o.a;
        if (o.re === 0) return o.im === 1 ? `let ${o.out} = vec2<f32>(-${a}.y, ${a}.x);` : `let ${o.out} = vec2<f32>(${a}.y, -${a}.x);`;
        if (Math.abs(o.re) === Math.abs(o.im)) {
          // a · h (s_r + i s_i), s = ±1: h · (s_r x − s_i y, s_i x + s_r y)
          const h = literal(Math.abs(o.re));
          const sr = Math.sign(o.re);
          const si = Math.sign(o.im);
          const re = `${sr > 0 ? '' : '-'}${a}.x ${si > 0 ? '-' : '+'} ${a}.y`;
          const im = `${si > 0 ? '' : '-'}${a}.x ${sr > 0 ? '+' : '-'} ${a}.y`;
          return `let ${o.out} = ${h} * vec2<f32>(${re}, ${im});`;
        }
        const c = literal(o.re);
        const s = literal(o.im);
        return `let ${o.out} = vec2<f32>(${a}.x * ${c} - ${a}.y * ${s}, ${a}.x * ${s} + ${a}.y * ${c});`;
      }
    }
  });
}

/** runs the codelet in float64 on complex inputs [re, im] (for tests) */
export function evaluateCodelet(codelet: Codelet, inputs: ReadonlyMap<string, readonly [number, number]>): [number, number][] {
  const values = new Map<string, readonly [number, number]>(inputs);
  const get = (k: string) => {
    const v = values.get(k);
    if (!v) throw new Error(`codelet reads ${k} before it is defined`);
    return v;
  };
  for (const o of codelet.ops) {
    const [x, y] = get(o.a);
    switch (o.op) {
      case 'add':
      case 'sub': {
        const [u, w] = get(o.b);
        values.set(o.out, o.op === 'add' ? [x + u, y + w] : [x - u, y - w]);
        break;
      }
      case 'neg':
        values.set(o.out, [-x, -y]);
        break;
      case 'mul':
        values.set(o.out, [x * o.re - y * o.im, x * o.im + y * o.re]);
        break;
    }
  }
  return codelet.outputs.map((k) => [...get(k)] as [number, number]);
}

/** the longest line the lane kernel transforms in values alone; longer lines go through a private array */
export const LANE_SINGLE_MAX = 32;

/**
 * How laneProgram splits a longer line, n = n1·n2: n1 = 8 up to 512 (8×8 … 8×64), 32×32 for 1024. Measured on
 * SwiftShader (worker CPU per 2D forward + inverse pair): 512² 39–44 ms with 8×64 against 47–51 with 16×32 and
 * 49–56 with 32×16; 256² 10.6 (8×32) against 11.9 (16×16); 1024² 180 ms with 32×32 against 198 (16×64) and
 * 248 (8×128: a 128-point program holds too many values at once).
 */
export function laneSplit(n: number): [number, number] {
  const n1 = n >= 1024 ? 32 : 8;
  return [n1, n / n1];
}

/**
 * The body of the lane kernel for lines of length n: WGSL statements that read x_j with `load(j)` (an expression
 * of the WGSL u32 expression j) and write X_k with `store(k, value)` (a statement).
 * - n ≤ LANE_SINGLE_MAX: one codelet over the n loaded values.
 * - Longer n = n1·n2: a four-step within the invocation through a private array s of n values (on SwiftShader a
 *   private array costs about half as much per access as workgroup memory, and needs no barrier). A loop over
 *   j2 < n2 loads x[j1 n2 + j2] (j1 < n1), takes their n1-point DFT, multiplies output k1 by W_n^{j2 k1} and
 *   writes it to s[k1 n2 + j2]; a loop over k1 < n1 takes the n2-point DFT of s[k1 n2 + ·] and stores it at
 *   X[k1 + n1 k2]. Each value is read and written once in global memory and once in the private array.
 *   The twiddles W_n^{j2 k1}: W_n^{j2 2^i} for 2^i < n1 read from the float64-built table `twiddles` (T/n =
 *   p.tw_stride apart), the others their products by the bits of k1 (at most log2(n1) − 1 products deep).
 */
export function laneProgram(n: number, load: (j: string) => string, store: (k: string, value: string) => string): string[] {
  if (n <= LANE_SINGLE_MAX) {
    const inputs = Array.from({ length: n }, (_, j) => `x${j}`);
    const codelet = dftCodelet(inputs);
    return [...inputs.map((x, j) => `let ${x} = ${load(`${j}u`)};`), ...codeletWgsl(codelet), ...codelet.outputs.map((y, k) => store(`${k}u`, y))];
  }
  const [n1, n2] = laneSplit(n);
  const inputs1 = Array.from({ length: n1 }, (_, j) => `x${j}`);
  const first = dftCodelet(inputs1);
  const inputs2 = Array.from({ length: n2 }, (_, j) => `x${j}`);
  const second = dftCodelet(inputs2);
  const indent = (lines: string[]) => lines.map((l) => `  ${l}`);
  const twiddles: string[] = [];
  for (let k = 1; k < n1; k++) {
    const low = k & -k;
    twiddles.push(k === low ? `let w${k} = twiddles[((j2 * ${k}u) & ${n - 1}u) * p.tw_stride];` : `let w${k} = cmul(w${k - low}, w${low});`);
  }
  return [
    `var s: array<vec2<f32>, ${n}>;`,
    `for (var j2 = 0u; j2 < ${n2}u; j2 = j2 + 1u) {`,
    ...indent(inputs1.map((x, j1) => `let ${x} = ${load(`j2 + ${j1 * n2}u`)};`)),
    ...indent(codeletWgsl(first)),
    ...indent(twiddles),
    ...indent(first.outputs.map((y, k1) => `s[${k1 * n2}u + j2] = ${k1 === 0 ? y : `cmul(${y}, w${k1})`};`)),
    '}',
    `for (var k1 = 0u; k1 < ${n1}u; k1 = k1 + 1u) {`,
    `  let base = k1 * ${n2}u;`,
    ...indent(inputs2.map((x, j2) => `let ${x} = s[base + ${j2}u];`)),
    ...indent(codeletWgsl(second)),
    ...indent(second.outputs.map((y, k2) => store(`k1 + ${n1 * k2}u`, y))),
    '}',
  ];
}
