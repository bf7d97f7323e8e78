// The update formula read off a program (issue #11): DDIM's step is the exponential-integrator Euler step with the
// closed-form coefficients; DPM-Solver++(2M) shows its history term; every step of a program has its equations.
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/spec.ts';
import { buildSpecProgram, makeProcess } from './experiment.ts';
import { fixedProgram } from './program.ts';
import { stepFormula } from './programFormula.ts';

const spec = (solver: string, nfe = 6) => parseSpec({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: solver }, schedule: { type: 'logsnr' }, nfe });

describe('stepFormula', () => {
  it("DDIM: x_{i+1} = (σ_{i+1}/σ_i)·x_i + (α_{i+1} − σ_{i+1}α_i/σ_i)·D_{i+1}, one evaluation per step", () => {
    const s = spec('ddim');
    const process = makeProcess(s.process);
    const program = fixedProgram(buildSpecProgram(s, process));
    for (let i = 0; i < program.times.length - 1; i++) {
      const formula = stepFormula(program, i);
      const [t0, t1] = [program.times[i], program.times[i + 1]];
      expect(formula.from).toBe(t0);
      expect(formula.equations.map((e) => e.kind)).toEqual(['eval', 'combine']);
      expect(formula.equations[0].text).toMatch(new RegExp(`^D_${i + 1} = Dθ\\(x_${i}, t = `));
      const combine = formula.equations[1];
      expect(combine.text.startsWith(`x_${i + 1} = `)).toBe(true);
      const [a, b] = combine.coefficients!;
      expect(a).toBeCloseTo(process.sigma(t1) / process.sigma(t0), 12);
      expect(b).toBeCloseTo(process.alpha(t1) - (process.sigma(t1) * process.alpha(t0)) / process.sigma(t0), 12);
      expect(combine.latex).toContain(`x_{${i + 1}} = `);
    }
  });

  it('DPM-Solver++(2M): from the second step on, the previous evaluation enters the update (its history)', () => {
    const program = fixedProgram(buildSpecProgram(spec('dpmpp-2m')));
    const first = stepFormula(program, 0).equations.find((e) => e.kind === 'combine')!;
    expect(first.text).not.toContain('D_0');
    const second = stepFormula(program, 2).equations.filter((e) => e.kind === 'combine');
    const update = second[second.length - 1];
    expect(update.text).toMatch(/^x_3 = /);
    // the current and the previous data prediction both appear
    expect(update.text).toContain('D_3');
    expect(update.text).toContain('D_2');
  });

  it('refuses a step the program does not have', () => {
    const program = fixedProgram(buildSpecProgram(spec('ddim', 4)));
    expect(() => stepFormula(program, 4)).toThrow(/step: got 4; the program has steps 0 … 3/);
    expect(() => stepFormula(program, -1)).toThrow(RangeError);
  });
});
