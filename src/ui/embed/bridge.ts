// The embedded figure's side of the postMessage protocol (protocol.ts): posts `ready`, then `metrics` whenever
// the shown lab's numbers change, and acts on play/pause/reset/step from the parent page. Installed by main.tsx
// only in embed mode inside a frame.

import { hasDiagnostics } from '../../engine/sampling.ts';
import { liveRunBusy, type AppStore } from '../../state/store.ts';
import type { PdeStore, PdeState } from '../../state/pdeStore.ts';
import type { RunController } from '../controller.ts';
import type { PdeController } from '../pde/pdeController.ts';
import type { EmbedLab, PanelId } from './params.ts';
import {
  type EmbedMessage,
  envelope,
  type HostCommand,
  type HostCommandType,
  type MetricsMessage,
  parseHostCommand,
  type PdeRunMetrics,
  type StateMessage,
} from './protocol.ts';

/** PDE metrics change every frame while playing: at most one message per interval (the latest values, trailing) */
export const METRICS_INTERVAL_MS = 200;

export interface EmbedBridgeOptions {
  lab: EmbedLab;
  hidden: readonly PanelId[];
  store: AppStore;
  pdeStore: PdeStore;
  /** the current controllers (they are replaced after "Restart GPU") */
  samplerController(): RunController | null;
  pdeController(): PdeController | null;
  /** resolves once the figure has mounted with its GPU status known (the test hook's `ready`) */
  ready: Promise<void>;
  /** the page that embeds us (window.parent) and our own window */
  parent: { postMessage(message: EmbedMessage, targetOrigin: string): void };
  self: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  log?: Pick<Console, 'warn'>;
}

function pdeRuns(state: PdeState): PdeRunMetrics[] {
  return state.runs.map((r) => ({
    role: r.role,
    stepper: r.stepper,
    backend: r.backend,
    steps: r.steps,
    time: r.time,
    diverged: r.diverged !== null,
    stats: r.stats ? { min: [...r.stats.min], max: [...r.stats.max], mean: [...r.stats.mean], meanSquare: [...r.stats.meanSquare], maxAbs: [...r.stats.maxAbs] } : null,
  }));
}

export function pdeMetrics(state: PdeState): MetricsMessage | null {
  const runs = pdeRuns(state);
  const primary = runs[0];
  if (!primary) return null;
  const { role: _role, ...rest } = primary;
  return { ...envelope('pde'), type: 'metrics', equation: state.spec.equation, ...rest, runs };
}

export function samplerMetrics(store: AppStore): MetricsMessage | null {
  const { run } = store.getState();
  if (run.status !== 'done') return null;
  // a 'done' run has all its metrics (the diagnostics come in before it is marked done)
  const solvers = run.results.flatMap((r) => {
    const m = r.metrics;
    if (!m || !hasDiagnostics(m)) return [];
    return [{ solver: r.solver, backend: r.backend, nfe: r.nfe, n: r.n, wallMs: r.wallMs, mmd2: m.mmd2, energy: m.energy, rmse: m.rmse, sw2: m.sw2, modeMass: m.modeMass, nll: m.nll }];
  });
  return solvers.length > 0 ? { ...envelope('samplers'), type: 'metrics', solvers } : null;
}

