// The PDE lab's shareable URL: `?lab=pde&pde=<link>`, <link> in the link format of linkCodec.ts (the spec's
// difference from a PDE preset, compressed, with the format version and the seed inside). The base of a PDE link is
// the preset (core/pde/presets.ts) from which the spec differs least (the shortest patch): a spec made by picking a
// preset and changing a few controls is written against that preset.
// Old links (`pde=<base64url of the spec's JSON>`, or plain JSON `pde={"version":1,…}` for hand-written ones) still
// open (linkCodec's migration 1 → 2). Decoding never throws: what cannot be used is dropped back to the base, with a
// notice naming it. ic.type 'file' cannot travel in a link (the array is not in the spec): it is dropped with a notice.

import { parsePdeSpec, type PdeSpec } from '../core/spec/pdeSpec.ts';
import { PDE_PRESETS } from '../core/pde/presets.ts';
import { type DecodedLink, type LinkKind, decodeLink, encodeLink, mergeDiff } from './linkCodec.ts';
import { MAX_PARAM_LENGTH } from './url.ts';

export const LAB_PARAM = 'lab';
export const PDE_PARAM = 'pde';
/** the page's labs: `?lab=pde`, `?lab=bench` (the benchmark page, issue #9), `?lab=lessons` (issue #8), `?lab=train` (issue #7), else the sampler lab */
export type Lab = 'samplers' | 'pde' | 'bench' | 'lessons' | 'train';

/** the lab's default: Kassam–Trefethen's KS (1D, small, fast everywhere) */
export const DEFAULT_PDE_PRESET = 'ks-kassam-trefethen';
export const DEFAULT_PDE_SPEC: PdeSpec = parsePdeSpec(PDE_PRESETS.find((p) => p.id === DEFAULT_PDE_PRESET)!.spec);

export function labFromSearch(search: string): Lab {
  const lab = new URLSearchParams(search).get(LAB_PARAM);
  return lab === 'pde' || lab === 'bench' || lab === 'lessons' || lab === 'train' ? lab : 'samplers';
}

let bases: Map<string, PdeSpec> | undefined;

/** the PDE link's bases: every PDE preset, by id */
export const PDE_LINK: LinkKind<PdeSpec> = {
  param: PDE_PARAM,
  defaultName: 'the default PDE spec',
  bases() {
    bases ??= new Map(PDE_PRESETS.map((p) => [p.id, parsePdeSpec(p.spec)]));
    return bases;
  },
  defaultBase: DEFAULT_PDE_PRESET,
  chooseBase(spec) {
    let best = DEFAULT_PDE_PRESET;
    let bestLength = Infinity;
    for (const [id, base] of PDE_LINK.bases()) {
      // the seed travels on its own, so it does not count
      const length = JSON.stringify(mergeDiff({ ...base, seed: 0 }, { ...spec, seed: 0 })).length;
      if (length < bestLength) [best, bestLength] = [id, length];
    }
    return best;
  },
  parse: parsePdeSpec,
  linkProblems: (spec) => (spec.ic.type === 'file' ? [[['ic', 'type'], 'got "file"; cannot travel in a link (the array is not part of the spec); upload the file instead']] : []),
};

export function encodePdeParam(spec: PdeSpec): string {
  return encodeLink(PDE_LINK, spec);
}

export type DecodedPdeSpec = DecodedLink<PdeSpec>;

function refused(reason: string): DecodedPdeSpec {
  return { spec: DEFAULT_PDE_SPEC, notice: `The link's pde parameter was not used (${reason}); showing the default PDE spec instead.` };
}

/** Decode the value of a `pde` parameter, of any link format version. Never throws. */
export function decodePdeParam(value: string): DecodedPdeSpec {
  const text = value.trim();
  if (text.length > MAX_PARAM_LENGTH) return refused(`pde: ${text.length} characters, more than the ${MAX_PARAM_LENGTH} allowed`);
  return decodeLink(PDE_LINK, text);
}

export function pdeSpecFromSearch(search: string): DecodedPdeSpec {
  const params = new URLSearchParams(search);
  const values = params.getAll(PDE_PARAM);
  if (values.length === 0) return { spec: DEFAULT_PDE_SPEC };
  if (values.length > 1) return refused(`pde: given ${values.length} times, expected once`);
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
