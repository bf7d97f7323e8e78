// The sampler lab's shareable URL (DESIGN §3, issue #8): `?spec=<link>` where <link> is the spec in the link format
// of linkCodec.ts: its difference from its base, compressed, with the format version and the seed inside.
// The base of a sampler link is the default spec (DEFAULT_SPEC) with the spec's target preset (ring8, grid25, …; a
// mixture, dataset or image target is written against ring8's): the target preset is the one control every lesson
// and preset starts from, so most links carry only the solver, the step budget and what else was changed.
// Links of the old format (`?spec=<base64url of the spec's JSON>`) still open (linkCodec's migration 1 → 2).
// Decoding never throws: what cannot be used is dropped back to the base, with a notice that names it.
// Runs in the browser and in Node (the unit tests).

import { DEFAULT_SPEC, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import { TARGET_PRESETS } from '../core/sampling/presets.ts';
import { type DecodedLink, type LinkKind, decodeLink, encodeLink } from './linkCodec.ts';

export { base64UrlToBytes, bytesToBase64Url } from './linkCodec.ts';

/** the query parameter that carries the spec */
export const SPEC_PARAM = 'spec';

/**
 * A parameter longer than this is refused before decoding. A spec is a few hundred bytes; a dataset target of 256
 * 2-D points fits easily, but a large high-dimensional one does not, and then the link cannot carry the spec (see
 * specLinkProblem).
 */
export const MAX_PARAM_LENGTH = 64 * 1024;

export type DecodedSpec = DecodedLink<SampleSpec>;

let bases: Map<string, SampleSpec> | undefined;

/** the sampler link's bases: the default spec with each target preset */
export const SAMPLER_LINK: LinkKind<SampleSpec> = {
  param: SPEC_PARAM,
  defaultName: 'the default spec',
  bases() {
    bases ??= new Map(TARGET_PRESETS.map((name) => [name, parseSpec({ ...DEFAULT_SPEC, target: { type: 'preset', name } })]));
    return bases;
  },
  defaultBase: (DEFAULT_SPEC.target as { name: string }).name,
  chooseBase: (spec) => (spec.target.type === 'preset' ? spec.target.name : SAMPLER_LINK.defaultBase),
  parse: parseSpec,
};

/** The spec as the value of the `spec` parameter (the current link format). */
export function encodeSpecParam(spec: SampleSpec): string {
  return encodeLink(SAMPLER_LINK, spec);
}

/** Decode the value of a `spec` parameter, of any link format version. Never throws. */
export function decodeSpecParam(value: string): DecodedSpec {
  const text = value.trim();
  if (text.length > MAX_PARAM_LENGTH)
    return { spec: DEFAULT_SPEC, notice: `The link's spec parameter was not used (spec: ${text.length} characters, more than the ${MAX_PARAM_LENGTH} allowed); showing the default spec instead.` };
  return decodeLink(SAMPLER_LINK, text);
}

/** The spec named by a query string (`location.search`, with or without `?`); the default when absent. */
export function specFromSearch(search: string): DecodedSpec {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const values = params.getAll(SPEC_PARAM);
  if (values.length === 0) return { spec: DEFAULT_SPEC };
  if (values.length > 1) return { spec: DEFAULT_SPEC, notice: `The link's spec parameter was not used (spec: given ${values.length} times, expected once); showing the default spec instead.` };
  return decodeSpecParam(values[0]);
}

/** Why `spec` cannot travel in a link (its parameter would be refused when read back), or undefined when it can. */
export function specLinkProblem(spec: SampleSpec): string | undefined {
  const length = encodeSpecParam(spec).length;
  if (length <= MAX_PARAM_LENGTH) return undefined;
  const target = spec.target.type === 'points' ? ` (its target: ${spec.target.points.length} points of dimension ${spec.target.points[0].length})` : '';
  return `This spec is too large for a link${target}: it needs ${length} characters; allowed: at most ${MAX_PARAM_LENGTH}. The address bar does not hold it; save the target as a file to share it.`;
}

/**
 * The absolute shareable URL of `spec`, relative to `base` (the page's href): same origin and path, the
 * `spec` parameter replaced, other parameters and the hash dropped.
 */
export function specUrl(spec: SampleSpec, base: string): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set(SPEC_PARAM, encodeSpecParam(spec));
  return url.toString();
}
