// The link format shared by the sampler lab (`?spec=…`, url.ts) and the PDE lab (`?lab=pde&pde=…`, pdeUrl.ts),
// issue #8 "Links and runs": a link is the spec's difference from a preset, compressed, with a format version and
// the seed inside, and opening it gives the same spec (so the same numbers: every run is a function of its spec).
//
// Format 2 (current), the parameter's value:   `2.` + base id + `.` + base64url( header ‖ deflate-raw(JSON) )
//   base id = the preset the spec is written against ([A-Za-z0-9_-], e.g. `grid25`, `ks-kassam-trefethen`)
//   header  = LEB128 length of the deflate bytes ‖ CRC-32 of `base id + "\n" + JSON` (4 bytes, big-endian)
//   JSON    = {"h": base fingerprint, "s": seed, "d": RFC 7396 merge patch from the base to the spec}
// Format 1 (before issue #8), still read: the whole spec as base64url of its JSON (`pde` also as plain JSON).
//
// Why each part:
// - the base: a short id the app knows (a target preset, a PDE preset), so a link says only what was changed. It
//   stands outside the compressed part so that damage there (which scrambles everything after it: the Huffman
//   tables come first) still leaves the preset readable, the nearest state the link surely meant. `d` is a JSON merge patch (RFC 7396: objects merge, `null` deletes, arrays and scalars replace; no spec value is
//   ever null, so null is free to mean "delete").
// - the fingerprint (`h`): CRC-32 of the base's JSON when the link was made. Presets can be edited later; a link
//   whose base changed still opens (its patch over today's preset) but says that the numbers may differ.
// - the length and CRC in the header tell a link cut short (fewer bytes than declared: the deflate prefix is exact,
//   so its complete fields are kept) from a tampered one (all bytes there, checksum wrong: nothing in it can be
//   trusted, so the base opens). Raw deflate has no checksum of its own.
// - the version prefix is read before anything else, so a later format can change everything after the dot.
//
// Migrations: LINK_FORMATS[v].read turns version v's text into its document; MIGRATIONS[v] turns a version-v document
// into a version-(v+1) document. A new format adds one `read` and one migration from the previous document; old links
// then run through every migration up to the current document, which `expand` turns into a spec.
//
// Decoding never throws. Whatever cannot be read or does not validate is dropped, field by field, back to the
// base's value, and the result carries a notice that names each dropped field and why.

import { Inflate, deflateSync } from 'fflate';
import { SpecError } from '../core/spec/spec.ts';

/** the format written by encodeLink; links of every earlier version are still read (MIGRATIONS) */
export const LINK_FORMAT_VERSION = 2;
/** decompressed JSON larger than this is refused (a tiny link must not inflate into gigabytes) */
export const MAX_LINK_JSON_BYTES = 1 << 20;

/** What a lab's link carries and how it is checked: one per lab (url.ts, pdeUrl.ts). */
export interface LinkKind<S extends { seed: number }> {
  /** the query parameter, also the prefix of field names in notices (`spec.nfe`, `pde.dt`) */
  param: string;
  /** what the fallback is called in a notice, e.g. "the default spec" */
  defaultName: string;
  /** base id → its spec (valid, defaults filled in); the ids links may name */
  bases(): ReadonlyMap<string, S>;
  /** the base used when a link names none the app knows */
  defaultBase: string;
  /** the base a new link of `spec` is written against */
  chooseBase(spec: S): string;
  /** validate and fill defaults; throws SpecError with one line per problem, `field: got value; allowed …` */
  parse(input: unknown): S;
  /** problems a valid spec still has for a link (e.g. a file initial condition), as `[path, message]` */
  linkProblems?(spec: S): [string[], string][];
}

export interface DecodedLink<S> {
  spec: S;
  /** why part or all of the link was not used; absent when the link was used as written */
  notice?: string;
}

// -------------------------------------------------------------------------------------------- bytes

