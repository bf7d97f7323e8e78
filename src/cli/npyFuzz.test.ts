// 1 000 malformed .npy files through the CLI (issue 10): as x_T (`sample --noise`) and as a dataset (`--points`),
// truncated, with a wrong magic, version or header, unsupported dtypes, Fortran order, huge, negative or wrong
// shapes, random bytes, and non-finite values. Each is refused with exit code 2 and a message naming the flag, and no
// output file (nor a temporary one) is left behind. In-process (main), so that a thousand runs take seconds.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serializeNpy } from '../core/io/npy.ts';
import { FuzzRng } from '../core/spec/fuzz.testing.ts';
import { EXIT_BAD_INPUT, main } from './main.ts';

const CASES = 1000;
const N = 8;
const D = 2;

/** a valid (N, D) float64 array's file, as the starting point of every corruption */
const valid = serializeNpy(Float64Array.from({ length: N * D }, (_, i) => i / 7), [N, D]);

/** the header dict of `valid` and the file rebuilt around another dict (version 1.0, padded like numpy) */
const headerOf = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
function withHeader(dict: string, data: Uint8Array): Uint8Array {
  let text = `${dict} `;
  while ((10 + text.length + 1) % 64 !== 0) text += ' ';
  text += '\n';
  const out = new Uint8Array(10 + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(data, 10 + text.length);
  return out;
}
const dataOf = (bytes: Uint8Array) => bytes.subarray(10 + (bytes[8] | (bytes[9] << 8)));

const CORRUPTIONS: [string, (rng: FuzzRng) => Uint8Array][] = [
  ['truncated', (rng) => valid.slice(0, rng.int(0, valid.length - 1))],
  ['wrong magic', (rng) => Object.assign(valid.slice(), { [rng.int(0, 5)]: rng.int(0, 255) === 0x93 ? 0 : rng.int(0, 255) })],
  ['unsupported version', (rng) => Object.assign(valid.slice(), { 6: rng.pick([0, 4, 9, 255]) })],
  ['header length past the end', (rng) => Object.assign(valid.slice(), { 8: 0xff, 9: rng.int(1, 255) })],
  ['unsupported dtype', (rng) => withHeader(headerOf(valid).replace("'<f8'", `'${rng.pick(['<c16', '|O', '<U10', '>f8', '<f2', 'bogus', ''])}'`), dataOf(valid))],
  ['Fortran order', () => withHeader(headerOf(valid).replace('False', 'True'), dataOf(valid))],
  ['huge shape', (rng) => withHeader(headerOf(valid).replace(`(${N}, ${D})`, `(${rng.pick(['1000000000, 2', '99999999999999999999, 2', '8, 1000000000', '4294967296, 4294967296'])})`), dataOf(valid))],
  ['malformed shape', (rng) => withHeader(headerOf(valid).replace(`(${N}, ${D})`, `(${rng.pick(['-1, 2', '8, x', '8; 2', '2.5, 2', '0x8, 2'])})`), dataOf(valid))],
  [
    'wrong shape for the flag',
    (rng) => {
      const shape = rng.pick([[N], [N, 300], [2, N, D], [0, D], [N, 0]]);
      return serializeNpy(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
    },
  ],
  ['missing header key', (rng) => withHeader(headerOf(valid).replace(rng.pick([/'descr': '<f8', /, /'fortran_order': False, /, /'shape': \([^)]*\), /]), ''), dataOf(valid))],
  ['not a dict', (rng) => withHeader(rng.pick(['[1, 2, 3]', 'None', "{'descr': '<f8'", '']), dataOf(valid))],
  ['random bytes', (rng) => Uint8Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 255))],
  ['data length off', (rng) => withHeader(headerOf(valid), rng.chance(0.5) ? dataOf(valid).slice(0, -rng.int(1, 8)) : Uint8Array.from([...dataOf(valid), ...new Uint8Array(rng.int(1, 16))]))],
  [
    'non-finite values',
    (rng) => {
      const values = Float64Array.from({ length: N * D }, (_, i) => i / 7);
      values[rng.int(0, N * D - 1)] = rng.pick([NaN, Infinity, -Infinity]);
      return serializeNpy(values, [N, D]);
    },
  ],
];

describe('fuzz: malformed .npy files through the CLI', () => {
  let errors: string[] = [];
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterAll(() => vi.restoreAllMocks());

  it(`${CASES} malformed files are refused (exit 2, a message naming the flag, no output left)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepscope-npy-fuzz-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, nfe: 4, n: N, seed: 0 }));
    const rng = new FuzzRng(7);
    const failures: string[] = [];
    const seen = new Map<string, number>();
    for (let c = 0; c < CASES && failures.length < 5; c++) {
      const [kind, corrupt] = rng.pick(CORRUPTIONS);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      const file = join(dir, `in-${c}.npy`);
      writeFileSync(file, corrupt(rng));
      const flag = rng.chance(0.5) ? 'noise' : 'points';
      const out = join(dir, `out-${c}.npy`);
      errors = [];
      const code = await main(['sample', '--spec', spec, `--${flag}`, file, '--out', out, '--backend', 'cpu']);
      const message = errors.join('\n');
      if (code !== EXIT_BAD_INPUT || !message.includes(`--${flag}`) || existsSync(out)) failures.push(`case ${c} (${kind}, --${flag}): exit ${code}, output ${existsSync(out) ? 'written' : 'absent'}, message: ${message}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('out-') || f.includes('.tmp-'))).toEqual([]);
    // every kind of corruption was tried many times
    expect(seen.size).toBe(CORRUPTIONS.length);
    for (const count of seen.values()) expect(count).toBeGreaterThan(30);
  }, 120_000);
});