/** installs the bridge; returns a function that removes it */
export function installEmbedBridge(options: EmbedBridgeOptions): () => void {
  const { lab, store, pdeStore, parent, self } = options;
  const log = options.log ?? console;
  let isReady = false;
  let lastMetrics = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastPosted = -Infinity;
  const unsubscribe: (() => void)[] = [];

  // '*': see protocol.ts (public numbers; the host's origin is not known in advance)
  const post = (message: EmbedMessage) => parent.postMessage(message, '*');

  const currentMetrics = () => (lab === 'pde' ? pdeMetrics(pdeStore.getState()) : samplerMetrics(store));
  const flushMetrics = () => {
    timer = undefined;
    const message = currentMetrics();
    if (!message) return;
    const key = JSON.stringify(message);
    if (key === lastMetrics) return;
    lastMetrics = key;
    lastPosted = performance.now();
    post(message);
  };
  const metricsChanged = () => {
    if (!isReady || timer !== undefined) return;
    timer = setTimeout(flushMetrics, Math.max(0, lastPosted + METRICS_INTERVAL_MS - performance.now()));
  };

  const stateMessage = (extra: Pick<StateMessage, 'command' | 'ignored'> = {}): StateMessage => {
    if (lab === 'pde') {
      const s = pdeStore.getState();
      const primary = s.runs[0];
      return { ...envelope(lab), type: 'state', playing: s.playing, steps: primary?.steps ?? 0, time: primary?.time ?? 0, ...extra };
    }
    return { ...envelope(lab), type: 'state', playing: liveRunBusy(store.getState().run.status), ...extra };
  };

  if (lab === 'pde') {
    unsubscribe.push(
      pdeStore.subscribe((state, previous) => {
        if (state.runs !== previous.runs) metricsChanged();
        if (state.playing !== previous.playing && isReady) post(stateMessage());
      }),
    );
  } else {
    unsubscribe.push(
      store.subscribe((state, previous) => {
        if (state.run !== previous.run) metricsChanged();
      }),
    );
  }

  const pdeCommand = async (type: HostCommandType): Promise<string | undefined> => {
    const controller = options.pdeController();
    if (!controller) return 'the PDE lab is not ready yet';
    switch (type) {
      case 'play':
        if (pdeStore.getState().runs.length > 0 && pdeStore.getState().runs.every((r) => r.diverged)) return 'every run has diverged: reset first';
        controller.play();
        return undefined;
      case 'pause':
        controller.pause();
        // a frame already in flight still lands: answer with the step the run stopped at, not the one before it
        await controller.ready();
        return undefined;
      case 'reset':
        controller.pause();
        await controller.reset(false);
        return undefined;
      case 'step':
        // as the figure's own Step button: only while paused (a step during playback would race the frame loop's steps)
        if (pdeStore.getState().playing) return 'step works while paused; send pause first';
        await controller.step(1);
        return undefined;
    }
  };
  const samplerCommand = async (type: HostCommandType): Promise<string | undefined> => {
    // a sampler run is one solve from a fixed seed, not a clock: `reset` runs the spec again (the same numbers)
    if (type !== 'reset') return `${type} is not available in the sampler lab (a run is one solve from a fixed seed); use reset to run again`;
    const controller = options.samplerController();
    if (!controller) return 'the sampler lab is not ready yet';
    await controller.runLive();
    return undefined;
  };

  let queue: Promise<void> = Promise.resolve();
  const act = (command: HostCommand) => {
    // one command at a time, in arrival order (reset then play must not interleave)
    queue = queue.then(async () => {
      let ignored: string | undefined;
      try {
        ignored = await (lab === 'pde' ? pdeCommand(command.type) : samplerCommand(command.type));
      } catch (error) {
        ignored = `${command.type} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (ignored) log.warn(`stepscope embed: ${ignored}`);
      post(stateMessage({ command: command.type, ...(ignored ? { ignored } : {}) }));
      flushMetricsSoon();
    });
  };
  // every command's answer is followed at once by the current numbers (even unchanged: a sampler reset reruns the
  // same seed, and the host should not have to tell "same numbers" from "no run")
  const flushMetricsSoon = () => {
    clearTimeout(timer);
    lastMetrics = '';
    flushMetrics();
  };

  const onMessage = (event: MessageEvent) => {
    // only the page that placed this iframe may drive it (see protocol.ts); anything else is not ours to read
    if (event.source !== parent) return;
    const parsed = parseHostCommand(event.data);
    if (!parsed.ok) {
      log.warn(`stepscope embed: ignored a message from ${event.origin || 'the parent page'}: ${parsed.problem}`);
      return;
    }
    if (!isReady) {
      void options.ready.then(() => act(parsed.command));
      return;
    }
    act(parsed.command);
  };
  self.addEventListener('message', onMessage as EventListener);

  void options.ready.then(() => {
    isReady = true;
    const status = store.getState().gpu.status;
    post({
      ...envelope(lab),
      type: 'ready',
      hidden: [...options.hidden],
      commands: lab === 'pde' ? ['play', 'pause', 'reset', 'step'] : ['reset'],
      gpu: status === 'pending' ? 'none' : status,
    });
    flushMetrics();
  });

  return () => {
    clearTimeout(timer);
    unsubscribe.forEach((u) => u());
    self.removeEventListener('message', onMessage as EventListener);
  };
}
