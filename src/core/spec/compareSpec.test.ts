// The spec's `compare` list (issue #11): compared configurations with their own options and schedule, validated
// like the spec's own pair under their own path, and specs without it unchanged.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, MAX_COMPARE, configurationSpecs, parseSpec } from './spec.ts';
import { specProblems } from './testing.ts';

const base = { ...DEFAULT_SPEC, n: 64, nfe: 6 };

describe('spec.compare', () => {
  it('is optional: a spec without it parses as before, with no compare field and one configuration', () => {
    const spec = parseSpec(base);
    expect('compare' in spec).toBe(false);
    expect(spec).toEqual({ ...DEFAULT_SPEC, n: 64, nfe: 6 });
    expect(configurationSpecs(spec)).toEqual([spec]);
  });

  it('fills each entry’s solver and schedule defaults; a missing schedule is the spec’s own', () => {
    const spec = parseSpec({ ...base, compare: [{ solver: { name: 'ddim' } }, { solver: { name: 'dpmpp-2m', solverType: 'taylor' }, schedule: { type: 'karras' } }] });
    expect(spec.compare).toEqual([{ solver: { name: 'ddim' } }, { solver: { name: 'dpmpp-2m', solverType: 'taylor' }, schedule: { type: 'karras', rho: 7, appendZero: true } }]);
    const { compare: _c, ...own } = spec;
    expect(configurationSpecs(spec)).toEqual([
      own,
      { ...own, solver: { name: 'ddim' } },
      { ...own, solver: { name: 'dpmpp-2m', solverType: 'taylor' }, schedule: { type: 'karras', rho: 7, appendZero: true } },
    ]);
    // an entry without a schedule follows the spec's when that changes
    expect(configurationSpecs({ ...spec, schedule: { type: 'time-uniform' } })[1].schedule).toEqual({ type: 'time-uniform' });
  });

  it('refuses bad entries with the primary’s messages under compare.i', () => {
    expect(specProblems({ ...base, compare: [{ solver: { name: 'ddim' } }, { solver: { name: 'dpmpp-2m' }, schedule: { type: 'shift', s: -1 } }] })).toEqual([
      'compare.1.schedule.s: got -1; Too small: expected number to be >0',
    ]);
    expect(specProblems({ ...base, compare: [{ solver: { name: 'ddim', order: 2 } }] })).toEqual(["compare.0.solver.order: got 2; ddim takes no option 'order' (its options: none)"]);
    expect(specProblems({ ...base, compare: [{ solver: { name: 'euler-magic' } }] })[0]).toMatch(/^compare\.0\.solver\.name: got "euler-magic"; allowed: "ddim",/);
    expect(specProblems({ ...base, compare: [{ solver: { name: 'ddim' }, colour: 'red' }] })).toEqual(['compare.0: unknown field(s) "colour"']);
    // the schedule's fit to the process is checked as for the spec's own schedule (edm-vp's ε_s below the range)
    const own = specProblems({ ...base, schedule: { type: 'boss', kMax: 4 } });
    const compared = specProblems({ ...base, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'boss', kMax: 4 } }] });
    expect(own).toEqual(['schedule.kMax: got 4; must be at least nfe (6): a boss grid picks its steps among kMax + 1 anchors']);
    expect(compared).toEqual(['compare.0.schedule.kMax: got 4; must be at least nfe (6): a boss grid picks its steps among kMax + 1 anchors']);
    expect(specProblems({ ...base, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'custom', times: [1, 0.5, 0.001] } }] })).toEqual([
      "compare.0.schedule.times: got [1,0.5,0.001]; needs 6 intervals (the spec's nfe), got 2",
    ]);
  });

  it(`allows at most ${MAX_COMPARE} entries, and a duplicate only when it differs`, () => {
    const six = ['ddim', 'dpm-solver-2m', 'dpmpp-3m', 'unipc', 'dpmpp-2s', 'deis'].map((name) => ({ solver: { name } }));
    expect(parseSpec({ ...base, compare: six.slice(0, 5) }).compare).toHaveLength(5);
    expect(specProblems({ ...base, compare: six })[0]).toMatch(/^compare: got \[.*; Too big: expected array to have <=5 items/);
    // the spec's own pair again (its schedule given explicitly, or left out) is refused; another schedule is not
    expect(specProblems({ ...base, compare: [{ solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' } }] })).toEqual([
      `compare.0: got {"solver":{"name":"dpmpp-2m"},"schedule":{"type":"logsnr"}}; the same solver, options and schedule as the spec's own (solver, schedule); a compared configuration must differ in one of them`,
    ]);
    expect(specProblems({ ...base, compare: [{ solver: { name: 'ddim' } }, { solver: { name: 'ddim' }, schedule: { type: 'logsnr' } }] })[0]).toMatch(/^compare\.1: .*the same solver, options and schedule as compare\.0;/);
    expect(parseSpec({ ...base, compare: [{ solver: { name: 'dpmpp-2m' }, schedule: { type: 'karras' } }, { solver: { name: 'dpmpp-2m', solverType: 'taylor' } }] }).compare).toHaveLength(2);
  });
});
