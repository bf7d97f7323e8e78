// Bad input at the CLI: exit code 2, a message naming the field and what is allowed, and no output file.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, serializeNpy } from '../core/io/npy.ts';
import { SOLVER_NAMES } from '../core/sampling/solvers.ts';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';

const allowedSolvers = SOLVER_NAMES.join(', ');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
import { runCli, scratchDir, writeJson } from './testing.ts';

const good = { ...DEFAULT_SPEC, n: 64, nfe: 4 };

function expectRejected(args: (dir: string) => string[], pattern: RegExp) {
  const dir = scratchDir();
  const result = runCli(args(dir));
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(pattern);
  // nothing written: only the inputs the test itself created are in the directory
  expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
}

describe('stepscope CLI rejects bad input with exit code 2 and writes nothing', () => {
  it('unknown solver', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, solver: { name: 'euler-magic' } }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], new RegExp(`solver\\.name: got "euler-magic"; allowed: ${escape(SOLVER_NAMES.map((n) => `"${n}"`).join(', '))}`));
  });
  it('negative n', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, n: -5 }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /n: got -5; .*>=\s*2/);
  });
  it('tEnd ≥ tStart', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', { ...good, tStart: 0.5, tEnd: 0.5 }), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /tEnd: got 0\.5; must be less than tStart \(0\.5\)/);
  });
  it('malformed JSON', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', '{"version": 1,'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'], /--spec: .* is not valid JSON/);
  });
  it('malformed .npy noise', () => {
    expectRejected((dir) => {
      writeFileSync(join(dir, 'noise.npy'), 'definitely not numpy');
      return ['sample', '--spec', writeJson(dir, 'spec.json', good), '--noise', join(dir, 'noise.npy'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'];
    }, /--noise: .*not a \.npy file/);
  });
  it('.npy noise of the wrong shape', () => {
    expectRejected((dir) => {
      writeFileSync(join(dir, 'noise.npy'), serializeNpy(new Float32Array(63 * 2), [63, 2]));
      return ['sample', '--spec', writeJson(dir, 'spec.json', good), '--noise', join(dir, 'noise.npy'), '--out', join(dir, 'out.npy'), '--backend', 'cpu'];
    }, /--noise: .* has shape \(63, 2\); the spec needs \(n, d\) = \(64, 2\)/);
  });
  it('bad --nfe list, unknown --solvers and unknown flags', () => {
    expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', good), '--nfe', '2,x,5', '--out', join(dir, 'out.json'), '--backend', 'cpu'], /--nfe: got 'x'/);
    expectRejected((dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', good), '--nfe', '2,5', '--solvers', 'ddim,lms-magic', '--out', join(dir, 'out.json'), '--backend', 'cpu'], new RegExp(`--solvers: got 'lms-magic'; allowed: ${escape(allowedSolvers)}`));
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--colour', 'blue'], /unknown option --colour/);
  });
  it('--fd-reference must be an integer ≥ 2', () => {
    expectRejected((dir) => ['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--backend', 'cpu', '--fd-reference', '1'], /--fd-reference: got '1'; allowed: an integer 2…/);
  });
  it('a glyphs16 spec writes (n, 256) samples and FD-RF / FD-pix with null bands in the metrics file', () => {
    const dir = scratchDir();
    const spec = { ...good, target: { type: 'glyphs16', components: 3 }, n: 16, nfe: 3 };
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', spec), '--out', join(dir, 'out.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu', '--fd-reference', '64']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const samples = parseNpy(new Uint8Array(readFileSync(join(dir, 'out.npy'))));
    expect(samples.shape).toEqual([16, 256]);
    const report = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(report.imageShape).toEqual([16, 16]);
    for (const key of ['fdRf', 'fdRfNull', 'fdPix', 'fdPixNull']) expect(report.metrics[key], key).toBeGreaterThan(0);
    expect(report.metrics.fdReferenceSamples).toBe(64);
    expect(report.metrics.fdRfVersion).toBe(1);
  });
  it('a good spec on the CPU backend writes the sample file', () => {
    const dir = scratchDir();
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', good), '--out', join(dir, 'out.npy'), '--backend', 'cpu']);
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'out.npy'))).toBe(true);
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
  });
});
