// The link format (issue #8 "Links and runs"): round trips of a 100-link corpus of random valid specs, URL lengths of
// every preset-derived state, tampered and truncated links, and links of format 1 (before the diff format).
// Links that must be built byte by byte are made here with node:zlib (deflate-raw, crc32), independently of the
// codec, from the format the codec documents: `2.` + base id + `.` + base64url(LEB128 length ‖ CRC-32 BE of `base\n` + JSON ‖ deflate-raw(JSON)).

import { crc32 as zlibCrc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PDE_PRESETS, PEARSON_CLASSES, grayScottPearson } from '../core/pde/presets.ts';
import { TARGET_PRESETS } from '../core/sampling/presets.ts';
import { SOLVER_NAMES } from '../core/sampling/solvers.ts';
import { FuzzRng, randomPdeSpec, randomSampleSpec } from '../core/spec/fuzz.testing.ts';
import { parsePdeSpec, type PdeSpec } from '../core/spec/pdeSpec.ts';
import { DEFAULT_SPEC, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import { LINK_FORMAT_VERSION, mergeApply, mergeDiff, parseJsonPrefix } from './linkCodec.ts';
import { DEFAULT_PDE_SPEC, PDE_PARAM, decodePdeParam, encodePdeParam, pdeSpecFromSearch, pdeUrl } from './pdeUrl.ts';
import { SPEC_PARAM, decodeSpecParam, encodeSpecParam, specFromSearch, specUrl } from './url.ts';

const PAGE = 'http://127.0.0.1:4173/';
const CORPUS_SIZE = 100;

/** the first `count` random specs the fuzz generator draws that the schema accepts */
function validCorpus<S>(count: number, draw: (rng: FuzzRng) => unknown, parse: (input: unknown) => S, keep: (s: S) => boolean = () => true): S[] {
  const rng = new FuzzRng(0x11e8);
  const out: S[] = [];
  for (let tries = 0; out.length < count && tries < 100 * count; tries++) {
    try {
      const spec = parse(draw(rng));
      if (keep(spec)) out.push(spec);
    } catch {
      // an invalid draw: the corpus is of valid specs
    }
  }
  return out;
}

const samplerCorpus = validCorpus(CORPUS_SIZE, randomSampleSpec, parseSpec);
const pdeCorpus = validCorpus(CORPUS_SIZE, randomPdeSpec, parsePdeSpec, (s) => s.ic.type !== 'file');

/** a format-2 parameter value made by hand from a base id and an envelope (see the header comment) */
function handMadeLink(base: string, envelope: unknown): string {
  const json = Buffer.from(JSON.stringify(envelope), 'utf8');
  const deflated = deflateRawSync(json);
  const length: number[] = [];
  for (let n = deflated.length; ; n >>>= 7) {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    if (n <= 0x7f) break;
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlibCrc32(Buffer.concat([Buffer.from(`${base}\n`, 'utf8'), json])));
  return `2.${base}.${Buffer.concat([Buffer.from(length), crc, deflated]).toString('base64url')}`;
}

/** format 1: base64url of the spec's compact JSON */
const v1Link = (spec: unknown) => Buffer.from(JSON.stringify(spec), 'utf8').toString('base64url');

/** the spec the value decodes to passes the schema unchanged (a valid state) */
function expectValidSampler(spec: SampleSpec) {
  expect(parseSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
}
function expectValidPde(spec: PdeSpec) {
  expect(parsePdeSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
}

describe('link corpus: random valid specs round-trip without loss', () => {
  it(`has ${CORPUS_SIZE} sampler specs and ${CORPUS_SIZE} PDE specs, of many kinds`, () => {
    expect(samplerCorpus).toHaveLength(CORPUS_SIZE);
    expect(pdeCorpus).toHaveLength(CORPUS_SIZE);
    // the corpus covers more than the presets: mixtures, datasets, several processes and solvers, non-zero seeds
    expect(new Set(samplerCorpus.map((s) => s.target.type)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(samplerCorpus.map((s) => s.process.type)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(samplerCorpus.map((s) => s.solver.name)).size).toBeGreaterThanOrEqual(20);
    expect(samplerCorpus.filter((s) => s.seed !== 0).length).toBeGreaterThan(50);
    expect(new Set(pdeCorpus.map((s) => s.equation)).size).toBeGreaterThanOrEqual(5);
  });

  it('sampler: every spec comes back deep-equal through the full URL, with no notice', () => {
    for (const spec of samplerCorpus) {
      const url = specUrl(spec, `${PAGE}?other=1#x`);
      const value = new URL(url).searchParams.get(SPEC_PARAM)!;
      expect(value.startsWith(`${LINK_FORMAT_VERSION}.`)).toBe(true);
      const decoded = specFromSearch(new URL(url).search);
      expect(decoded.notice).toBeUndefined();
      expect(decoded.spec).toEqual(spec);
      expect(decoded.spec.seed).toBe(spec.seed);
    }
  });

  it('PDE: every spec comes back deep-equal through the full URL, with no notice', () => {
    for (const spec of pdeCorpus) {
      const decoded = pdeSpecFromSearch(new URL(pdeUrl(spec, PAGE)).search);
      expect(decoded.notice).toBeUndefined();
      expect(decoded.spec).toEqual(spec);
    }
  });

  it('carries the seed and the base inside the compressed envelope (read back by hand)', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'grid25' }, solver: { name: 'ddim' }, seed: 123456 });
    const [version, base, body64] = encodeSpecParam(spec).split('.');
    expect(version).toBe('2');
    // the base stands in the clear, before the compressed part
    expect(base).toBe('grid25');
    const bytes = Buffer.from(body64, 'base64url');
    let at = 0;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      length += (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    const crc = bytes.readUInt32BE(at);
    const body = bytes.subarray(at + 4);
    expect(body.length).toBe(length);
    const json = inflateRawSync(body);
    expect(zlibCrc32(Buffer.concat([Buffer.from('grid25\n'), json]))).toBe(crc);
    const envelope = JSON.parse(json.toString('utf8'));
    expect(envelope.s).toBe(123456);
    // only what differs from the base: the solver (the target is the base's own)
    expect(envelope.d).toEqual({ solver: { name: 'ddim' } });
  });
});

describe('preset-derived states give URLs under 2 000 characters', () => {
  it('each target preset × each solver, and each PDE preset (and every Pearson class)', () => {
    const urls: { what: string; url: string }[] = [];
    for (const name of TARGET_PRESETS)
      for (const solver of SOLVER_NAMES) {
        // the preset with the solver picked, and the same with the other common controls changed too
        const picked = parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name }, solver: { name: solver } });
        const changed = parseSpec({ ...picked, schedule: { type: 'karras', rho: 7 }, tStart: undefined, tEnd: undefined, process: { type: 'edm' }, nfe: 37, n: 65536, seed: 4294967295 });
        urls.push({ what: `${name} × ${solver}`, url: specUrl(picked, PAGE) }, { what: `${name} × ${solver} (edm, karras, nfe 37, n 65536)`, url: specUrl(changed, PAGE) });
      }
    for (const preset of PDE_PRESETS) {
      const spec = parsePdeSpec(preset.spec);
      urls.push({ what: `pde ${preset.id}`, url: pdeUrl(spec, PAGE) }, { what: `pde ${preset.id} (seed, dt changed)`, url: pdeUrl({ ...spec, seed: 4294967295, dt: spec.dt / 3 }, PAGE) });
    }
    for (const c of PEARSON_CLASSES) for (const [F, k] of c.examples) urls.push({ what: `pde gray-scott ${c.name} (${F}, ${k})`, url: pdeUrl(parsePdeSpec(grayScottPearson(F, k)), PAGE) });
    const longest = urls.reduce((a, b) => (b.url.length > a.url.length ? b : a));
    console.info(`link lengths: ${urls.length} preset-derived URLs; the longest is ${longest.url.length} characters (${longest.what}): ${longest.url}`);
    for (const { what, url } of urls) expect(url.length, what).toBeLessThan(2000);
    // and every one of them opens to its spec
    for (const { url } of urls) {
      const search = new URL(url).search;
      expect((new URL(url).searchParams.has(PDE_PARAM) ? pdeSpecFromSearch(search) : specFromSearch(search)).notice).toBeUndefined();
    }
  });
});

