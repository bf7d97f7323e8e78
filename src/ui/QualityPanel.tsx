import { useEffect, useRef, useState } from 'react';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { useAppStore } from '../state/hooks.ts';
import { targetImageShape } from '../core/sampling/experiment.ts';
import { drawQualityChart, type QualityChartData } from '../views/qualityChart.ts';
import type { RunController } from './controller.ts';
import { autoSweepAllowed } from './targetInfo.ts';

const label = (s: string) => SOLVERS[s as SolverName]?.label ?? s;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(element.clientWidth)));
    observer.observe(element);
    setWidth(Math.floor(element.clientWidth));
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** One metric against NFE: mounts the d3 chart function on an <svg>. */
/** the size of the most negative estimate: values below it cannot be told from 0 (unbiased MMD²) */
function noiseLevel(data: QualityChartData): number {
  const values = [...data.curves.flatMap((c) => c.points.map((p) => p.value)), ...(data.live ?? []).map((p) => p.value)].filter(Number.isFinite);
  return Math.max(0, ...values.map((v) => -v));
}

function MetricChart({ data, title, currentNfe, height, noiseFloor }: { data: QualityChartData; title: string; currentNfe: number; height: number; noiseFloor?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useWidth(box);
  useEffect(() => {
    if (svg.current && width > 0) drawQualityChart(svg.current, data, { width, height, title, nfeDomain: [2, 50], currentNfe, noiseFloor });
  }, [data, width, height, title, currentNfe, noiseFloor]);
  return (
    <div className="chart" ref={box}>
      <svg ref={svg} role="img" aria-label={`${title} against NFE, log-log`} />
    </div>
  );
}

export function QualityPanel({ controller }: { controller: RunController | null }) {
  const autoSweep = useAppStore((s) => autoSweepAllowed(s.gpu.backend ?? 'gpu', s.gpu.status === 'software', s.spec.target));
  const imageTarget = useAppStore((s) => targetImageShape(s.spec.target) !== undefined);
  const backend = useAppStore((s) => s.gpu.backend);
  const sweep = useAppStore((s) => s.sweep);
  const run = useAppStore((s) => s.run);
  const spec = useAppStore((s) => s.spec);
  const currentNfe = run.results[0]?.nfe ?? spec.nfe ?? 10;
  const liveMatches = run.spec !== null && run.results.length > 0 && run.results[0].n === sweep.n;
  const mmd: QualityChartData = {
    curves: sweep.curves.map((c) => ({ solver: c.solver, label: label(c.solver), points: c.points.map((p) => ({ nfe: p.nfe, value: p.mmd2 * 1e3 })) })),
    live: liveMatches ? run.results.flatMap((r) => (r.metrics ? [{ solver: r.solver, nfe: r.nfe, value: r.metrics.mmd2 * 1e3 }] : [])) : [],
  };
  const rmse: QualityChartData = {
    curves: sweep.curves.map((c) => ({ solver: c.solver, label: label(c.solver), points: c.points.map((p) => ({ nfe: p.nfe, value: p.rmse })) })),
    live: liveMatches ? run.results.flatMap((r) => (r.metrics ? [{ solver: r.solver, nfe: r.nfe, value: r.metrics.rmse }] : [])) : [],
  };
  // image targets: FD-RF per point (sweep points carry it; the live ring from the run's metrics)
  const fdRf: QualityChartData = {
    curves: sweep.curves.map((c) => ({ solver: c.solver, label: label(c.solver), points: c.points.flatMap((p) => (p.fdRf !== undefined ? [{ nfe: p.nfe, value: p.fdRf }] : [])) })),
    live: liveMatches ? run.results.flatMap((r) => (r.metrics?.fdRf !== undefined ? [{ solver: r.solver, nfe: r.nfe, value: r.metrics.fdRf }] : [])) : [],
  };
  const showFd = imageTarget && (fdRf.curves.some((c) => c.points.length > 0) || (fdRf.live?.length ?? 0) > 0);
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
            <button type="button" className="button secondary small" disabled={!controller} onClick={start}>
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
            {sweep.n < spec.n && ` (fewer particles than the spec's ${spec.n.toLocaleString('en-US')}: “Sweep again” measures all)`}
          </span>
        )}
      </div>
      <MetricChart data={mmd} title="MMD² ×10³" currentNfe={currentNfe} height={230} noiseFloor={noiseLevel(mmd)} />
      <MetricChart data={rmse} title="same-noise RMSE" currentNfe={currentNfe} height={230} />
      {showFd && <MetricChart data={fdRf} title="FD-RF" currentNfe={currentNfe} height={200} noiseFloor={sweep.result?.fdRfNull} />}
      <p className="hint">
        MMD²: unbiased multi-bandwidth RBF estimate against exact samples of p(t_end); it can fall to ≤ 0 once the error is below its
        sampling noise: points within the size of the most negative estimate sit hollow on the “below noise” line. RMSE: distance to an RK45 solution (tolerance 1e-7) from the same starting noise. Rings:
        the live run.
      </p>
    </section>
  );
}
