import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import { MAX_PARAM_LENGTH, decodeSpecParam, encodeSpecParam, specFromSearch, specLinkProblem, specUrl } from './url.ts';
import { MAX_COMPONENTS, MAX_DIM } from '../core/spec/spec.ts';

const base64Url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('shareable URL codec', () => {
  it('round-trips a non-default spec through the URL', () => {
    const spec: SampleSpec = parseSpec({
      ...DEFAULT_SPEC,
      target: { type: 'preset', name: 'grid25' },
      solver: { name: 'ddim' },
      schedule: { type: 'time-quadratic' },
      nfe: 8,
      n: 2048,
      seed: 3,
    });
    const url = specUrl(spec, 'http://127.0.0.1:4173/some/path?other=1#frag');
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('http://127.0.0.1:4173/some/path');
    expect(parsed.hash).toBe('');
    const param = parsed.searchParams.get('spec')!;
    // the link format's version, then base64url: nothing in it needs escaping in a URL
    expect(param).toMatch(/^2\.grid25\.[A-Za-z0-9_-]+$/);
    const decoded = specFromSearch(parsed.search);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.spec).toEqual(spec);
  });

  it('round-trips a custom mixture and non-round floats exactly', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      target: { type: 'gmm', weights: [0.3, 0.7], means: [[0.1, -0.2], [1 / 3, 2 / 3]], covs: [[[0.01, 0], [0, 0.02]], [[0.05, 0.01], [0.01, 0.05]]] },
      tEnd: 0.0023,
    });
    const decoded = decodeSpecParam(encodeSpecParam(spec));
    expect(decoded.notice).toBeUndefined();
    expect(decoded.spec).toEqual(spec);
  });

  it('no parameter gives the default spec and no notice', () => {
    expect(specFromSearch('')).toEqual({ spec: DEFAULT_SPEC });
    expect(specFromSearch('?other=1')).toEqual({ spec: DEFAULT_SPEC });
  });

  it('a garbage parameter falls back to the default spec with a notice about the spec parameter', () => {
    for (const garbage of ['garbage', '%%%', '!!', 'a', '']) {
      const decoded = specFromSearch(`?spec=${garbage}`);
      expect(decoded.spec).toEqual(DEFAULT_SPEC);
      expect(decoded.notice).toMatch(/spec/);
      expect(decoded.notice).toMatch(/default/);
    }
    // valid base64url of something that is not JSON
    expect(decodeSpecParam(base64Url('{not json')).notice).toMatch(/JSON/);
  });

  it('an invalid field is dropped back to the base with a notice naming the field and the value', () => {
    // (format-1 links, written by hand here; the other fields are the default spec's, so the result is too)
    const decoded = decodeSpecParam(base64Url(JSON.stringify({ ...DEFAULT_SPEC, nfe: -3 })));
    expect(decoded.spec).toEqual(DEFAULT_SPEC);
    expect(decoded.notice).toContain('spec.nfe: got -3');

    const badPreset = decodeSpecParam(base64Url(JSON.stringify({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'nope' }, nfe: 7 })));
    expect(badPreset.notice).toContain('spec.target.name: got "nope"');
    expect(badPreset.notice).toContain('ring8');
    // the valid change beside it is kept
    expect(badPreset.spec).toEqual({ ...DEFAULT_SPEC, nfe: 7 });

    const future = decodeSpecParam(base64Url(JSON.stringify({ ...DEFAULT_SPEC, version: 2 })));
    expect(future.notice).toContain('spec.version: got 2');
    expect(future.spec).toEqual(DEFAULT_SPEC);
  });

  it('a repeated parameter is refused', () => {
    const p = encodeSpecParam(DEFAULT_SPEC);
    const decoded = specFromSearch(`?spec=${p}&spec=${p}`);
    expect(decoded.spec).toEqual(DEFAULT_SPEC);
    expect(decoded.notice).toMatch(/spec: given 2 times/);
  });

  it('carries a full drawn dataset (256 points, 3 decimals) and a full-precision 2-D dataset', () => {
    const drawn = Array.from({ length: MAX_COMPONENTS }, (_, i) => [Math.round(1000 * Math.cos(i)) / 1000 - 1, Math.round(1000 * Math.sin(3 * i)) / 1000]);
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'points', points: drawn } });
    expect(specLinkProblem(spec)).toBeUndefined();
    // about 7 kB: far under the limit
    expect(encodeSpecParam(spec).length).toBeLessThan(8000);
    expect(specFromSearch(new URL(specUrl(spec, 'http://127.0.0.1:4173/')).search)).toEqual({ spec });

    const precise = parseSpec({ ...DEFAULT_SPEC, target: { type: 'points', points: drawn.map(([x, y]) => [x / 3, y / 7]) } });
    expect(specLinkProblem(precise)).toBeUndefined();
    expect(decodeSpecParam(encodeSpecParam(precise))).toEqual({ spec: precise });
    expect(encodeSpecParam(precise).length).toBeLessThan(MAX_PARAM_LENGTH / 2);
  });

  it('says when a dataset is too large for a link, with its size and the limit', () => {
    // 256 points of dimension 64 at full float64 precision: about 100 kB of compressed digits
    const dim = 4 * MAX_DIM;
    const points = Array.from({ length: MAX_COMPONENTS }, (_, i) => Array.from({ length: dim }, (_, j) => Math.sin(i * dim + j) / 3));
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'points', points } });
    const length = encodeSpecParam(spec).length;
    expect(length).toBeGreaterThan(MAX_PARAM_LENGTH);
    expect(specLinkProblem(spec)).toBe(
      `This spec is too large for a link (its target: ${MAX_COMPONENTS} points of dimension ${dim}): it needs ${length} characters; allowed: at most ${MAX_PARAM_LENGTH}. The address bar does not hold it; save the target as a file to share it.`,
    );
    // which is what the decoder would refuse
    expect(decodeSpecParam(encodeSpecParam(spec)).notice).toMatch(/more than the 65536 allowed/);
  });
});

