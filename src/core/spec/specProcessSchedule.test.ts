// The spec's process and schedule variants, their defaults and ranges, and the process-dependent tStart/tEnd
// rules (DESIGN §3: every error names the field, the value and the allowed range).

import { describe, expect, it } from 'vitest';
import { PROCESS_TYPES, createProcess } from '../sampling/process.ts';
import { SCHEDULE_TYPES, buildGrid } from '../sampling/schedules.ts';
import { DEFAULT_SPEC, parseSpec, scheduleSchema } from './spec.ts';
import { specProblems } from './testing.ts';

const problems = specProblems;

const base = { version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, steps: 8 };

describe('process variants (specs §2)', () => {
  it('accepts every process type with its defaults, and the default spec parses to itself', () => {
    expect(parseSpec(DEFAULT_SPEC)).toEqual(DEFAULT_SPEC);
    const parsed = Object.fromEntries(PROCESS_TYPES.map((type) => [type, parseSpec({ ...base, process: { type } })]));
    expect(parsed['vp-linear'].process).toEqual({ type: 'vp-linear', beta0: 0.1, beta1: 20 });
    expect(parsed['vp-cosine'].process).toEqual({ type: 'vp-cosine' });
    expect(parsed['vp-discrete'].process).toEqual({ type: 'vp-discrete', betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02, numTimesteps: 1000, lambdaClip: -5.1 });
    expect(parsed.edm.process).toEqual({ type: 'edm', sigmaMin: 0.002, sigmaMax: 80 });
    expect(parsed.flow.process).toEqual({ type: 'flow' });
  });

  it('takes tStart/tEnd defaults from the process', () => {
    const pair = (process: object) => {
      const s = parseSpec({ ...base, process });
      return [s.tStart, s.tEnd];
    };
    expect(pair({ type: 'vp-linear' })).toEqual([1, 1e-3]);
    expect(pair({ type: 'vp-cosine' })).toEqual([0.9946, 1e-3]);
    expect(pair({ type: 'vp-discrete' })).toEqual([1, 1e-3]);
    expect(pair({ type: 'vp-discrete', betaSchedule: 'squaredcos_cap_v2' })[1]).toBeCloseTo(1 / 996, 15);
    expect(pair({ type: 'edm' })).toEqual([80, 0.002]);
    expect(pair({ type: 'edm', sigmaMin: 0.01, sigmaMax: 50 })).toEqual([50, 0.01]);
    expect(pair({ type: 'flow' })).toEqual([0.999, 1e-3]);
  });

  it('fills the beta range per preset and refuses it for the cosine preset', () => {
    expect(parseSpec({ ...base, process: { type: 'vp-discrete', betaSchedule: 'scaled_linear' } }).process).toMatchObject({ betaStart: 0.00085, betaEnd: 0.012 });
    expect(parseSpec({ ...base, process: { type: 'vp-discrete', betaSchedule: 'scaled_linear', betaEnd: 0.02 } }).process).toMatchObject({ betaStart: 0.00085, betaEnd: 0.02 });
    expect(parseSpec({ ...base, process: { type: 'vp-discrete', betaSchedule: 'squaredcos_cap_v2' } }).process).not.toHaveProperty('betaStart');
    expect(problems({ ...base, process: { type: 'vp-discrete', betaSchedule: 'squaredcos_cap_v2', betaStart: 0.001 } })).toEqual([
      'process.betaStart: got 0.001; not used by betaSchedule squaredcos_cap_v2 (its betas come from the cosine ᾱ); leave it out',
    ]);
    expect(problems({ ...base, process: { type: 'vp-discrete', lambdaClip: 1 } })[0]).toMatch(/^process\.lambdaClip: got 1; .*<=0/);
    expect(problems({ ...base, process: { type: 'vp-discrete', betaEnd: 1.5 } })[0]).toMatch(/^process\.betaEnd: got 1\.5;/);
  });

  it('names the field, the value and what is allowed', () => {
    expect(problems({ ...base, process: { type: 've' } })[0]).toMatch(/^process\.type: got "ve";/);
    expect(problems({ ...base, process: { type: 'edm', sigmaMin: 5, sigmaMax: 1 } })).toEqual(['process.sigmaMax: got 1; sigmaMax must be greater than sigmaMin']);
    expect(problems({ ...base, process: { type: 'vp-cosine', s: 0.01 } })).toEqual(['process: unknown field(s) "s"']);
    expect(problems({ ...base, process: { type: 'vp-linear', beta0: 5, beta1: 1 } })).toEqual(['process.beta1: got 1; beta1 must be greater than beta0']);
  });
});

