// The update formula of one step of a sampler, with its coefficients filled in (issue #11 "Teaching details"): read
// off the program itself (DESIGN §2: a sampler is a program of evals and combines), so every solver, present and
// future, gets its formula without per-solver code. Registers are named by what last wrote them: x_i when a combine
// leaves the state at grid time t_i, D_k (or ε̂_k) for the k-th model evaluation, u_k for an intermediate state; a
// multistep solver's history therefore appears as the D of earlier steps. Each equation comes as LaTeX (for KaTeX)
// and as plain text (for the test hook, screen readers and export).

import type { Prediction } from './gmm.ts';
import type { CombineOp, EvalOp, SamplerProgram } from './program.ts';

export interface StepEquation {
  kind: 'eval' | 'combine';
  latex: string;
  text: string;
  /** combine: the coefficient of each term, in order (the numbers the formula shows, unrounded) */
  coefficients?: number[];
}

export interface StepFormula {
  /** the step: from grid time t_step to t_{step+1} */
  step: number;
  from: number;
  to: number;
  equations: StepEquation[];
}

/** 4 significant digits, no exponent for ordinary sizes */
function number(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3).replace('e', '×10^');
}

const latexNumber = (v: number) => number(v).replace(/×10\^([+-]?\d+)/, (_, e: string) => `\\times 10^{${e.replace('+', '')}}`);

interface Symbol {
  latex: string;
  text: string;
}

const evalSymbol = (prediction: Prediction | undefined, k: number): Symbol =>
  prediction === 'noise' ? { latex: `\\hat\\varepsilon_{${k}}`, text: `ε̂_${k}` } : { latex: `D_{${k}}`, text: `D_${k}` };

/**
 * The equations of step `step` (0-based, t_step → t_{step+1}) of a fixed program. Throws RangeError for a step the
 * program does not have.
 */
export function stepFormula(program: SamplerProgram, step: number): StepFormula {
  const steps = program.times.length - 1;
  if (!Number.isInteger(step) || step < 0 || step >= steps) throw new RangeError(`step: got ${step}; the program has steps 0 … ${steps - 1}`);
  const names = new Map<number, Symbol>([[0, { latex: 'x_{0}', text: 'x_0' }]]);
  const name = (reg: number): Symbol => names.get(reg) ?? { latex: `r_{${reg}}`, text: `r_${reg}` };
  let grid = 0;
  let evals = 0;
  let intermediates = 0;
  const equations: StepEquation[] = [];
  for (const op of program.ops) {
    if (grid > step) break;
    const inStep = grid === step;
    if (op.op === 'eval') {
      const e = op as EvalOp;
      const input = name(e.x);
      const out = evalSymbol(e.prediction, ++evals);
      const model = e.prediction === 'noise' ? { latex: '\\hat\\varepsilon_\\theta', text: 'ε̂θ' } : { latex: 'D_\\theta', text: 'Dθ' };
      if (inStep)
        equations.push({
          kind: 'eval',
          latex: `${out.latex} = ${model.latex}\\big(${input.latex},\\ t = ${latexNumber(e.t)}\\big) \\quad (\\alpha_t = ${latexNumber(e.alpha)},\\ \\sigma_t = ${latexNumber(e.sigma)})`,
          text: `${out.text} = ${model.text}(${input.text}, t = ${number(e.t)})  (α_t = ${number(e.alpha)}, σ_t = ${number(e.sigma)})`,
        });
      names.set(e.out, out);
      continue;
    }
    const c = op as CombineOp;
    const out: Symbol =
      c.out === 0 && c.gridIndex !== undefined ? { latex: `x_{${c.gridIndex}}`, text: `x_${c.gridIndex}` } : { latex: `u_{${++intermediates}}`, text: `u_${intermediates}` };
    if (inStep) {
      const terms = c.terms.map((term) => {
        const symbol = name(term.reg);
        const vector = term.vector !== undefined ? { latex: `\\mathbf{c}_{${term.vector}} \\odot `, text: `c_${term.vector} ⊙ ` } : { latex: '', text: '' };
        return { coef: term.coef, latex: `${vector.latex}${symbol.latex}`, text: `${vector.text}${symbol.text}` };
      });
      if (c.constant) terms.push({ coef: c.constant.coef, latex: `\\mathbf{c}_{${c.constant.vector}}`, text: `c_${c.constant.vector}` });
      if (c.noise) terms.push({ coef: c.noise.coef, latex: `z_{${c.noise.step}}`, text: `z_${c.noise.step}` });
      const join = (part: 'latex' | 'text') =>
        terms
          .map((t, i) => {
            const sign = t.coef < 0 ? '-' : i === 0 ? '' : '+';
            const magnitude = part === 'latex' ? latexNumber(Math.abs(t.coef)) : number(Math.abs(t.coef));
            const body = part === 'latex' ? `${magnitude}\\,${t.latex}` : `${magnitude}·${t.text}`;
            return i === 0 ? `${sign}${body}` : ` ${sign} ${body}`;
          })
          .join('');
      equations.push({ kind: 'combine', latex: `${out.latex} = ${join('latex')}`, text: `${out.text} = ${join('text')}`, coefficients: terms.map((t) => t.coef) });
    }
    names.set(c.out, out);
    if (c.out === 0 && c.gridIndex !== undefined) grid = c.gridIndex;
  }
  return { step, from: program.times[step], to: program.times[step + 1], equations };
}