describe('shareable URL codec: the glyphs16 image target', () => {
  it('round-trips glyphs16 with its options, and fills the defaults of a bare one', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'glyphs16', components: 4, pixelStd: 0.35 }, n: 64 });
    const decoded = specFromSearch(new URL(specUrl(spec, 'http://127.0.0.1:4173/')).search);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.spec).toEqual(spec);
    expect(decoded.spec.target).toEqual({ type: 'glyphs16', components: 4, pixelStd: 0.35 });
    expect(specLinkProblem(spec)).toBeUndefined();
    const bare = decodeSpecParam(base64Url(JSON.stringify({ ...DEFAULT_SPEC, target: { type: 'glyphs16' } })));
    expect(bare.notice).toBeUndefined();
    expect(bare.spec.target).toEqual({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
  });

  it('drops glyphs16 components out of range from a link, naming the field and value', () => {
    const decoded = decodeSpecParam(base64Url(JSON.stringify({ ...DEFAULT_SPEC, target: { type: 'glyphs16', components: 11 } })));
    // the component count goes back to the glyph target's default; the image target itself is kept
    expect(decoded.spec).toEqual({ ...DEFAULT_SPEC, target: { type: 'glyphs16', components: 10, pixelStd: 0.2 } });
    expect(decoded.notice).toMatch(/components/);
    expect(decoded.notice).toMatch(/11/);
  });

  it('round-trips 6 configurations (the spec’s own and 5 compared, each with options and a schedule) in under 2000 characters', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      target: { type: 'preset', name: 'grid25' },
      solver: { name: 'unipc', order: 3, variant: 'bh1' },
      schedule: { type: 'karras', rho: 5.5 },
      nfe: 12,
      seed: 41,
      compare: [
        { solver: { name: 'ddim' } },
        { solver: { name: 'dpmpp-2m', solverType: 'taylor', lowerOrderFinal: false }, schedule: { type: 'time-uniform' } },
        { solver: { name: 'dpmpp-3m' }, schedule: { type: 'polyexponential', rho: 2.25, appendZero: false } },
        { solver: { name: 'unipc', order: 2, corrector: false }, schedule: { type: 'edm-vp', epsilonS: 0.002 } },
        { solver: { name: 'deis', order: 2 }, schedule: { type: 'logsnr' } },
      ],
    });
    const url = specUrl(spec, 'http://127.0.0.1:4173/');
    expect(url.length).toBeLessThan(2000);
    const decoded = specFromSearch(new URL(url).search);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.spec).toEqual(spec);
    expect(decoded.spec.compare).toHaveLength(5);
    // an empty list (the page's "compare nothing") is not the same as none (the page's default pair): it travels too
    const none = parseSpec({ ...DEFAULT_SPEC, compare: [] });
    expect(decodeSpecParam(encodeSpecParam(none)).spec).toEqual(none);
    expect(decodeSpecParam(encodeSpecParam(parseSpec(DEFAULT_SPEC))).spec).not.toHaveProperty('compare');
  });

  it('a link with a bad compared configuration opens without the list and names the field', () => {
    const good = parseSpec({ ...DEFAULT_SPEC, nfe: 8, compare: [{ solver: { name: 'ddim' } }] });
    const param = encodeSpecParam(good);
    // the same link, hand-edited: compare.0's schedule parameter out of range
    const bad = encodeSpecParam({ ...good, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'shift', s: -2, appendZero: true } }] } as SampleSpec);
    expect(decodeSpecParam(param).spec).toEqual(good);
    const decoded = decodeSpecParam(bad);
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, nfe: 8 }));
    expect(decoded.notice).toMatch(/spec\.compare\.0\.schedule\.s: got -2/);
  });
});