/** base64url (no padding) of bytes */
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

let crcTable: Uint32Array | undefined;
/** CRC-32 (IEEE 802.3, the zip/PNG one) */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** a short fingerprint of a base spec: CRC-32 of its JSON in base 36 */
export function fingerprint(spec: unknown): string {
  return crc32(new TextEncoder().encode(canonicalJson(spec))).toString(36);
}

/** JSON with object keys sorted, so that two equal specs built in a different key order give the same text */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

// ----------------------------------------------------------------------------------- merge patch

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** the RFC 7396 merge patch that turns `base` into `target` (both JSON objects; undefined entries count as absent) */
export function mergeDiff(base: Record<string, unknown>, target: Record<string, unknown>): Record<string, Json> {
  const patch: Record<string, Json> = {};
  for (const [key, value] of Object.entries(target)) {
    if (value === undefined) continue;
    const from = Object.hasOwn(base, key) ? base[key] : undefined;
    if (deepEqual(from, value)) continue;
    patch[key] = isPlainObject(from) && isPlainObject(value) ? mergeDiff(from, value) : (value as Json);
  }
  for (const key of Object.keys(base)) if (base[key] !== undefined && (!Object.hasOwn(target, key) || target[key] === undefined)) patch[key] = null;
  return patch;
}

/** RFC 7396 apply: a new object, `target` untouched; own keys only, so `__proto__` in a patch is a plain key */
export function mergeApply(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isPlainObject(target)) for (const key of Object.keys(target)) out[key] = target[key];
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else out[key] = mergeApply(out[key], value);
  }
  return { ...out };
}

// ------------------------------------------------------------------------- a prefix of JSON text

/**
 * Parse the longest usable prefix of JSON text that was cut short. Values are kept only when complete, except
 * objects at depth < `partialDepth` (the envelope, the patch), which keep their complete members: each member of a
 * patch is one changed field, meaningful on its own, while a half-read array or nested object is not.
 * Returns undefined when not even the outer object started. `complete` says whether the text was whole.
 */
