// Embed mode's URL parameters, the message protocol's parser and the bridge (with fake windows and stores):
// the parts of issue 8's "Embed" that need no browser. e2e/embed.e2e.ts checks the same in a real iframe.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPdeStore, type PdeRunInfo } from '../../state/pdeStore.ts';
import { DEFAULT_PDE_SPEC } from '../../state/pdeUrl.ts';
import { createAppStore } from '../../state/store.ts';
import { specFromSearch } from '../../state/url.ts';
import type { PdeController } from '../pde/pdeController.ts';
import { installEmbedBridge, METRICS_INTERVAL_MS, samplerMetrics } from './bridge.ts';
import { embedSnippet, embedUrl, keepEmbedParams, panelIds, parseEmbedParams } from './params.ts';
import { type EmbedMessage, parseHostCommand } from './protocol.ts';

describe('embed parameters', () => {
  it('embed=1 hides the header and controls by default; hide adds panels, show brings default-hidden ones back', () => {
    expect([...parseEmbedParams('?lab=pde&embed=1', 'pde').hidden].sort()).toEqual(['controls', 'header']);
    const p = parseEmbedParams('?lab=pde&embed=1&hide=spectrum,%20convergence&show=controls', 'pde');
    expect(p).toMatchObject({ embed: true, problems: [] });
    expect([...p.hidden].sort()).toEqual(['convergence', 'header', 'spectrum']);
  });

  it('an unknown id is named with the allowed ids; the valid ones still apply', () => {
    const p = parseEmbedParams('?embed=1&hide=quality,sidebar,claims', 'samplers');
    expect([...p.hidden].sort()).toEqual(['claims', 'controls', 'header', 'quality']);
    expect(p.problems).toEqual([`hide: unknown panel id "sidebar" for the sampler lab; allowed: ${panelIds('samplers').join(', ')}`]);
    // a sampler panel id is unknown to the PDE lab
    expect(parseEmbedParams('?embed=1&hide=quality', 'pde').problems[0]).toMatch(/^hide: unknown panel id "quality" for the PDE lab; allowed: header, controls, runbar, fields/);
  });

  it('outside embed mode nothing is hidden, and hide/show/embed values that do nothing say so', () => {
    expect(parseEmbedParams('?spec=x', 'samplers')).toEqual({ embed: false, hidden: new Set(), problems: [] });
    const off = parseEmbedParams('?hide=quality', 'samplers');
    expect(off.hidden.size).toBe(0);
    expect(off.problems[0]).toMatch(/^hide\/show: .*add embed=1/);
    expect(parseEmbedParams('?embed=yes', 'samplers').problems[0]).toMatch(/^embed: "yes" is not allowed; use embed=1/);
    expect(parseEmbedParams('?lab=bench&embed=1', 'bench')).toMatchObject({ embed: false, problems: [expect.stringMatching(/benchmark page cannot be embedded/)] });
    expect(parseEmbedParams('?embed=1&hide=quality&show=quality', 'samplers').problems).toEqual(['hide/show: quality in both; hidden']);
  });

  it('the embed link is the lab link plus embed=1; the snippet escapes it for an attribute', () => {
    const link = 'http://127.0.0.1:4173/?lab=pde&pde=2.heat.abc';
    expect(embedUrl(link, ['spectrum'])).toBe('http://127.0.0.1:4173/?lab=pde&pde=2.heat.abc&embed=1&hide=spectrum');
    const snippet = embedSnippet(link, 'pde');
    expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:4173\/\?lab=pde&amp;pde=2\.heat\.abc&amp;embed=1" title="Stepscope PDE lab" /);
    expect(snippet).not.toMatch(/[^&]&[^a]/);
    // the address bar keeps embed parameters when the lab rewrites its link
    expect(keepEmbedParams('http://h/?lab=pde&pde=NEW', 'http://h/?lab=pde&pde=OLD&embed=1&hide=spectrum')).toBe('http://h/?lab=pde&pde=NEW&embed=1&hide=spectrum');
  });
});

describe('host commands', () => {
  it('accepts exactly {source: "stepscope-host", type, version?}', () => {
    expect(parseHostCommand({ source: 'stepscope-host', type: 'play' })).toEqual({ ok: true, command: { source: 'stepscope-host', type: 'play' } });
    expect(parseHostCommand({ source: 'stepscope-host', type: 'reset', version: 1 })).toMatchObject({ ok: true });
  });

  it('refuses anything else, naming the field and what is allowed', () => {
    const problem = (data: unknown) => {
      const parsed = parseHostCommand(data);
      return parsed.ok ? 'accepted' : parsed.problem;
    };
    expect(problem('play')).toBe('message: expected an object, got "play"');
    expect(problem(null)).toBe('message: expected an object, got null');
    expect(problem([1])).toBe('message: expected an object, got an array');
    expect(problem({ source: 'stepscope', type: 'play' })).toBe('source: "stepscope" is not "stepscope-host"');
    expect(problem({ source: 'stepscope-host', type: 'eval' })).toBe('type: "eval" is not a command; allowed: play, pause, reset, step');
    expect(problem({ source: 'stepscope-host', type: 'play', code: 'alert(1)' })).toBe('message: unexpected field "code"; allowed: source, type, version');
    expect(problem({ source: 'stepscope-host', type: 'play', version: 2 })).toBe('version: 2 is not supported; allowed: 1');
    expect(problem(new Date())).toBe('message: expected a plain object');
  });
});

