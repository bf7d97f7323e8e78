import { describe, expect, it } from 'vitest';
import { PDE_PRESETS } from '../core/pde/presets.ts';
import { parsePdeSpec } from '../core/spec/pdeSpec.ts';
import { DEFAULT_PDE_SPEC, decodePdeParam, encodePdeParam, labFromSearch, pdeSpecFromSearch, pdeUrl } from './pdeUrl.ts';

describe('PDE lab link', () => {
  it('round-trips every preset exactly (32π box lengths included)', () => {
    for (const preset of PDE_PRESETS) {
      const spec = parsePdeSpec(preset.spec);
      const url = new URL(pdeUrl(spec, 'http://127.0.0.1:4173/app/?spec=abc#x'));
      expect(url.pathname).toBe('/app/');
      expect(labFromSearch(url.search)).toBe('pde');
      const decoded = pdeSpecFromSearch(url.search);
      expect(decoded.notice).toBeUndefined();
      expect(decoded.spec).toEqual(spec);
    }
  });

  it('accepts plain JSON and refuses bad values with a notice naming the field, falling back to the default', () => {
    expect(decodePdeParam(JSON.stringify({ version: 1, kind: 'pde', equation: 'kdv' })).spec.equation).toBe('kdv');
    const bad = decodePdeParam(JSON.stringify({ version: 1, kind: 'pde', equation: 'gray-scott', params: { F: 3 } }));
    expect(bad.spec).toEqual(DEFAULT_PDE_SPEC);
    expect(bad.notice).toMatch(/pde\.params\.F: got 3; allowed: 0 ≤ F ≤ 0\.2/);
    expect(decodePdeParam('%%%').notice).toMatch(/neither JSON nor base64url/);
    const file = decodePdeParam(encodePdeParam(parsePdeSpec({ version: 1, kind: 'pde', equation: 'kdv', ic: { type: 'file' } })));
    expect(file.notice).toMatch(/pde\.ic\.type: "file" cannot travel in a link/);
  });

  it('defaults to the sampler lab', () => {
    expect(labFromSearch('')).toBe('samplers');
    expect(pdeSpecFromSearch('').spec).toEqual(DEFAULT_PDE_SPEC);
  });
});