export function parseJsonPrefix(text: string, partialDepth = 2): { value: unknown; complete: boolean; cutAt?: string } | undefined {
  try {
    return { value: JSON.parse(text), complete: true };
  } catch {
    // fall through to the tolerant reader
  }
  let pos = 0;
  let cutAt: string | undefined;
  const CUT = Symbol('cut');
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const fail = (): never => {
    throw CUT;
  };
  const value = (depth: number): unknown => {
    ws();
    if (pos >= text.length) fail();
    const c = text[pos];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos));
    // a literal is complete only when something follows it (`1` may be the start of `1024`)
    if (!match || pos + match[0].length >= text.length) fail();
    pos += match![0].length;
    return JSON.parse(match![0]);
  };
  const string = (): string => {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(pos));
    if (!match) fail();
    pos += match![0].length;
    return JSON.parse(match![0]) as string;
  };
  const array = (depth: number): unknown[] => {
    pos++;
    const out: unknown[] = [];
    ws();
    if (text[pos] === ']') {
      pos++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] === ']') {
        pos++;
        return out;
      } else fail();
    }
  };
  const object = (depth: number): Record<string, unknown> => {
    pos++;
    const out: Record<string, unknown> = {};
    ws();
    if (text[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      ws();
      let key: string | undefined;
      try {
        if (text[pos] !== '"') fail();
        key = string();
        ws();
        if (text[pos] !== ':') fail();
        pos++;
        out[key] = value(depth + 1);
      } catch (error) {
        if (error !== CUT || depth >= partialDepth) throw error;
        cutAt ??= key;
        return out;
      }
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] === '}') {
        pos++;
        return out;
      } else if (depth < partialDepth) return out;
      else fail();
    }
  };
  ws();
  if (text[pos] !== '{') return undefined;
  try {
    const v = object(0);
    return { value: v, complete: false, cutAt };
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------ documents

/** the current document: what a link says, before it is checked against the schema */
export interface LinkDocument {
  /** base id (absent: the lab's default base) */
  base?: string;
  /** fingerprint of the base when the link was made */
  fingerprint?: string;
  seed?: unknown;
  patch: Record<string, unknown>;
  /** what went wrong while reading, for the notice; `dropAll` when nothing of the patch can be trusted */
  damage?: { reason: string; dropAll: boolean; kept?: string[]; lost?: string };
}

/** what reading the parameter text gave: a document of some version, or a reason it could not be read at all */
type Read = { version: number; document: unknown } | { error: string };

interface V1Document {
  /** the whole spec as written by format 1 */
  spec: unknown;
}

/** the text of each format version → its document */
export const LINK_FORMATS: Record<number, { read(text: string): Read }> = {
  1: { read: readV1 },
  2: { read: readV2 },
};

/**
 * MIGRATIONS[v] upgrades a version-v document to version v + 1. To change the format: write format v + 1's `read`,
 * its document type, and MIGRATIONS[v]; bump LINK_FORMAT_VERSION. Nothing else changes.
 */
export const MIGRATIONS: Record<number, (document: unknown, kind: LinkKind<{ seed: number }>) => unknown> = {
  // format 1 held the whole spec: make it a patch over the base its encoder would pick today. Leaving fields out of
  // a v1 spec meant "the schema's default": the patch deletes what the base has and the spec lacks, so that holds.
  1: (document, kind): LinkDocument => {
    const { spec } = document as V1Document;
    if (!isPlainObject(spec)) return { patch: {}, damage: { reason: `${kind.param}: not a JSON object`, dropAll: true } };
    const base = v1Base(spec, kind);
    return { base, patch: mergeDiff(kind.bases().get(base)! as unknown as Record<string, unknown>, spec) };
  },
};

/** the base for a format-1 spec: the encoder's choice when the spec is valid, else the default base */
function v1Base(spec: Record<string, unknown>, kind: LinkKind<{ seed: number }>): string {
  try {
    return kind.chooseBase(kind.parse(spec));
  } catch {
    return kind.defaultBase;
  }
}

function readV1(text: string): Read {
  let json = text;
  if (!text.startsWith('{')) {
    const bytes = base64UrlToBytes(text);
    if (!bytes) return { error: 'not base64url text' };
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { error: 'does not decode to UTF-8 text' };
    }
  }
  try {
    return { version: 1, document: { spec: JSON.parse(json) } satisfies V1Document };
  } catch {
    return { error: 'does not decode to JSON' };
  }
}

function writeVarint(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return out;
}