describe('tStart / tEnd against the process range', () => {
  it('names the field, the value and the allowed range', () => {
    expect(problems({ ...base, process: { type: 'edm' }, tStart: 90 })).toEqual(['tStart: got 90; allowed for process edm: 0.002 < tStart ≤ 80']);
    expect(problems({ ...base, process: { type: 'edm' }, tEnd: 0.001 })).toEqual(['tEnd: got 0.001; allowed for process edm: 0.002 ≤ tEnd < 80']);
    expect(problems({ ...base, process: { type: 'flow' }, tStart: 1 })).toEqual(['tStart: got 1; allowed for process flow: 0.00001 < tStart ≤ 0.99999']);
    expect(problems({ ...base, process: { type: 'vp-cosine' }, tStart: 1 })).toEqual(['tStart: got 1; allowed for process vp-cosine: 0.00001 < tStart ≤ 0.9946']);
    expect(problems({ ...base, process: { type: 'vp-linear' }, tEnd: 1e-6 })).toEqual(['tEnd: got 0.000001; allowed for process vp-linear: 0.00001 ≤ tEnd < 1']);
    expect(problems({ ...base, process: { type: 'vp-discrete' }, tEnd: 5e-4 })).toEqual(['tEnd: got 0.0005; allowed for process vp-discrete: 0.001 ≤ tEnd < 1']);
  });

  it('keeps the ordering rule, and says when a default is what conflicts', () => {
    expect(problems({ ...DEFAULT_SPEC, tEnd: 1 })).toEqual(['tEnd: got 1; must be less than tStart (1)']);
    expect(problems({ ...base, process: { type: 'edm' }, tStart: 5, tEnd: 7 })).toEqual(['tEnd: got 7; must be less than tStart (5)']);
    expect(problems({ ...base, process: { type: 'vp-linear' }, tStart: 5e-4 })).toEqual(['tStart: got 0.0005; must be greater than tEnd (0.001, the default for process vp-linear)']);
    expect(parseSpec({ ...base, process: { type: 'edm' }, tStart: 10 })).toMatchObject({ tStart: 10, tEnd: 0.002 });
  });

  it('checks a custom grid against the resolved endpoints', () => {
    const custom = { ...base, steps: undefined, process: { type: 'edm' }, schedule: { type: 'custom', times: [80, 1, 0.002] } };
    expect(parseSpec(custom).tStart).toBe(80);
    expect(problems({ ...custom, schedule: { type: 'custom', times: [1, 0.5, 0.002] } })[0]).toMatch(/^schedule\.times: .*must run from tStart \(80\) to tEnd \(0\.002\)/);
  });
});

describe('schedule variants (specs §3)', () => {
  it('accepts every schedule type and fills its parameters', () => {
    const fill = (schedule: object) => parseSpec({ ...base, schedule }).schedule;
    expect(fill({ type: 'karras' })).toEqual({ type: 'karras', rho: 7, appendZero: true });
    expect(fill({ type: 'exponential' })).toEqual({ type: 'exponential', appendZero: true });
    expect(fill({ type: 'polyexponential' })).toEqual({ type: 'polyexponential', rho: 1, appendZero: true });
    expect(fill({ type: 'edm-vp' })).toEqual({ type: 'edm-vp', epsilonS: 1e-3, appendZero: true });
    expect(fill({ type: 'edm-ve', appendZero: false })).toEqual({ type: 'edm-ve', appendZero: false });
    expect(fill({ type: 'iddpm' })).toEqual({ type: 'iddpm', M: 1000, C1: 0.001, C2: 0.008, appendZero: true });
    expect(fill({ type: 'deis-t' })).toEqual({ type: 'deis-t', kappa: 2 });
    expect(fill({ type: 'shift' })).toEqual({ type: 'shift', s: 3, appendZero: true });
    expect(fill({ type: 'flux-shift' })).toEqual({ type: 'flux-shift', mu: 1.15, appendZero: true });
    expect(fill({ type: 'sigmoid' })).toEqual({ type: 'sigmoid', a: 3 });
    for (const type of SCHEDULE_TYPES.filter((t) => t !== 'custom')) expect(fill({ type }).type).toBe(type);
  });

  it('labels the sigmoid grid as Stepscope’s own construction in its schema description', () => {
    const sigmoid = scheduleSchema.options.find((o) => o.shape.type.value === 'sigmoid');
    expect(sigmoid?.description).toMatch(/Stepscope's own .*NOT Lumina-Next/);
  });

  it('names the parameter, the value and its range', () => {
    expect(problems({ ...base, schedule: { type: 'karras', rho: 0 } })[0]).toMatch(/^schedule\.rho: got 0; .*>0/);
    expect(problems({ ...base, schedule: { type: 'deis-t', kappa: 50 } })[0]).toMatch(/^schedule\.kappa: got 50; .*<=20/);
    expect(problems({ ...base, schedule: { type: 'shift', s: -1 } })[0]).toMatch(/^schedule\.s: got -1;/);
    expect(problems({ ...base, schedule: { type: 'flux-shift', mu: 11 } })[0]).toMatch(/^schedule\.mu: got 11;/);
    expect(problems({ ...base, schedule: { type: 'sigmoid', a: 0 } })[0]).toMatch(/^schedule\.a: got 0;/);
    expect(problems({ ...base, schedule: { type: 'logsnr', rho: 7 } })).toEqual(['schedule: unknown field(s) "rho"']);
  });

  it('refuses a grid that cannot be built, with the reason', () => {
    expect(problems({ ...base, process: { type: 'edm' }, schedule: { type: 'iddpm' }, steps: 1500 })[0]).toMatch(/^schedule\.type: got "iddpm"; iddpm: only \d+ iDDPM levels/);
    expect(problems({ ...base, process: { type: 'edm' }, schedule: { type: 'edm-vp' }, tStart: 80, tEnd: 60 })[0]).toMatch(/^schedule\.type: got "edm-vp"; edm-vp: .*non-monotone/);
  });

  it('parses to a spec whose grid builds, for every process × schedule at the defaults', () => {
    for (const ptype of PROCESS_TYPES)
      // boss needs the target model: boss.test.ts builds its grids through experiment.ts
      for (const type of SCHEDULE_TYPES.filter((t) => t !== 'custom' && t !== 'boss')) {
        const s = parseSpec({ ...base, process: { type: ptype }, schedule: { type } });
        const grid = buildGrid(s.schedule, createProcess(s.process), s.tStart, s.tEnd, 8);
        expect(grid.times[0]).toBe(s.tStart);
        // parsing is idempotent
        expect(parseSpec(s)).toEqual(s);
      }
  });
});
