import { useAppStore } from '../state/hooks.ts';
import { targetImageShape } from '../core/sampling/experiment.ts';
import type { RunController } from './controller.ts';
import { QualityExplorer } from './QualityExplorer.tsx';
import { autoSweepAllowed } from './targetInfo.ts';

export function QualityPanel({ controller }: { controller: RunController | null }) {
  const autoSweep = useAppStore((s) => autoSweepAllowed(s.gpu.backend ?? 'gpu', s.gpu.status === 'software', s.spec.target));
  const imageTarget = useAppStore((s) => targetImageShape(s.spec.target) !== undefined);
  const backend = useAppStore((s) => s.gpu.backend);
  const sweep = useAppStore((s) => s.sweep);
  const run = useAppStore((s) => s.run);
  const spec = useAppStore((s) => s.spec);
  const currentNfe = run.results[0]?.nfe ?? spec.nfe ?? 10;
  const running = sweep.status === 'running';
  // an image target on a software adapter: the automatic sweep is off (autoSweepAllowed), say so instead
  const noAutoImageSweep = !autoSweep && imageTarget && backend !== 'cpu';
  const start = () => void controller?.sweep().catch(() => {});
  return (
    <section className="panel quality-panel" aria-label="Quality against NFE">
      <div className="panel-head">
        <h2>Quality vs. NFE</h2>
        <div className="sweep-actions">
          {running ? (
            <button type="button" className="button secondary small" onClick={() => controller?.cancelSweep()}>
              Cancel
            </button>
          ) : (
            <button type="button" className="button secondary small" disabled={!controller} onClick={start} title="Measure every shown solver at 11 NFEs from 2 to 50, over the chosen number of seeds, with all particles">
              {sweep.status === 'idle' ? 'Run sweep' : 'Sweep again'}
            </button>
          )}
        </div>
      </div>
      <div className="sweep-status" aria-live="polite">
        {running && (
          <>
            <progress value={sweep.done} max={Math.max(1, sweep.total)} aria-label="Sweep progress" />
            <span>
              {sweep.done} / {sweep.total} runs (n = {sweep.n.toLocaleString('en-US')})
            </span>
          </>
        )}
        {noAutoImageSweep && sweep.status !== 'running' && sweep.status !== 'done' ? (
          <span className="hint" data-testid="sweep-idle">
            Image target on a software adapter: no automatic sweep (11 NFEs per shown solver, each with FD-RF and FD-pix, take many minutes of CPU
            here). “Run sweep” starts one.
          </span>
        ) : (
          sweep.status === 'idle' && (
            <span className="hint" data-testid="sweep-idle">
              {autoSweep ? 'the sweep starts by itself…' : 'CPU fallback: the sweep (11 NFEs per shown solver) starts when you ask for it.'}
            </span>
          )
        )}
        {sweep.status === 'cancelled' && !noAutoImageSweep && (
          <span className="hint">
            cancelled after {sweep.done} of {sweep.total} runs
          </span>
        )}
        {sweep.status === 'error' && <span className="hint error">the sweep failed: {sweep.error}</span>}
        {sweep.status === 'done' && (
          <span className="hint">
            {sweep.total} runs, n = {sweep.n.toLocaleString('en-US')}, metrics on {sweep.result?.metricSamples ?? 0} samples,{' '}
            {sweep.result?.backend === 'gpu' ? 'GPU' : 'CPU'}; same x_T for every point
            {(sweep.result?.seeds?.length ?? 1) > 1 && ` of a seed; ${sweep.result!.seeds!.length} seeds`}
            {sweep.n < spec.n && ` (fewer particles than the spec's ${spec.n.toLocaleString('en-US')}: “Sweep again” measures all)`}
          </span>
        )}
      </div>
      <QualityExplorer currentNfe={currentNfe} />
      <p className="hint">
        MMD² and energy are unbiased estimates: once the error is below their sampling noise they can fall to ≤ 0, and points within the
        size of the most negative estimate sit hollow on the “below noise” line.
      </p>
    </section>
  );
}
