// The PDE lab's shareable URL: `?lab=pde&pde=<base64url of the spec's compact JSON>` (the sampler lab's codec
// style, url.ts). Plain JSON (`pde={"version":1,…}`, URL-escaped) is accepted too, for hand-written links.
// Decoding never throws: a bad value falls back to the default spec with a notice naming the field.
// ic.type 'file' cannot travel in a link (the array is not in the spec): it is refused with a notice.

import { SpecError } from '../core/spec/spec.ts';
import { parsePdeSpec, type PdeSpec } from '../core/spec/pdeSpec.ts';
import { PDE_PRESETS } from '../core/pde/presets.ts';
import { MAX_PARAM_LENGTH, base64UrlToBytes, bytesToBase64Url } from './url.ts';

export const LAB_PARAM = 'lab';
export const PDE_PARAM = 'pde';
/** the page's labs: `?lab=pde`, `?lab=bench` (the benchmark page, issue #9), else the sampler lab */
export type Lab = 'samplers' | 'pde' | 'bench';

/** the lab's default: Kassam–Trefethen's KS (1D, small, fast everywhere) */
export const DEFAULT_PDE_PRESET = 'ks-kassam-trefethen';
export const DEFAULT_PDE_SPEC: PdeSpec = parsePdeSpec(PDE_PRESETS.find((p) => p.id === DEFAULT_PDE_PRESET)!.spec);

export function labFromSearch(search: string): Lab {
  const lab = new URLSearchParams(search).get(LAB_PARAM);
  return lab === 'pde' || lab === 'bench' ? lab : 'samplers';
}

export function encodePdeParam(spec: PdeSpec): string {
  return bytesToBase64Url(new TextEncoder().encode(JSON.stringify(spec)));
}

export interface DecodedPdeSpec {
  spec: PdeSpec;
  notice?: string;
}

function fallback(reason: string): DecodedPdeSpec {
  return { spec: DEFAULT_PDE_SPEC, notice: `The link's pde parameter was not used (${reason}); showing the default PDE spec instead.` };
}

export function decodePdeParam(value: string): DecodedPdeSpec {
  const text = value.trim();
  if (text === '') return fallback('pde: the parameter is empty');
  if (text.length > MAX_PARAM_LENGTH) return fallback(`pde: ${text.length} characters, more than the ${MAX_PARAM_LENGTH} allowed`);
  let json = text;
  if (!text.startsWith('{')) {
    const bytes = base64UrlToBytes(text);
    if (!bytes) return fallback('pde: neither JSON nor base64url text');
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fallback('pde: does not decode to UTF-8 text');
    }
  }
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch {
    return fallback('pde: does not decode to JSON');
  }
  try {
    const spec = parsePdeSpec(input);
    if (spec.ic.type === 'file') return fallback('pde.ic.type: "file" cannot travel in a link (the array is not part of the spec); upload the file instead');
    return { spec };
  } catch (error) {
    if (error instanceof SpecError) return fallback(error.problems.map((p) => (p.startsWith('(spec)') ? `pde${p.slice(6)}` : `pde.${p}`)).join('; '));
    return fallback(`pde: ${(error as Error).message}`);
  }
}

export function pdeSpecFromSearch(search: string): DecodedPdeSpec {
  const params = new URLSearchParams(search);
  const values = params.getAll(PDE_PARAM);
  if (values.length === 0) return { spec: DEFAULT_PDE_SPEC };
  if (values.length > 1) return fallback(`pde: given ${values.length} times, expected once`);
  return decodePdeParam(values[0]);
}

/** the absolute link to the PDE lab with this spec (other parameters and the hash dropped) */
export function pdeUrl(spec: PdeSpec, base: string): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set(LAB_PARAM, 'pde');
  if (spec.ic.type !== 'file') url.searchParams.set(PDE_PARAM, encodePdeParam(spec));
  return url.toString();
}