/** the deflate bytes' inflation: all of it, or (when the bytes stop early or go bad) the exact part before that */
function inflatePrefix(bytes: Uint8Array): { data: Uint8Array; complete: boolean; error?: string } {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tooLarge = false;
  const inflate = new Inflate((chunk) => {
    size += chunk.length;
    if (size > MAX_LINK_JSON_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  let complete = true;
  let error: string | undefined;
  try {
    // not final: the inflater stops where the bytes end and hands over what it decoded so far
    inflate.push(bytes, false);
    inflate.push(new Uint8Array(0), true);
  } catch (e) {
    complete = false;
    error = (e as Error).message;
  }
  if (tooLarge) return { data: new Uint8Array(0), complete: false, error: `inflates to more than ${MAX_LINK_JSON_BYTES} bytes` };
  const data = new Uint8Array(Math.min(size, MAX_LINK_JSON_BYTES));
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { data, complete, error };
}

function readV2(text: string): Read {
  const dot = text.indexOf('.');
  const baseText = dot < 0 ? '' : text.slice(0, dot);
  // an id with characters no base has is kept as text, so that the notice can show what the link said
  const baseId = baseText === '' ? undefined : baseText;
  const rest = text.slice(dot + 1);
  // a link cut inside a base64 quartet, or with characters that are not base64url from some point on, keeps
  // the longest readable prefix; the length in the header then tells the loss
  const valid = /^[A-Za-z0-9_-]*/.exec(rest)![0];
  const usable = valid.length % 4 === 1 ? valid.slice(0, -1) : valid;
  const bytes = base64UrlToBytes(usable) ?? new Uint8Array(0);
  const garbled = valid.length < rest.length;
  const headerCut = (): Read => ({
    version: 2,
    document: { base: baseId, patch: {}, damage: { reason: 'the link is cut short (inside its header)', dropAll: false, kept: [] } } satisfies LinkDocument,
  });
  // no dot after the base: the link was cut inside the base id, so even the preset is unknown
  if (dot < 0) return { version: 2, document: { patch: {}, damage: { reason: `the link is cut short (inside its base id ${JSON.stringify(text.slice(0, 40))})`, dropAll: false, kept: [] } } };
  let pos = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= bytes.length || shift > 28) return headerCut();
    const b = bytes[pos++];
    declared += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  if (pos + 4 > bytes.length) return headerCut();
  const crc = ((bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]) >>> 0;
  pos += 4;
  const body = bytes.subarray(pos, pos + declared);
  const cut = body.length < declared;
  const inflated = inflatePrefix(body);
  if (inflated.error?.startsWith('inflates to more')) return { error: inflated.error };
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: !cut }).decode(inflated.data);
  } catch {
    json = '';
  }
  const intact = !cut && inflated.complete && crc32(checkedBytes(baseText, inflated.data)) === crc;
  const parsed = parseJsonPrefix(json);
  const envelope = isPlainObject(parsed?.value) ? parsed.value : {};
  const document: LinkDocument = {
    base: baseId,
    fingerprint: typeof envelope.h === 'string' ? envelope.h : undefined,
    seed: envelope.s,
    patch: isPlainObject(envelope.d) ? envelope.d : {},
  };
  if (intact && parsed?.complete) return { version: 2, document };
  if (cut || (garbled && !intact)) {
    // the deflate prefix decodes exactly: its complete fields are what the sender wrote
    const kept = Object.keys(document.patch);
    document.damage = {
      reason: `the link is cut short (${body.length} of ${declared} compressed bytes${garbled ? ', then characters that are not base64url' : ''})`,
      dropAll: false,
      kept,
      lost: parsed?.cutAt,
    };
    return { version: 2, document };
  }
  // every byte is there but the checksum disagrees: any field may have been changed, so none is used; the base
  // id (outside the compressed part) is kept when it names a base the app knows (checked in expand)
  document.damage = { reason: 'the link is damaged (its checksum does not match its contents)', dropAll: true, kept: [] };
  document.seed = undefined;
  return { version: 2, document };
}

// ----------------------------------------------------------------------------------- encode/decode

/** The link parameter's value for `spec`, in the current format. */
export function encodeLink<S extends { seed: number }>(kind: LinkKind<S>, spec: S): string {
  const baseId = kind.chooseBase(spec);
  const base = kind.bases().get(baseId)!;
  const { seed, ...rest } = spec as S & Record<string, unknown>;
  const { seed: _baseSeed, ...baseRest } = base as S & Record<string, unknown>;
  const envelope = { h: fingerprint(base), s: seed, d: mergeDiff(baseRest, rest) };
  const json = new TextEncoder().encode(JSON.stringify(envelope));
  const deflated = deflateSync(json, { level: 9 });
  const crc = crc32(checkedBytes(baseId, json));
  const header = [...writeVarint(deflated.length), crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff];
  const bytes = new Uint8Array(header.length + deflated.length);
  bytes.set(header, 0);
  bytes.set(deflated, header.length);
  return `${LINK_FORMAT_VERSION}.${baseId}.${bytesToBase64Url(bytes)}`;
}