describe('tampered and truncated links open a valid state with a notice', () => {
  const sample = samplerCorpus.slice(0, 12);
  const pdeSample = pdeCorpus.slice(0, 8);

  it('a flipped byte anywhere (sampler and PDE): a valid spec and a notice that says the link is damaged or cut', () => {
    let cases = 0;
    let unchanged = 0;
    for (const [encode, decode, valid] of [
      [encodeSpecParam, decodeSpecParam, expectValidSampler],
      [encodePdeParam, decodePdeParam, expectValidPde],
    ] as const) {
      for (const spec of (encode === encodeSpecParam ? sample : pdeSample) as never[]) {
        const value = (encode as (s: never) => string)(spec);
        const prefix = value.slice(0, value.lastIndexOf('.') + 1);
        const bytes = Buffer.from(value.slice(prefix.length), 'base64url');
        for (let i = 0; i < bytes.length; i += i < 8 ? 1 : Math.max(1, Math.floor(bytes.length / 12))) {
          for (const mask of [0x01, 0x80, 0xff]) {
            const flipped = Buffer.from(bytes);
            flipped[i] ^= mask;
            const decoded = (decode as (v: string) => { spec: never; notice?: string })(`${prefix}${flipped.toString('base64url')}`);
            (valid as (s: never) => void)(decoded.spec);
            // never a silently different state: either the notice says so, or the flip changed nothing that is
            // read (padding bits after deflate's end-of-block code, the BFINAL bit of the only block, a length one
            // short that drops only such padding): then the checksum of the whole text matches and the spec is the sender's
            if (decoded.notice === undefined) {
              expect(decoded.spec, `byte ${i} of ${bytes.length} ^ ${mask}`).toEqual(spec);
              unchanged++;
            } else expect(decoded.notice, `byte ${i} of ${bytes.length} ^ ${mask}`).toMatch(/damaged|cut short|header/);
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(400);
    expect(unchanged).toBeLessThan(cases / 10);
  });

  it('a damaged link (every byte there, checksum wrong) opens the preset it was based on and names the dropped changes', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'two-moons-gmm' }, solver: { name: 'ddim' }, nfe: 25, seed: 9 });
    const value = encodeSpecParam(spec);
    const prefix = value.slice(0, value.lastIndexOf('.') + 1);
    const bytes = Buffer.from(value.slice(prefix.length), 'base64url');
    bytes[1] ^= 0x10; // inside the CRC: the contents are intact, so the notice can name what it drops
    const decoded = decodeSpecParam(`${prefix}${bytes.toString('base64url')}`);
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'two-moons-gmm' } }));
    expect(decoded.notice).toContain('checksum does not match');
    expect(decoded.notice).toContain('spec.solver');
    expect(decoded.notice).toContain('spec.nfe');
    expect(decoded.notice).toContain('two-moons-gmm');
  });

  it('a change anywhere in the compressed part still opens the preset the link names, with a notice', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'swiss-roll-gmm' }, solver: { name: 'ddim' }, nfe: 12, n: 512, seed: 99 });
    const value = encodeSpecParam(spec);
    const start = value.lastIndexOf('.') + 1;
    for (let at = start; at < value.length - 1; at++) {
      const decoded = decodeSpecParam(value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1));
      expect(decoded.spec.target, `character ${at}`).toEqual({ type: 'preset', name: 'swiss-roll-gmm' });
      expect(decoded.notice, `character ${at}`).toMatch(/damaged|cut short/);
    }
    // and a changed base id is one the app does not know: the default base, said so
    const renamed = decodeSpecParam(value.replace('swiss-roll-gmm', 'swiss-roll-gmn'));
    expect(renamed.spec.target).toEqual(DEFAULT_SPEC.target);
    expect(renamed.notice).toMatch(/"swiss-roll-gmn" is not one this app knows.*damaged/);
  });

  it('every truncation of a link (sampler and PDE) opens a valid spec with a notice', () => {
    for (const spec of sample.slice(0, 6)) {
      const value = encodeSpecParam(spec);
      for (let cut = 0; cut < value.length; cut++) {
        const decoded = decodeSpecParam(value.slice(0, cut));
        expectValidSampler(decoded.spec);
        expect(decoded.notice, `cut at ${cut} of ${value.length}`).toMatch(/\S/);
      }
    }
    for (const spec of pdeSample.slice(0, 4)) {
      const value = encodePdeParam(spec);
      for (let cut = 0; cut < value.length; cut++) {
        const decoded = decodePdeParam(value.slice(0, cut));
        expectValidPde(decoded.spec);
        expect(decoded.notice, `cut at ${cut} of ${value.length}`).toMatch(/\S/);
      }
    }
  });

  it('a link cut near its end keeps the changes read before the cut, and its seed', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'grid25' }, solver: { name: 'ddim' }, schedule: { type: 'time-quadratic' }, nfe: 17, n: 1024, seed: 77 });
    const value = encodeSpecParam(spec);
    const decoded = decodeSpecParam(value.slice(0, -2));
    expect(decoded.notice).toMatch(/cut short/);
    expect(decoded.notice).toMatch(/kept \(spec\.solver/);
    expect(decoded.spec.target).toEqual({ type: 'preset', name: 'grid25' });
    expect(decoded.spec.solver).toEqual({ name: 'ddim' });
    expect(decoded.spec.schedule).toEqual({ type: 'time-quadratic' });
    expect(decoded.spec.seed).toBe(77);
    // `n` was the last field written: lost with the cut, back to the preset's
    expect(decoded.spec.n).toBe(DEFAULT_SPEC.n);
  });

  it('characters that are not base64url from some point on count as a cut there', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' }, nfe: 17, seed: 5 });
    const value = encodeSpecParam(spec);
    const decoded = decodeSpecParam(`${value.slice(0, -3)}%!*`);
    expectValidSampler(decoded.spec);
    expect(decoded.notice).toMatch(/not base64url/);
  });

  it('a field that does not validate is dropped back to the base, the rest kept, and the notice names field, value and range', () => {
    const link = handMadeLink('grid25', { s: 3, d: { solver: { name: 'ddim' }, nfe: -3, n: 2048 } });
    const decoded = decodeSpecParam(link);
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name: 'grid25' }, solver: { name: 'ddim' }, n: 2048, seed: 3 }));
    expect(decoded.notice).toMatch(/spec\.nfe: got -3; .*>=\s*1/);
    const pde = decodePdeParam(handMadeLink('ks-kassam-trefethen', { s: 1, d: { dt: -1, stepper: 'rk4', bogus: 1 } }));
    expect(pde.spec).toEqual({ ...DEFAULT_PDE_SPEC, stepper: 'rk4', seed: 1 });
    expect(pde.notice).toContain('pde.dt: got -1');
    expect(pde.notice).toContain('"bogus"');
  });

  it('an unknown base opens the default base with the changes that validate, and says so', () => {
    const decoded = decodeSpecParam(handMadeLink('no-such-preset', { s: 4, d: { solver: { name: 'ddim' } } }));
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' }, seed: 4 }));
    expect(decoded.notice).toContain('"no-such-preset" is not one this app knows');
  });

  it('a base that changed since the link was made still opens, with a notice that the numbers may differ', () => {
    const decoded = decodeSpecParam(handMadeLink('ring8', { h: 'stale', s: 0, d: { nfe: 12 } }));
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, nfe: 12 }));
    expect(decoded.notice).toMatch(/ring8 has changed since this link was made/);
  });

  it('refuses a newer format, an unknown one, and a link that inflates past the limit, with the default spec', () => {
    expect(decodeSpecParam('3.AAAA')).toEqual({ spec: DEFAULT_SPEC, notice: expect.stringMatching(/version 3 is newer than this app reads \(1 … 2\)/) });
    expect(decodeSpecParam('0.AAAA').notice).toMatch(/version 0 does not exist/);
    const bomb = handMadeLink('ring8', { d: {}, pad: ' '.repeat(2 << 20) });
    expect(bomb.length).toBeLessThan(8000);
    expect(decodeSpecParam(bomb)).toEqual({ spec: DEFAULT_SPEC, notice: expect.stringMatching(/inflates to more than 1048576 bytes/) });
  });

  it('never throws on arbitrary text', () => {
    const rng = new FuzzRng(8);
    const alphabet = 'AZaz09-_.{}":,2 %';
    for (let i = 0; i < 2000; i++) {
      const text = (rng.chance(0.5) ? '2.' : '') + Array.from({ length: rng.int(0, 60) }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
      const decoded = decodeSpecParam(text);
      expectValidSampler(decoded.spec);
      const pde = decodePdeParam(text);
      expectValidPde(pde.spec);
    }
  });
});