describe('embed bridge', () => {
  afterEach(() => vi.useRealTimers());

  function setup() {
    vi.useFakeTimers();
    const posted: EmbedMessage[] = [];
    const warnings: string[] = [];
    const parent = { postMessage: (m: EmbedMessage, origin: string) => (expect(origin).toBe('*'), posted.push(structuredClone(m))) };
    let listener: ((e: MessageEvent) => void) | null = null;
    const self = { addEventListener: (_: string, l: EventListener) => (listener = l as never), removeEventListener: () => (listener = null) };
    const store = createAppStore(specFromSearch('').spec);
    const pdeStore = createPdeStore(DEFAULT_PDE_SPEC);
    const calls: string[] = [];
    const controller = {
      play: () => (calls.push('play'), pdeStore.getState().setPlaying(true)),
      pause: () => (calls.push('pause'), pdeStore.getState().setPlaying(false)),
      ready: async () => {},
      step: async () => void calls.push('step'),
      reset: async () => void calls.push('reset'),
    } as unknown as PdeController;
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    const remove = installEmbedBridge({ lab: 'pde', hidden: ['header', 'controls'], store, pdeStore, samplerController: () => null, pdeController: () => controller, ready, parent, self, log: { warn: (m: string) => warnings.push(m) } });
    const send = (data: unknown, source: unknown = parent) => listener?.({ data, source, origin: 'https://course.example' } as MessageEvent);
    const run = (steps: number): PdeRunInfo => ({ role: 'primary', stepper: 'etdrk4', backend: 'gpu', steps, time: steps * 0.25, stepsPerSecond: 0, stepsPerFrame: 1, diverged: null, stats: { min: [-1], max: [2], mean: [0.5], meanSquare: [1], maxAbs: [2] }, invariants: [] });
    return { posted, warnings, pdeStore, calls, markReady, send, run, remove };
  }

  it('posts ready, then metrics of the store (throttled, latest values), and nothing before ready', async () => {
    const { posted, pdeStore, markReady, run } = setup();
    pdeStore.getState().setRuns([run(0)]);
    expect(posted).toEqual([]);
    markReady();
    await vi.advanceTimersByTimeAsync(0);
    expect(posted.map((m) => m.type)).toEqual(['ready', 'metrics']);
    expect(posted[0]).toMatchObject({ source: 'stepscope', version: 1, lab: 'pde', hidden: ['header', 'controls'], commands: ['play', 'pause', 'reset', 'step'] });
    expect(posted[1]).toMatchObject({ source: 'stepscope', version: 1, lab: 'pde', equation: DEFAULT_PDE_SPEC.equation, steps: 0, time: 0, stats: { min: [-1], max: [2] } });
    for (let i = 1; i <= 5; i++) pdeStore.getState().setRuns([run(i)]);
    await vi.advanceTimersByTimeAsync(METRICS_INTERVAL_MS);
    expect(posted.slice(2).map((m) => (m.type === 'metrics' && m.lab === 'pde' ? m.steps : m.type))).toEqual([5]);
  });

  it('acts on commands from the parent only, logs malformed ones, and answers with a state message', async () => {
    const { posted, warnings, calls, markReady, send } = setup();
    markReady();
    await vi.advanceTimersByTimeAsync(0);
    send({ source: 'stepscope-host', type: 'play' }, {} /* another frame */);
    send({ source: 'stepscope-host', type: 'play', extra: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([]);
    expect(warnings).toEqual(['stepscope embed: ignored a message from https://course.example: message: unexpected field "extra"; allowed: source, type, version']);
    send({ source: 'stepscope-host', type: 'play' });
    await vi.advanceTimersByTimeAsync(0);
    send({ source: 'stepscope-host', type: 'step' });
    send({ source: 'stepscope-host', type: 'pause' });
    send({ source: 'stepscope-host', type: 'reset' });
    await vi.advanceTimersByTimeAsync(0);
    // reset pauses first: the figure goes back to step 0 and stays there
    expect(calls).toEqual(['play', 'pause', 'pause', 'reset']);
    const answers = posted.filter((m) => m.type === 'state' && m.command).map((m) => (m.type === 'state' ? [m.command, m.ignored ?? null] : null));
    expect(answers).toEqual([
      ['play', null],
      ['step', 'step works while paused; send pause first'],
      ['pause', null],
      ['reset', null],
    ]);
  });
});

describe('sampler lab metrics', () => {
  it('one entry per solver of the finished run, nothing while a run is under way', () => {
    const store = createAppStore(specFromSearch('').spec);
    const metrics = { mmd2: 0.001, energy: 0.002, rmse: 0.03, sw2: 0.04, modeMass: 0.05, nll: 1.5, nllReference: 1.4, nulls: { mmd2: 0, energy: 0, sw2: 0, modeMass: 0 }, metricSamples: 1024 };
    const result = (solver: 'ddim' | 'dpmpp-2m') => ({ index: solver === 'dpmpp-2m' ? 0 : 1, solver, runSpec: store.getState().spec, backend: 'gpu' as const, metrics, nfe: 10, times: [1, 0.5, 0.001], wallMs: 12, n: 4096 });
    store.getState().setRun({ status: 'running', results: [result('dpmpp-2m')] });
    expect(samplerMetrics(store)).toBeNull();
    store.getState().setRun({ status: 'done', results: [result('dpmpp-2m'), result('ddim')] });
    expect(samplerMetrics(store)).toEqual({
      source: 'stepscope',
      version: 1,
      lab: 'samplers',
      type: 'metrics',
      solvers: ['dpmpp-2m', 'ddim'].map((solver) => ({ solver, backend: 'gpu', nfe: 10, n: 4096, wallMs: 12, mmd2: 0.001, energy: 0.002, rmse: 0.03, sw2: 0.04, modeMass: 0.05, nll: 1.5 })),
    });
  });
});