/** what the CRC covers: the base id (outside the compressed part) and the JSON */
function checkedBytes(baseId: string, json: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`${baseId}\n`);
  const out = new Uint8Array(head.length + json.length);
  out.set(head, 0);
  out.set(json, head.length);
  return out;
}

/** the version and body of a parameter value: `2.…` is format 2; anything without a version prefix is format 1 */
function splitVersion(text: string): { version: number; body: string } | { error: string } {
  const match = /^(\d{1,6})\.(.*)$/s.exec(text);
  if (!match) {
    // plain JSON, or base64url, which never contains a dot
    if (text.startsWith('{') || /^[A-Za-z0-9_-]*$/.test(text)) return { version: 1, body: text };
    return { error: 'neither a versioned link (like 2.…) nor JSON nor base64url text' };
  }
  const version = Number(match[1]);
  if (version > LINK_FORMAT_VERSION) return { error: `link format version ${version} is newer than this app reads (1 … ${LINK_FORMAT_VERSION}); open it in a newer Stepscope` };
  if (!LINK_FORMATS[version] || version === 1) return { error: `link format version ${version} does not exist (known: 1 … ${LINK_FORMAT_VERSION}; version 1 has no prefix)` };
  return { version, body: match[2] };
}

/** Prefix each schema problem with the parameter so the notice says where in the link it is. */
function qualify(param: string, problem: string): string {
  return problem.startsWith('(spec)') ? `${param}${problem.slice('(spec)'.length)}` : `${param}.${problem}`;
}

function listNames(param: string, keys: string[]): string {
  const shown = keys.slice(0, 8).map((k) => `${param}.${k.length > 24 ? `${k.slice(0, 21)}...` : k}`);
  return shown.join(', ') + (keys.length > 8 ? ` and ${keys.length - 8} more` : '');
}

/** the parameter path of an issue line `field.path: got …` (without the param prefix), or undefined */
function issuePath(problem: string): string[] | undefined {
  const match = /^([^:\s]+):/.exec(problem);
  if (!match || match[1] === '(spec)') return undefined;
  return match[1].split('.');
}

/** remove from `patch` the entry at the longest prefix of `path` that it has; returns the removed key path */
function dropFromPatch(patch: Record<string, unknown>, path: string[]): string[] | undefined {
  let node: Record<string, unknown> = patch;
  for (let i = 0; i < path.length; i++) {
    if (!Object.hasOwn(node, path[i])) return undefined;
    const next = node[path[i]];
    // stop at a leaf of the patch, or where the path goes on into something that is not an object of the patch
    if (i === path.length - 1 || !isPlainObject(next) || !Object.hasOwn(next, path[i + 1])) {
      delete node[path[i]];
      return path.slice(0, i + 1);
    }
    node = next;
  }
  return undefined;
}

/** Decode a link parameter's value (any format version). Never throws. */
export function decodeLink<S extends { seed: number }>(kind: LinkKind<S>, value: string): DecodedLink<S> {
  const fallback = (reason: string): DecodedLink<S> => ({
    spec: kind.bases().get(kind.defaultBase)!,
    notice: `The link's ${kind.param} parameter was not used (${kind.param}: ${reason}); showing ${kind.defaultName} instead.`,
  });
  try {
    const text = value.trim();
    if (text === '') return fallback('the parameter is empty');
    const split = splitVersion(text);
    if ('error' in split) return fallback(split.error);
    const read = LINK_FORMATS[split.version].read(split.body);
    if ('error' in read) return fallback(read.error);
    let document = read.document;
    for (let v = read.version; v < LINK_FORMAT_VERSION; v++) document = MIGRATIONS[v](document, kind as unknown as LinkKind<{ seed: number }>);
    return expand(kind, document as LinkDocument);
  } catch (error) {
    // a bug in this file must not cost the page: the default spec and the reason
    return fallback(`could not be read: ${(error as Error).message}`);
  }
}

