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

  it('accepts plain JSON and drops bad values back to the base with a notice naming the field', () => {
    expect(decodePdeParam(JSON.stringify({ version: 1, kind: 'pde', equation: 'kdv' })).spec.equation).toBe('kdv');
    const bad = decodePdeParam(JSON.stringify({ version: 1, kind: 'pde', equation: 'gray-scott', params: { F: 3, k: 0.05 } }));
    // F goes back to the Gray–Scott default; the valid k beside it is kept
    expect(bad.spec.equation).toBe('gray-scott');
    expect(bad.spec.params).toEqual({ ...parsePdeSpec({ version: 1, kind: 'pde', equation: 'gray-scott' }).params, k: 0.05 });
    expect(bad.notice).toMatch(/pde\.params\.F: got 3; allowed: 0 ≤ F ≤ 0\.2/);
    expect(decodePdeParam('%%%').notice).toMatch(/neither a versioned link .* nor JSON nor base64url/);
    expect(decodePdeParam('%%%').spec).toEqual(DEFAULT_PDE_SPEC);
    const fileSpec = parsePdeSpec({ version: 1, kind: 'pde', equation: 'kdv', ic: { type: 'file' } });
    const file = decodePdeParam(encodePdeParam(fileSpec));
    expect(file.notice).toMatch(/pde\.ic\.type: got "file"; cannot travel in a link/);
    expect(file.spec).toEqual({ ...fileSpec, ic: { type: 'preset' } });
  });

  it('defaults to the sampler lab', () => {
    expect(labFromSearch('')).toBe('samplers');
    expect(pdeSpecFromSearch('').spec).toEqual(DEFAULT_PDE_SPEC);
  });
});
