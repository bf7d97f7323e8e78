import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { effectiveCompare, shownConfigurations } from './configurations.ts';

describe('shown configurations', () => {
  it('a spec without compare shows the page’s default pair (as before compare existed); compare: [] shows its own alone', () => {
    expect(shownConfigurations(parseSpec(DEFAULT_SPEC)).map((c) => c.solver)).toEqual(['dpmpp-2m', 'ddim']);
    expect(shownConfigurations(parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' } })).map((c) => c.solver)).toEqual(['ddim', 'dpmpp-2m']);
    expect(shownConfigurations(parseSpec({ ...DEFAULT_SPEC, compare: [] })).map((c) => c.solver)).toEqual(['dpmpp-2m']);
    // the default pair runs with defaults on the spec's schedule, as the old compared solvers did
    expect(effectiveCompare(parseSpec({ ...DEFAULT_SPEC, solver: { name: 'dpmpp-2m', solverType: 'taylor' } }))).toEqual([{ solver: { name: 'ddim' } }]);
  });

  it('each configuration has its own spec, a colour no other has, and a label naming its options and own schedule', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      compare: [{ solver: { name: 'dpmpp-2m' }, schedule: { type: 'karras' } }, { solver: { name: 'unipc', order: 2 } }],
    });
    const shown = shownConfigurations(spec);
    expect(shown.map((c) => c.spec.schedule.type)).toEqual(['logsnr', 'karras', 'logsnr']);
    expect(shown.map((c) => c.ownSchedule)).toEqual([false, true, false]);
    expect(new Set(shown.map((c) => c.color)).size).toBe(3);
    // the spec's own keeps its solver's colour; the second DPM-Solver++(2M) gets another
    expect(shown[0].color).toBe('#3ba7f0');
    expect(shown[1].color).not.toBe('#3ba7f0');
    expect(shown.map((c) => c.label)).toEqual(['DPM-Solver++(2M)', 'DPM-Solver++(2M) · Karras (EDM, ρ = 7)', 'UniPC (order 2)']);
    expect(shownConfigurations(spec)).toBe(shown);
  });
});
