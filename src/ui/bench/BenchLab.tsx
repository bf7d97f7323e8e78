// The in-app benchmark page (issue #9): the engine's GPU kernels on the user's own GPU, each as achieved GB/s and
// as a fraction of the device's copy bandwidth measured in the same run (src/engine/bench).

import { useEffect, useId } from 'react';
import { useStore } from 'zustand';
import type { BenchCaseResult } from '../../engine/bench/gpuBench.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { StoreContext, useAppStore } from '../../state/hooks.ts';
import type { Lab } from '../../state/pdeUrl.ts';
import type { AppStore } from '../../state/store.ts';
import { Header } from '../Header.tsx';
import type { BenchController } from './benchController.ts';
import type { BenchState, BenchStore } from './benchStore.ts';
import { benchUrl } from './benchUrl.ts';
import { formatBytes, formatGbPerS, formatMs, formatPercent } from './format.ts';
import './bench.css';

/** the one sentence the page owes its reader about the fraction */
export const FRACTION_MEANING =
  'These kernels are memory-bound (their speed is set by how fast the GPU moves bytes), so the buffer-copy bandwidth measured here is the practical ceiling: “% of copy” says how close each kernel comes to it.';

function Adapter({ gpu }: { gpu: GpuContext | null }) {
  const status = useAppStore((s) => s.gpu.status);
  const info = useAppStore((s) => s.gpu.adapterInfo);
  const lost = useAppStore((s) => s.gpu.lost);
  const timestamps = gpu?.device?.features.has('timestamp-query') ?? false;
  const name = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' · ') || 'unnamed adapter' : status === 'pending' ? 'looking for WebGPU…' : 'none';
  return (
    <dl className="bench-adapter" aria-label="Adapter">
      <dt>Adapter</dt>
      <dd data-testid="bench-adapter">{name}</dd>
      <dt>Kind</dt>
      <dd>
        {lost
          ? 'device lost: use Restart GPU in the header'
          : status === 'software'
            ? 'software adapter: the “GPU” is a CPU emulation, so the sizes are reduced'
            : status === 'ok'
              ? 'hardware GPU'
              : status === 'none'
                ? 'no WebGPU'
                : '…'}
      </dd>
      <dt>Timing</dt>
      <dd data-testid="bench-timing">
        {timestamps
          ? 'GPU timestamp queries around each submit’s repetitions (the sampler: wall-clock, it submits by itself).'
          : 'wall-clock: this page’s GPU device has no “timestamp-query” feature, so each figure is the median over submits of many repetitions, from submit to queue.onSubmittedWorkDone() (the sampler: one submit per run).'}
      </dd>
    </dl>
  );
}

function statusText(s: BenchState): string {
  switch (s.status) {
    case 'idle':
      return 'Not run yet.';
    case 'running':
      return s.progress ? `Running ${s.progress.label} (${s.progress.done} of ${s.progress.total} done)…` : 'Starting…';
    case 'done':
      return `Done in ${((s.report?.totalMs ?? 0) / 1000).toFixed(1)} s.`;
    case 'cancelled':
      return 'Cancelled: the results so far are shown.';
    case 'error':
      return `The benchmark stopped: ${s.error}`;
  }
}

function Row({ c }: { c: BenchCaseResult }) {
  return (
    <tr data-testid="bench-row" data-case={c.id}>
      <th scope="row" title={c.bytesModel}>
        {c.kernel}
      </th>
      <td>{c.size}</td>
      <td className="num">{formatMs(c.ms)}</td>
      <td className="num">{formatBytes(c.bytes)}</td>
      <td className="num" data-testid="bench-gbps">
        {formatGbPerS(c.gbPerS)}
      </td>
      <td className="num" data-testid="bench-fraction">
        {formatPercent(c.fraction)}
      </td>
      <td>{c.method === 'timestamp' ? 'GPU timestamps' : 'wall-clock'}</td>
    </tr>
  );
}

export interface BenchLabProps {
  benchStore: BenchStore;
  gpu: GpuContext | null;
  controller: BenchController | null;
  onReady(): void;
}

