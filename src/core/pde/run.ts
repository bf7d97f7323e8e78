// The float64 CPU path (issue #5 "--backend cpu"; specs/pde.md §9.4): the oracle for every GPU test and the
// fallback without WebGPU. A `PdeProblem` is everything both paths need, computed once in float64: the
// linear symbol, the stepper program and its coefficients, the nonlinear term's multipliers with the dealias
// mask folded in. `CpuPdeSolver` interprets the program; the state stays in spectral space.

import { fftNd } from './fft.ts';
import { fftShape, gridPoints, gridSize, dealiasMask, waveVectors } from './grid.ts';
import { resolveParams } from './equations.ts';
import { type CoefficientMode, type StepperName, stepperProgram } from './steppers.ts';
import type { Equation, Grid, NonlinearTerm, Params, StepperOp, StepperProgram } from './types.ts';

export interface PdeSetup {
  equation: Equation;
  params?: Params;
  grid: Grid;
  stepper: StepperName;
  dt: number;
  coefficients?: CoefficientMode;
}

export interface PdeProblem {
  equation: Equation;
  params: Params;
  grid: Grid;
  stepper: StepperName;
  dt: number;
  channels: number;
  /** points (= wavenumbers) per channel */
  size: number;
  /** L per [channel][k], interleaved complex */
  symbol: Float64Array;
  program: StepperProgram;
  nonlinear?: NonlinearTerm;
  /** per input / output: its multiplier × dealias mask, [k] interleaved complex */
  inputMultipliers: Float64Array[];
  outputMultipliers: Float64Array[];
  /**
   * for real fields: the storage index of −k for every k. A real field's spectrum is Hermitian, v̂(−k) = conj v̂(k);
   * round-off adds an anti-Hermitian part (an imaginary physical field) that the nonlinear term never sees but
   * that L amplifies wherever Re L > 0 (Allen–Cahn's k = 0, KS's k < 1: e^{70} × 1e-16 by t = 70), until it
   * leaks into the real part. Every step therefore ends with the Hermitian projection ½(v̂(k) + conj v̂(−k)).
   */
  mirror?: Uint32Array;
}

/** the storage index of −k for every k (per axis j → (n − j) mod n) */
export function mirrorIndices(grid: Grid): Uint32Array {
  const size = gridSize(grid);
  const out = new Uint32Array(size);
  const strides = grid.n.map((_, axis) => grid.n.slice(0, axis).reduce((a, b) => a * b, 1));
  for (let i = 0; i < size; i++) {
    let mirrored = 0;
    grid.n.forEach((n, axis) => {
      const j = Math.floor(i / strides[axis]) % n;
      mirrored += ((n - j) % n) * strides[axis];
    });
    out[i] = mirrored;
  }
  return out;
}

export function preparePdeProblem(setup: PdeSetup): PdeProblem {
  const { equation, grid, dt } = setup;
  // the pointwise formulas also see the box lengths, as Lx and Ly (Ly = 0 in 1D): types.ts NonlinearTerm
  const params = { ...resolveParams(equation, setup.params), Lx: grid.length[0], Ly: grid.length[1] ?? 0 };
  const size = gridSize(grid);
  const channels = equation.channels.length;
  const waves = waveVectors(grid);
  const symbol = new Float64Array(2 * channels * size);
  waves.forEach((w, i) => {
    equation.linear(w, params).forEach(([re, im], c) => {
      symbol[2 * (c * size + i)] = re;
      symbol[2 * (c * size + i) + 1] = im;
    });
  });
  const nonlinear = equation.nonlinear?.(grid.n.length);
  const mask = nonlinear ? dealiasMask(grid, nonlinear.dealias) : undefined;
  const multipliers = (terms: NonlinearTerm['inputs']) =>
    terms.map(({ multiplier }) => {
      const out = new Float64Array(2 * size);
      waves.forEach((w, i) => {
        const [re, im] = multiplier(w, params);
        out[2 * i] = re * mask![i];
        out[2 * i + 1] = im * mask![i];
      });
      return out;
    });
  return {
    equation,
    params,
    grid,
    stepper: setup.stepper,
    dt,
    channels,
    size,
    symbol,
    program: stepperProgram(setup.stepper, symbol, dt, setup.coefficients),
    nonlinear,
    inputMultipliers: nonlinear ? multipliers(nonlinear.inputs) : [],
    outputMultipliers: nonlinear ? multipliers(nonlinear.outputs) : [],
    mirror: equation.complexField ? undefined : mirrorIndices(grid),
  };
}

