// The shareable URL (DESIGN §3): `?spec=<base64url of the spec's compact JSON>`. The spec carries its own
// `version`, so a link made today is read by the same schema tomorrow (or rejected with a clear message).
// Decoding never throws: any failure falls back to DEFAULT_SPEC and returns a notice that names the problem.
// Runs in the browser and in Node (the unit tests): only TextEncoder/TextDecoder, btoa/atob and URL.

import { DEFAULT_SPEC, SpecError, parseSpec, type SampleSpec } from '../core/spec/spec.ts';

/** the query parameter that carries the spec */
export const SPEC_PARAM = 'spec';

/**
 * A decoded parameter longer than this is refused before parsing. A spec is a few hundred bytes; a dataset
 * target of 256 2-D points fits easily (about 7 kB drawn, 20 kB at full float64 precision), but a large
 * high-dimensional one does not, and then the link cannot carry the spec (see specLinkProblem).
 */
export const MAX_PARAM_LENGTH = 64 * 1024;

export interface DecodedSpec {
  spec: SampleSpec;
  /** why the spec in the URL was not used (absent when it was, or when there was none) */
  notice?: string;
}

/** base64url (no padding) of bytes; shared with the PDE lab's link (pdeUrl.ts) */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** the bytes of base64url text, or null when it is not base64url */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** The spec as the value of the `spec` parameter: base64url (no padding) of its compact UTF-8 JSON. */
export function encodeSpecParam(spec: SampleSpec): string {
  return bytesToBase64Url(new TextEncoder().encode(JSON.stringify(spec)));
}

/** Prefix each schema problem with `spec.` so the notice says where in the link it is. */
function qualify(problem: string): string {
  return problem.startsWith('(spec)') ? `spec${problem.slice('(spec)'.length)}` : `spec.${problem}`;
}

function fallback(reason: string): DecodedSpec {
  return { spec: DEFAULT_SPEC, notice: `The link's spec parameter was not used (${reason}); showing the default spec instead.` };
}

/** Decode the value of a `spec` parameter. Never throws. */
export function decodeSpecParam(value: string): DecodedSpec {
  const text = value.trim();
  if (text === '') return fallback('spec: the parameter is empty');
  if (text.length > MAX_PARAM_LENGTH) return fallback(`spec: ${text.length} characters, more than the ${MAX_PARAM_LENGTH} allowed`);
  const bytes = base64UrlToBytes(text);
  if (!bytes) return fallback('spec: not base64url text');
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fallback('spec: does not decode to UTF-8 text');
  }
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch {
    return fallback('spec: does not decode to JSON');
  }
  try {
    return { spec: parseSpec(input) };
  } catch (error) {
    if (error instanceof SpecError) return fallback(error.problems.map(qualify).join('; '));
    return fallback(`spec: ${(error as Error).message}`);
  }
}

/** The spec named by a query string (`location.search`, with or without `?`); the default when absent. */
export function specFromSearch(search: string): DecodedSpec {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const values = params.getAll(SPEC_PARAM);
  if (values.length === 0) return { spec: DEFAULT_SPEC };
  if (values.length > 1) return fallback(`spec: given ${values.length} times, expected once`);
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
