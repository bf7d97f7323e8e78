// The benchmark's arithmetic (issue #9): GB/s, the fraction of the copy bandwidth, and each case's bytes model
// against hand counts.

import { describe, expect, it } from 'vitest';
import { EQUATIONS } from '../../core/pde/equations.ts';
import { preparePdeProblem } from '../../core/pde/run.ts';
import type { PdeProblem } from '../../core/pde/run.ts';
import { prepareMixture } from '../../core/sampling/gmm.ts';
import { targetPreset } from '../../core/sampling/presets.ts';
import { VpLinearProcess } from '../../core/sampling/process.ts';
import { scheduleLogSnrUniform } from '../../core/sampling/schedules.ts';
import { programOnGrid } from '../../core/sampling/solvers.ts';
import { copyBytes, fftPairBytes, fractionOfCopy, gigabytesPerSecond, median, pdeStepBytes, repetitionsFor, samplerProgramBytes } from './bandwidth.ts';

describe('bandwidth arithmetic', () => {
  it('GB/s is bytes / (ms · 10⁶)', () => {
    expect(gigabytesPerSecond(1e9, 1000)).toBe(1); // 1 GB in 1 s
    expect(gigabytesPerSecond(2e6, 1)).toBe(2); // 2 MB in 1 ms
    expect(gigabytesPerSecond(134_217_728, 0.5)).toBeCloseTo(268.435456, 12);
    expect(gigabytesPerSecond(0, 3)).toBe(0);
  });

  it('refuses a time that is not positive or a negative byte count', () => {
    expect(() => gigabytesPerSecond(1, 0)).toThrow(/ms > 0/);
    expect(() => gigabytesPerSecond(1, Number.NaN)).toThrow(/ms > 0/);
    expect(() => gigabytesPerSecond(-1, 1)).toThrow(/bytes ≥ 0/);
  });

  it('the fraction is achieved / copy bandwidth, and needs a positive copy bandwidth', () => {
    expect(fractionOfCopy(5, 10)).toBe(0.5);
    expect(fractionOfCopy(30, 20)).toBe(1.5); // cache-resident data can beat a copy that is not
    expect(() => fractionOfCopy(1, 0)).toThrow(/positive/);
  });

  it('median of odd and even counts, input left unsorted', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('repetitions per submit aim at the target time, within [1, maxReps]', () => {
    expect(repetitionsFor(200, 10, 1000)).toBe(20);
    expect(repetitionsFor(200, 0, 1000)).toBe(1000); // a zero estimate does not divide by zero
    expect(repetitionsFor(200, 500, 1000)).toBe(1);
    expect(repetitionsFor(200, 7, 1000)).toBe(29); // ceil(200 / 7)
  });
});

describe('bytes models', () => {
  it('a copy reads and writes its size', () => {
    expect(copyBytes(64 << 20)).toBe(128 << 20);
  });

  it('an FFT pair: 2 transforms × axes × (read + write) × 8 B × points', () => {
    expect(fftPairBytes([512, 512])).toBe(16_777_216);
    expect(fftPairBytes([256, 256])).toBe(2 * 2 * 2 * 8 * 65_536);
    expect(fftPairBytes([1024], 1024)).toBe(2 * 1 * 2 * 8 * 1024 * 1024);
  });

  it('a DDIM run on ring8: x_T written, then per step one fused pass that reads x and writes x (2P + mixture)', () => {
    const vp = new VpLinearProcess();
    const steps = 10;
    const program = programOnGrid({ name: 'ddim' }, vp, scheduleLogSnrUniform(vp, 1, 1e-3, steps));
    // the hand count below assumes this shape of the program (eval x → D, then x ← a·x + b·D): check it
    expect(program.ops.map((op) => (op.op === 'eval' ? `e${op.x}>${op.out}` : `c${op.terms.map((t) => t.reg).join('')}>${op.out}`)).join(' ')).toBe(
      Array(steps).fill('e0>1 c01>0').join(' '),
    );
    const mixture = prepareMixture(targetPreset('ring8'));
    expect([mixture.components, mixture.dim]).toEqual([8, 2]);
    const n = 4096;
    const P = n * 2 * 4;
    const M = 8 * (1 + 2 * 2 + 2 * 2) * 4; // K · (log π, μ, U, e) f32 = 288 B
    expect(samplerProgramBytes(program, n, 2, 8)).toBe(P + steps * (2 * P + M));
    expect(samplerProgramBytes(program, n, 2, 8, false)).toBe(steps * (2 * P + M));
  });

  it('a multistep program keeps the registers a later pass reads; a combine with noise reads only its terms', () => {
    const P = 10 * 3 * 4;
    const eval_ = (x: number, out: number) => ({ op: 'eval' as const, x, out, t: 0.5, alpha: 1, sigma: 1 });
    const combine = (out: number, regs: number[], noise = false) => ({ op: 'combine' as const, out, terms: regs.map((reg) => ({ reg, coef: 1 })), ...(noise ? { noise: { coef: 0.1, step: 0 } } : {}) });
    // pass 1: D → reg 1, x ← x + D; pass 2: D → reg 2, x ← x + D(new) + D(old, reg 1, written by pass 1)
    const ops = [eval_(0, 1), combine(0, [0, 1]), eval_(0, 2), combine(0, [0, 2, 1], true)];
    const M = 1 * (1 + 2 * 3 + 9) * 4;
    // pass 1 reads x, writes x and reg 1 (pass 2 reads it); pass 2 reads x and reg 1, writes x
    expect(samplerProgramBytes({ ops }, 10, 3, 1, false)).toBe(P + M + 2 * P + (2 * P + M + P));
    // a combine alone (no eval before it) is its own pass
    expect(samplerProgramBytes({ ops: [combine(0, [0, 1, 2], true)] }, 10, 3, 1, false)).toBe(3 * P + P);
  });

  it('a PDE step of a hand-made program: transforms, fused passes, the Hermitian projection', () => {
    const size = 8 * 8;
    const F = 8 * size;
    const problem = {
      channels: 1,
      size,
      grid: { n: [8, 8], length: [1, 1] },
      nonlinear: { inputs: [{}, {}], outputs: [{}] },
      mirror: new Uint32Array(size),
      program: {
        step: [
          { op: 'nonlinear', src: 'v', dst: 'N' },
          { op: 'combine', dst: 'v', terms: [{ reg: 'v', coef: { array: 'E' } }, { reg: 'N', coef: { scalar: [0.5, 0] } }] },
        ],
      },
    } as unknown as PdeProblem;
    // transforms: inverse FFT of 2 fields over 2 axes (2·2·2F), pointwise (read 2F, write F), FFT of 1 field (2·2·1F)
    const transforms = 8 * F + 3 * F + 4 * F;
    // pass 1, inputs(v): read v, write 2 input spectra
    const inputs = F + 2 * F;
    // pass 2, [accumulate N, v = E ⊙ v + ½ N]: read the FFT output (F), v and E (2F; N is in hand and used nowhere
    // else, so never written), write v (F)
    const final = F + 2 * F + F;
    expect(pdeStepBytes(problem)).toBe(transforms + inputs + final + 2 * F);
    // a complex-field equation has no Hermitian projection
    expect(pdeStepBytes({ ...problem, mirror: undefined })).toBe(transforms + inputs + final);
    // a linear PDE: N ≡ 0 moves nothing; the combine reads v, N and E and writes v
    expect(pdeStepBytes({ ...problem, nonlinear: undefined })).toBe(4 * F + 2 * F);
  });

  it('one ETDRK4 step of 2D Navier–Stokes: 147 complex fields moved (the hand count in bandwidth.ts)', () => {
    // (256² takes 3 s to prepare: the count does not depend on N, 64² and 128² check that it scales as N²)
    for (const N of [64, 128]) {
      const grid = { n: [N, N], length: [2 * Math.PI, 2 * Math.PI] };
      const problem = preparePdeProblem({ equation: EQUATIONS['navier-stokes-2d'], grid, stepper: 'etdrk4', dt: 0.01 });
      expect(problem.nonlinear?.inputs.length).toBe(4);
      expect(problem.nonlinear?.outputs.length).toBe(1);
      expect(problem.program.step.map((op) => (op.op === 'nonlinear' ? 'N' : `c${op.terms.length}`)).join(' ')).toBe('N c2 N c2 N c3 N c5');
      // the Hermitian projection's index of −k for every k: one per grid point (its read is in the count)
      expect(problem.mirror?.length).toBe(N * N);
      expect(pdeStepBytes(problem)).toBe(147 * 8 * N * N);
    }
    expect(147 * 8 * 64 * 64).toBe(4_816_896);
    expect(147 * 8 * 256 * 256).toBe(77_070_336);
  });
});