/** The spec a document describes: its patch over its base, then fields that do not validate dropped back to the base. */
function expand<S extends { seed: number }>(kind: LinkKind<S>, document: LinkDocument): DecodedLink<S> {
  const p = kind.param;
  const notes: string[] = [];
  const bases = kind.bases();
  let baseId = document.base ?? kind.defaultBase;
  if (!bases.has(baseId)) {
    notes.push(`${p}: its base ${JSON.stringify(baseId.slice(0, 40))} is not one this app knows (known: ${[...bases.keys()].join(', ')}); its changes were applied to ${kind.defaultBase}`);
    baseId = kind.defaultBase;
  }
  const base = bases.get(baseId)!;
  if (document.fingerprint !== undefined && document.fingerprint !== fingerprint(base) && !document.damage?.dropAll)
    notes.push(`the preset ${baseId} has changed since this link was made: what the link did not change takes today's values, so the numbers may differ from the sender's`);

  const patch: Record<string, unknown> = { ...document.patch };
  delete patch.seed;
  if (document.seed !== undefined) patch.seed = document.seed;
  else if (Object.hasOwn(document.patch, 'seed')) patch.seed = document.patch.seed;

  const damage = document.damage;
  if (damage?.dropAll) {
    const names = Object.keys(patch);
    const what = names.length ? `its changes (${listNames(p, names)}) were not applied` : 'nothing in it could be used';
    const before = notes.length ? ` (${notes.join('. ')})` : '';
    return { spec: base, notice: `The link's ${p} parameter was only partly used${before}: ${damage.reason}; ${what}. Showing the preset ${baseId} as it is, the nearest state the link surely meant.` };
  }
  if (damage) {
    const kept = damage.kept?.filter((k) => k !== 'seed') ?? [];
    notes.push(
      `${damage.reason}: ${kept.length ? `the changes read before the cut were kept (${listNames(p, kept)})` : 'none of its changes could be read'}` +
        `${damage.lost ? `; ${p}.${damage.lost} and anything after it were lost` : '; anything after the cut was lost'}` +
        `${document.seed === undefined ? `; the seed was lost (the preset's ${base.seed} is used)` : ''}`,
    );
  }

  // drop what does not validate, field by field, back to the base's value; a problem in no field of the patch
  // (one field contradicting another the base holds) drops the whole patch
  const dropped: string[] = [];
  let spec: S | undefined;
  const limit = 64;
  for (let round = 0; round < limit && spec === undefined; round++) {
    let problems: string[];
    try {
      const candidate = kind.parse(mergeApply(base, patch));
      problems = (kind.linkProblems?.(candidate) ?? []).map(([path, message]) => `${path.join('.')}: ${message}`);
      if (problems.length === 0) {
        spec = candidate;
        break;
      }
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems = error.problems;
    }
    let progress = false;
    for (const problem of problems) {
      const path = issuePath(problem);
      const unknown = /: unknown field\(s\) (.*)$/.exec(problem);
      // `x: unknown field(s) "a", "b"` names the object; the keys to drop are inside it
      const paths = unknown ? [...unknown[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => [...(path ?? []), JSON.parse(`"${m[1]}"`) as string]) : path ? [path] : [];
      let removed = false;
      for (const each of paths) if (dropFromPatch(patch, each)) removed = true;
      if (removed) {
        dropped.push(qualify(p, problem));
        progress = true;
      }
    }
    if (!progress || round === limit - 1) {
      const rest = Object.keys(patch);
      dropped.push(...problems.map((q) => qualify(p, q)));
      if (rest.length) dropped.push(`and with them the link's other changes (${listNames(p, rest)}), which could not be applied without them`);
      spec = base;
    }
  }
  if (dropped.length) notes.push(`dropped, the preset's values kept instead: ${dropped.join('; ')}`);
  if (notes.length === 0) return { spec: spec! };
  return { spec: spec!, notice: `The link's ${p} parameter was only partly used (${notes.join('. ')}). Showing the nearest valid state (preset ${baseId} with the link's other changes).` };
}
