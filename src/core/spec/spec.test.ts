import { describe, expect, it } from 'vitest';
import { specBudget } from '../sampling/experiment.ts';
import { SOLVER_NAMES } from '../sampling/solvers.ts';
import { DEFAULT_SPEC, MAX_STEPS, parseSpec } from './spec.ts';
import { specProblems } from './testing.ts';

const problems = specProblems;

describe('experiment spec', () => {
  it('accepts the default spec and fills defaults', () => {
    expect(parseSpec(DEFAULT_SPEC)).toEqual(DEFAULT_SPEC);
    const minimal = parseSpec({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'grid25' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, steps: 7 });
    expect(minimal).toMatchObject({ tStart: 1, tEnd: 1e-3, n: 4096, seed: 0, process: { beta0: 0.1, beta1: 20 } });
    expect(specBudget(minimal)).toEqual({ steps: 7 });
  });

  it('names the field, the value and what is allowed', () => {
    expect(problems({ ...DEFAULT_SPEC, solver: { name: 'heun-magic' } })).toEqual([`solver.name: got "heun-magic"; allowed: ${SOLVER_NAMES.map((n) => `"${n}"`).join(', ')}`]);
    expect(problems({ ...DEFAULT_SPEC, n: -1 })[0]).toMatch(/^n: got -1; .*>=\s*2/);
    expect(problems({ ...DEFAULT_SPEC, tEnd: 1 })).toEqual(['tEnd: got 1; must be less than tStart (1)']);
    expect(problems({ ...DEFAULT_SPEC, version: 2 })[0]).toMatch(/^version: got 2;/);
    expect(problems({ ...DEFAULT_SPEC, colour: 'red' })).toEqual(['(spec): unknown field(s) "colour"']);
    expect(problems({ ...DEFAULT_SPEC, nfe: undefined })).toEqual(['steps: got nothing; give either steps or nfe']);
  });

  it('validates custom time grids', () => {
    const custom = { ...DEFAULT_SPEC, nfe: undefined, schedule: { type: 'custom', times: [1, 0.5, 0.1, 0.001] } };
    expect(specBudget(parseSpec(custom))).toEqual({ steps: 3 });
    expect(problems({ ...custom, schedule: { type: 'custom', times: [1, 0.1, 0.5, 0.001] } })[0]).toMatch(/schedule\.times: .*strictly decreasing/);
    expect(problems({ ...custom, schedule: { type: 'custom', times: [0.9, 0.1, 0.001] } })[0]).toMatch(/schedule\.times: .*must run from tStart/);
  });

  it('validates mixture targets', () => {
    const gmm = (over: object) => ({ ...DEFAULT_SPEC, target: { type: 'gmm', weights: [1, 1], means: [[0, 0], [1, 1]], covs: [[[1, 0], [0, 1]], [[0.5, 0.1], [0.1, 0.5]]], ...over } });
    expect(parseSpec(gmm({})).target.type).toBe('gmm');
    expect(problems(gmm({ covs: [[[1, 0.5], [0, 1]], [[1, 0], [0, 1]]] }))[0]).toMatch(/target\.covs\.0: .*symmetric/);
    expect(problems(gmm({ covs: [[[1, 2], [2, 1]], [[1, 0], [0, 1]]] }))[0]).toMatch(/target\.covs\.0: .*positive semi-definite/);
    expect(problems(gmm({ means: [[0, 0], [1, 1, 1]] }))[0]).toMatch(/target\.means\.1: .*dimension 3, expected 2/);
    expect(problems(gmm({ weights: [1, -1] }))[0]).toMatch(/target\.weights\.1: got -1/);
    expect(problems(gmm({ weights: [1] }))[0]).toMatch(/target\.means: .*needs 1 means/);
  });
});

describe('solver options', () => {
  it('accepts the options a solver takes and refuses the others by name', () => {
    expect(parseSpec({ ...DEFAULT_SPEC, solver: { name: 'unipc', order: 2, variant: 'bh1', corrector: false } }).solver).toEqual({ name: 'unipc', order: 2, variant: 'bh1', corrector: false });
    expect(problems({ ...DEFAULT_SPEC, solver: { name: 'ddim', order: 2 } })).toEqual(["solver.order: got 2; ddim takes no option 'order' (its options: none)"]);
    expect(problems({ ...DEFAULT_SPEC, solver: { name: 'dpmpp-2m', variant: 'bh2' } })[0]).toMatch(/^solver\.variant: got "bh2"; dpmpp-2m takes no option 'variant' \(its options: solverType, lowerOrderFinal\)/);
    expect(problems({ ...DEFAULT_SPEC, solver: { name: 'unipc', order: 4 } })[0]).toMatch(/^solver\.order: got 4;/);
    expect(problems({ ...DEFAULT_SPEC, solver: { name: 'unipc', variant: 'bh3' } })[0]).toBe('solver.variant: got "bh3"; allowed: "bh1", "bh2"');
  });
});

describe('hostile step counts (found by the fuzz test)', () => {
  it('refuses steps far beyond MAX_STEPS with a message instead of building the grid', () => {
    for (const steps of [1e308, 2 ** 32, MAX_STEPS + 1])
      expect(() => parseSpec({ ...DEFAULT_SPEC, nfe: undefined, steps, schedule: { type: 'shift', s: 0.3, appendZero: false } })).toThrow(/steps/);
  });
});
