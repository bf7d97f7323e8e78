// A spec's compared configurations run on the engine exactly as their own single specs, and the spec's own
// numbers do not change when a `compare` list is added (issue #11: old specs and links keep their numbers).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, configurationSpecs, parseSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from './sampling.ts';

const base = { ...DEFAULT_SPEC, n: 64, nfe: 6 };

describe('compared configurations on the float64 CPU backend', () => {
  it('leaves the spec’s own numbers exactly as without compare (CPU float64)', async () => {
    const cpu = new CpuSamplerBackend();
    const alone = await cpu.sample(parseSpec(base), { metrics: true });
    const withCompare = parseSpec({ ...base, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }] });
    const [own, other] = configurationSpecs(withCompare);
    const again = await cpu.sample(own, { metrics: true });
    expect(Array.from(again.samples)).toEqual(Array.from(alone.samples));
    expect(again.metrics).toEqual(alone.metrics);
    // and the compared configuration runs its own solver on its own grid: ddim on karras is what that spec alone gives
    const ddimKarras = await cpu.sample(parseSpec({ ...base, solver: { name: 'ddim' }, schedule: { type: 'karras' } }), { metrics: true });
    const compared = await cpu.sample(other, { metrics: true });
    expect(compared.times).toEqual(ddimKarras.times);
    expect(compared.metrics).toEqual(ddimKarras.metrics);
    expect(compared.times).not.toEqual(alone.times);
  });
});