/** the largest finite float32: where the GPU path's values overflow, and where both watchdogs stop a run */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A run stopped at its first non-finite value (issue #5 "bad input"; issue #10 divergence watchdog). */
export class PdeDivergence extends Error {
  constructor(
    readonly step: number,
    readonly time: number,
    readonly stepper: string,
    readonly dt: number,
  ) {
    super(
      `the solution became non-finite at step ${step} (t = ${time.toPrecision(6)}) with ${stepper} at dt = ${dt}: ` +
        'the time step is beyond the stepper\'s stability limit. Try a smaller dt, or a stiff stepper (etdrk4, imex-euler, sbdf2).',
    );
    this.name = 'PdeDivergence';
  }
}

export class CpuPdeSolver {
  readonly problem: PdeProblem;
  private readonly registers = new Map<string, Float64Array>();
  private readonly points: number[][];
  /** work arrays, allocated once: the combine's sum, and the nonlinear term's physical inputs and outputs */
  private readonly combineScratch: Float64Array;
  private readonly inputScratch: Float64Array[];
  private readonly outputScratch: Float64Array[];
  /** completed steps */
  steps = 0;

  constructor(problem: PdeProblem, initialPhysical: Float64Array) {
    this.problem = problem;
    const length = 2 * problem.channels * problem.size;
    if (initialPhysical.length !== length) throw new Error(`initial state: expected ${length} numbers, got ${initialPhysical.length}`);
    for (const name of problem.program.registers) this.registers.set(name, new Float64Array(length));
    const v = this.registers.get('v')!;
    v.set(initialPhysical);
    if (!problem.equation.complexField) for (let i = 1; i < length; i += 2) v[i] = 0;
    fftNd(v, fftShape(problem.grid), false, problem.channels);
    this.points = problem.nonlinear ? gridPoints(problem.grid) : [];
    this.combineScratch = new Float64Array(length);
    this.inputScratch = (problem.nonlinear?.inputs ?? []).map(() => new Float64Array(2 * problem.size));
    this.outputScratch = (problem.nonlinear?.outputs ?? []).map(() => new Float64Array(2 * problem.size));
  }

  get time(): number {
    return this.steps * this.problem.dt;
  }

  /** the spectral state (a copy) */
  spectrum(): Float64Array {
    return this.registers.get('v')!.slice();
  }

  /** the physical state [channel][…] interleaved complex (imaginary parts ≈ 0 for real fields) */
  physical(): Float64Array {
    const out = this.spectrum();
    fftNd(out, fftShape(this.problem.grid), true, this.problem.channels);
    return out;
  }

  /** advances `count` steps; throws PdeDivergence at the first step whose state is not finite in float32 */
  advance(count = 1): void {
    for (let s = 0; s < count; s++) {
      const ops = this.steps === 0 ? this.problem.program.first : this.problem.program.step;
      for (const op of ops) this.apply(op);
      this.steps++;
      const v = this.registers.get('v')!;
      if (this.problem.mirror) hermitianProjection(v, this.problem.mirror, this.problem.channels);
      // NaN, ±∞, or a coefficient beyond float32's range: the GPU's watchdog stops there (its values overflow), and a
      // float64 state far beyond it is no solution either (Cahn–Hilliard's u⁴ free energy overflows from 1e77)
      for (let i = 0; i < v.length; i++) if (!(Math.abs(v[i]) <= FLOAT32_MAX)) throw new PdeDivergence(this.steps, this.time, this.problem.stepper, this.problem.dt);
    }
  }

  private apply(op: StepperOp): void {
    if (op.op === 'nonlinear') this.nonlinear(this.registers.get(op.src)!, this.registers.get(op.dst)!);
    else this.combine(op);
  }

  private combine(op: Extract<StepperOp, { op: 'combine' }>): void {
    const { program } = this.problem;
    const out = this.combineScratch;
    out.fill(0);
    // one term at a time over the whole array (dst may be among the terms: the sum lands in scratch first)
    for (const { reg, coef } of op.terms) {
      const src = this.registers.get(reg)!;
      if ('array' in coef) {
        const c = program.coefficients[coef.array];
        for (let i = 0; i < out.length; i += 2) {
          out[i] += c[i] * src[i] - c[i + 1] * src[i + 1];
          out[i + 1] += c[i] * src[i + 1] + c[i + 1] * src[i];
        }
      } else {
        const [cr, ci] = coef.scalar;
        for (let i = 0; i < out.length; i += 2) {
          out[i] += cr * src[i] - ci * src[i + 1];
          out[i + 1] += cr * src[i + 1] + ci * src[i];
        }
      }
    }
    this.registers.get(op.dst)!.set(out);
  }

  /** dst = Σ_outputs m_j · FFT(pointwise(IFFT(m_i · src_channel(i)))) per channel, dealiased */
  private nonlinear(src: Float64Array, dst: Float64Array): void {
    const { nonlinear, size, grid, params, inputMultipliers, outputMultipliers } = this.problem;
    dst.fill(0);
    if (!nonlinear) return;
    const shape = fftShape(grid);
    const inputs = this.inputScratch;
    const outputs = this.outputScratch;
    nonlinear.inputs.forEach(({ channel }, j) => {
      const m = inputMultipliers[j];
      const field = inputs[j];
      const base = 2 * channel * size;
      for (let i = 0; i < 2 * size; i += 2) {
        const re = src[base + i];
        const im = src[base + i + 1];
        field[i] = m[i] * re - m[i + 1] * im;
        field[i + 1] = m[i] * im + m[i + 1] * re;
      }
      fftNd(field, shape, true);
    });
    const inp = new Float64Array(2 * inputs.length);
    const out = new Float64Array(2 * outputs.length);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < inputs.length; j++) {
        inp[2 * j] = inputs[j][2 * i];
        inp[2 * j + 1] = inputs[j][2 * i + 1];
      }
      nonlinear.pointwise(inp, this.points[i], params, out);
      for (let j = 0; j < outputs.length; j++) {
        outputs[j][2 * i] = out[2 * j];
        outputs[j][2 * i + 1] = out[2 * j + 1];
      }
    }
    nonlinear.outputs.forEach(({ channel }, j) => {
      const field = outputs[j];
      fftNd(field, shape, false);
      const m = outputMultipliers[j];
      for (let i = 0; i < size; i++) {
        const re = field[2 * i];
        const im = field[2 * i + 1];
        dst[2 * (channel * size + i)] += m[2 * i] * re - m[2 * i + 1] * im;
        dst[2 * (channel * size + i) + 1] += m[2 * i] * im + m[2 * i + 1] * re;
      }
    });
  }
}

/** v̂(k) ← ½(v̂(k) + conj v̂(−k)) per channel, in place (see PdeProblem.mirror) */
export function hermitianProjection(v: Float64Array, mirror: Uint32Array, channels: number): void {
  const size = mirror.length;
  for (let c = 0; c < channels; c++) {
    const base = c * size;
    for (let i = 0; i < size; i++) {
      const j = mirror[i];
      if (j < i) continue; // each pair once
      const a = 2 * (base + i);
      const b = 2 * (base + j);
      const re = 0.5 * (v[a] + v[b]);
      const im = 0.5 * (v[a + 1] - v[b + 1]);
      v[a] = re;
      v[a + 1] = im;
      v[b] = re;
      v[b + 1] = -im;
    }
  }
}