export function BenchLab({ benchStore, gpu, controller, onReady }: BenchLabProps) {
  const s = useStore(benchStore);
  const lost = useAppStore((a) => a.gpu.lost);
  const ids = { title: useId(), table: useId() };
  useEffect(() => {
    if (gpu && controller) onReady();
  }, [gpu, controller, onReady]);
  const running = s.status === 'running';
  const unavailable = !controller ? 'Looking for WebGPU…' : lost ? 'The GPU device was lost: use Restart GPU in the header.' : controller.unavailable;
  const progress = s.progress;
  return (
    <>
      <main className="bench-page" aria-labelledby={ids.title}>
        <section className="panel bench-intro">
          <h2 id={ids.title}>GPU benchmark</h2>
          <p>
            Runs the engine’s GPU kernels on this device: the sampler’s Gaussian-mixture evaluation and combine, a 2D FFT and one ETDRK4 step of 2D
            Navier–Stokes, and before them a buffer-to-buffer copy. Each kernel’s bandwidth is the bytes it must read and write per run (its bytes model)
            over its time per run.
          </p>
          <p className="bench-meaning" data-testid="bench-meaning">
            {FRACTION_MEANING}
          </p>
          <Adapter gpu={gpu} />
          <div className="bench-actions" role="toolbar" aria-label="Benchmark">
            <button type="button" className="button primary" disabled={running || unavailable !== null} onClick={() => void controller?.run()}>
              Run benchmark
            </button>
            <button type="button" className="button secondary" disabled={!running} onClick={() => controller?.cancel()}>
              Cancel
            </button>
            <progress className="bench-progress" aria-label="Benchmark progress" max={progress?.total ?? 1} value={progress ? progress.done : 0} />
          </div>
          <p role="status" aria-live="polite" className="bench-status" data-testid="bench-status">
            {unavailable ?? statusText(s)}
          </p>
        </section>
        <section className="panel bench-results" aria-labelledby={ids.table}>
          <h2 id={ids.table}>Results</h2>
          <p data-testid="bench-copy">
            {s.copy ? (
              <>
                Copy bandwidth: <strong>{formatGbPerS(s.copy.gbPerS)} GB/s</strong> (copyBufferToBuffer of {formatBytes(s.copy.size)}: {formatBytes(s.copy.bytes)}{' '}
                read + written per copy in {formatMs(s.copy.ms)} ms, {s.copy.method === 'timestamp' ? 'GPU timestamps' : 'wall-clock'}).
              </>
            ) : (
              'Copy bandwidth: not measured yet.'
            )}
          </p>
          <table className="bench-table">
            <caption>Achieved bandwidth per kernel, and its fraction of the copy bandwidth (1 GB = 10⁹ bytes; times are medians per run)</caption>
            <thead>
              <tr>
                <th scope="col">Kernel</th>
                <th scope="col">Size</th>
                <th scope="col">ms per run</th>
                <th scope="col">Bytes per run</th>
                <th scope="col">GB/s</th>
                <th scope="col">% of copy</th>
                <th scope="col">Timing</th>
              </tr>
            </thead>
            <tbody>
              {s.cases.map((c) => (
                <Row key={c.id} c={c} />
              ))}
              {s.cases.length === 0 && (
                <tr>
                  <td colSpan={7} className="bench-empty">
                    {running ? 'Measuring…' : 'Run the benchmark to fill this table.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {s.failures.length > 0 && (
            <ul className="bench-failures" aria-label="Cases that could not run">
              {s.failures.map((f) => (
                <li key={f.id}>
                  {f.kernel}: {f.message}
                </li>
              ))}
            </ul>
          )}
          {s.cases.length > 0 && (
            <details className="bench-models">
              <summary>How the bytes are counted</summary>
              <ul>
                {s.cases.map((c) => (
                  <li key={c.id}>
                    <strong>{c.kernel}</strong> ({formatBytes(c.bytes)} per run): {c.bytesModel}.
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      </main>
      <footer className="app-footer">
        Stepscope benchmark · bandwidth = bytes per run ÷ time per run · the copy moves 2 × its size per copy (read + write) · a fraction above 100 % means the
        data stayed in a cache
      </footer>
    </>
  );
}

export interface BenchAppProps extends BenchLabProps {
  store: AppStore;
  onLab(lab: Lab): void;
  onRestartGpu?(): void;
}

/** the page when the benchmark is shown: the shared header (lab switcher, GPU badge, the page's link) and the page */
export function BenchApp({ store, onLab, onRestartGpu, ...lab }: BenchAppProps) {
  return (
    <StoreContext.Provider value={store}>
      <div className="app">
        <Header lab="bench" onLab={onLab} link={() => ({ url: benchUrl(window.location.href) })} onRestartGpu={onRestartGpu} />
        <BenchLab {...lab} />
      </div>
    </StoreContext.Provider>
  );
}