describe('format 1 links (before the diff format) still open to the same spec', () => {
  it('every corpus spec and every PDE preset, as base64url JSON; PDE also as plain JSON', () => {
    for (const spec of samplerCorpus) expect(decodeSpecParam(v1Link(spec))).toEqual({ spec });
    for (const spec of [...pdeCorpus, ...PDE_PRESETS.map((p) => parsePdeSpec(p.spec))]) {
      expect(decodePdeParam(v1Link(spec))).toEqual({ spec });
      expect(decodePdeParam(JSON.stringify(spec))).toEqual({ spec });
    }
  });

  it('a format-1 link that leaves fields out still means the schema defaults (not the base values)', () => {
    // edm's default tStart is σ_max = 80; the sampler base (vp-linear) has tStart 1
    const edm = { version: 1, kind: 'sample', process: { type: 'edm' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'heun' }, schedule: { type: 'karras' }, nfe: 9 };
    expect(decodeSpecParam(v1Link(edm))).toEqual({ spec: parseSpec(edm) });
    expect(decodeSpecParam(v1Link(edm)).spec.tStart).toBe(80);
    expect(decodePdeParam(JSON.stringify({ version: 1, kind: 'pde', equation: 'kdv' }))).toEqual({ spec: parsePdeSpec({ version: 1, kind: 'pde', equation: 'kdv' }) });
  });

  it('a literal link written by the format-1 encoder opens unchanged', () => {
    // made by the encoder of commit d05ac5c (url.ts before issue #8) for {…DEFAULT_SPEC, solver ddim, nfe 8, seed 3}
    const literal =
      'eyJ2ZXJzaW9uIjoxLCJraW5kIjoic2FtcGxlIiwicHJvY2VzcyI6eyJ0eXBlIjoidnAtbGluZWFyIiwiYmV0YTAiOjAuMSwiYmV0YTEiOjIwfSwidGFyZ2V0Ijp7InR5cGUiOiJwcmVzZXQiLCJuYW1lIjoicmluZzgifSwic29sdmVyIjp7Im5hbWUiOiJkZGltIn0sInNjaGVkdWxlIjp7InR5cGUiOiJsb2dzbnIifSwibmZlIjo4LCJ0U3RhcnQiOjEsInRFbmQiOjAuMDAxLCJuIjo0MDk2LCJzZWVkIjozfQ';
    expect(specFromSearch(`?spec=${literal}`)).toEqual({ spec: parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' }, nfe: 8, seed: 3 }) });
  });

  it('a bad field in a format-1 link is dropped back to the base, the rest kept', () => {
    const decoded = decodeSpecParam(v1Link({ ...DEFAULT_SPEC, solver: { name: 'ddim' }, nfe: -3 }));
    expect(decoded.spec).toEqual(parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' } }));
    expect(decoded.notice).toContain('spec.nfe: got -3');
  });
});

describe('merge patch and prefix reader', () => {
  it('mergeDiff then mergeApply gives the target, deleting what the target lacks', () => {
    const base = { a: 1, b: { c: 2, d: [1, 2] }, e: 'x' };
    const target = { a: 1, b: { c: 3, d: [1, 2] }, f: true };
    const patch = mergeDiff(base, target);
    expect(patch).toEqual({ b: { c: 3 }, e: null, f: true });
    expect(mergeApply(base, patch)).toEqual(target);
    // a __proto__ key in a patch is data, not a prototype
    const applied = mergeApply({}, JSON.parse('{"__proto__":{"polluted":1}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(applied)).toEqual(['__proto__']);
  });

  it('parseJsonPrefix keeps complete members of the outer two levels and drops half-read values', () => {
    expect(parseJsonPrefix('{"b":"ring8","s":4,"d":{"solver":{"name":"ddim"},"nfe":1')).toEqual({ value: { b: 'ring8', s: 4, d: { solver: { name: 'ddim' } } }, complete: false, cutAt: 'nfe' });
    expect(parseJsonPrefix('{"b":"ring8","d":{"solver":{"name":"dd')?.value).toEqual({ b: 'ring8', d: {} });
    expect(parseJsonPrefix('{"d":{"target":{"points":[[1,2],[3')?.value).toEqual({ d: {} });
    expect(parseJsonPrefix('nope')).toBeUndefined();
  });
});
