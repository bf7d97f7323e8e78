import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { effectiveCompare, nullBandNote, shownConfigurations } from './configurations.ts';

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
    expect(shown.map((c) => c.label)).toEqual(['DPM-Solver++(2M)', 'DPM-Solver++(2M) · Karras (EDM)', 'UniPC (order 2)']);
    expect(shownConfigurations(spec)).toBe(shown);
  });

  it('labels name the schedule parameters that differ from their defaults, so two Karras grids of different ρ differ', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      compare: [
        { solver: { name: 'ddim' }, schedule: { type: 'karras' } },
        { solver: { name: 'ddim' }, schedule: { type: 'karras', rho: 5 } },
        { solver: { name: 'ddim' }, schedule: { type: 'karras', rho: 5, appendZero: false } },
      ],
    });
    expect(shownConfigurations(spec).map((c) => c.label).slice(1)).toEqual(['DDIM · Karras (EDM)', 'DDIM · Karras (EDM), ρ = 5', 'DDIM · Karras (EDM), ρ = 5, no σ = 0']);
  });

  it('says whose null band the quality chart draws when configurations end at different points, and nothing when they end together', () => {
    // on VP-linear, a Karras grid ends at σ = 0 (appendZero) and the log-SNR grid at t_end
    const mixed = shownConfigurations(parseSpec({ ...DEFAULT_SPEC, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }, { solver: { name: 'ddim' } }] }));
    expect(nullBandNote(mixed)).toBe("The grey band is DPM-Solver++(2M)'s (the spec's own, ending at t_end); DDIM · Karras (EDM) ends at σ = 0, where the exact-vs-exact noise differs.");
    expect(nullBandNote(shownConfigurations(parseSpec({ ...DEFAULT_SPEC, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'time-uniform' } }] })))).toBeNull();
    expect(nullBandNote(shownConfigurations(parseSpec(DEFAULT_SPEC)))).toBeNull();
  });
});
