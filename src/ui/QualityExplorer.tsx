// View 2 of the sampler lab (issue 11): one metric against NFE, log-log, one curve per configuration with its
// 95% band over seeds, the metric's null band, the current NFE, and each curve's measured order. The metric
// selector and the seeds control sit above the chart.

import { useEffect, useId, useRef, useState } from 'react';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { MAX_SWEEP_SEEDS } from '../engine/sampling.ts';
import { useAppStore } from '../state/hooks.ts';
import { effectiveSweepSeeds } from '../state/store.ts';
import { drawQualityChart } from '../views/qualityChart.ts';
import { nullBandNote, shownConfigurations } from './configurations.ts';
import { availableMetrics, liveRings, qualityChartData, type QualityMetricId } from './qualityMetrics.ts';
import { reportQualityView, viewReports } from './viewReports.ts';
import { ExportMenu } from './export/ExportMenu.tsx';
import { csvBlob, jsonBlob, svgBlob, svgPng } from './export/exporters.ts';
import { qualityTable, targetSlug } from './export/viewData.ts';

const label = (s: string) => SOLVERS[s as SolverName]?.label ?? s;
/** the seeds control's upper end: more is possible from the CLI (100), but each seed is a whole sweep */
const UI_MAX_SEEDS = Math.min(20, MAX_SWEEP_SEEDS);
const CHART_HEIGHT = 290;

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

function SeedsControl() {
  const seeds = useAppStore(effectiveSweepSeeds);
  const explicit = useAppStore((s) => s.sweepSeeds !== null);
  const setSeeds = useAppStore((s) => s.setSweepSeeds);
  const id = useId();
  const hintId = useId();
  const [text, setText] = useState(String(seeds));
  useEffect(() => setText(String(seeds)), [seeds]);
  const valid = /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= UI_MAX_SEEDS;
  const explain = `Repeat the sweep over this many seeds (each its own starting noise and exact reference set) and shade each curve's 95% interval; 1 … ${UI_MAX_SEEDS}. Default: 1 on a software adapter, 3 on a GPU.`;
  return (
    <div className="quality-control">
      <label htmlFor={id} title={explain}>
        Seeds
      </label>
      <input
        id={id}
        className="seeds-input"
        type="number"
        min={1}
        max={UI_MAX_SEEDS}
        step={1}
        value={text}
        title={explain}
        aria-describedby={hintId}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (/^\d+$/.test(e.target.value) && v >= 1 && v <= UI_MAX_SEEDS) setSeeds(v);
        }}
      />
      {/* shown while the input has focus (keyboard users get the explanation a mouse gets from the title) */}
      <span id={hintId} className="hint focus-hint">
        {explain}
      </span>
      {!valid && <span className="hint error">1 … {UI_MAX_SEEDS}</span>}
      {!explicit && valid && <span className="hint">default</span>}
    </div>
  );
}

export function QualityExplorer({ currentNfe }: { currentNfe: number }) {
  const sweep = useAppStore((s) => s.sweep);
  const run = useAppStore((s) => s.run);
  const [metricId, setMetricId] = useState<QualityMetricId>('mmd2');
  // whose null band is drawn, when the configurations end at different points (σ = 0 or t_end)
  const bandNote = useAppStore((s) => nullBandNote(shownConfigurations(s.spec)));
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useWidth(box);
  const selectId = useId();
  const hintId = useId();

  const results = run.spec !== null ? run.results : [];
  // FD-RF is offered for a live run of the sweep's size (its bias depends on n)
  const metrics = availableMetrics(sweep.curves, results.some((r) => r.n === sweep.n && r.metrics?.fdRf !== undefined));
  // FD-RF disappears for 2-D targets: fall back to the first metric rather than an empty chart
  const metric = metrics.find((m) => m.id === metricId) ?? metrics[0];
  const { live, note: liveNote } = liveRings(metric, results, sweep.n);

  useEffect(() => {
    if (!svg.current || width <= 0) return;
    const { data, nullBand, noiseFloor } = qualityChartData(metric, sweep.curves, sweep.result, live, label);
    const report = drawQualityChart(svg.current, data, {
      width,
      height: CHART_HEIGHT,
      title: metric.title,
      nfeDomain: [2, 50],
      currentNfe,
      noiseFloor,
      nullBand,
      ...(bandNote ? { nullBandNote: bandNote } : {}),
      slopeLabel: metric.slopeLabel,
    });
    reportQualityView({
      metric: metric.id,
      title: metric.title,
      scale: metric.scale,
      currentNfe,
      sweep: { status: sweep.status, n: sweep.n, nfes: sweep.nfes, seeds: sweep.result?.seeds ?? null },
      curves: report.curves.map(({ slope, ...c }) => ({ ...c, slope: slope?.slope ?? null, slopeNfes: slope?.nfes ?? [] })),
      bands: report.curves.filter((c) => c.bandVertices > 0).map((c) => ({ solver: c.solver, vertices: c.bandVertices })),
      nullBand: report.nullBand,
      live: report.live,
    });
    // `live` is derived from run and sweep, which are the dependencies
  }, [metric, sweep, run, width, currentNfe, bandNote]);

  const seeds = sweep.result?.seeds?.length ?? null;
  const spec = useAppStore((s) => s.spec);
  // a finished sweep is what the files hold (a running one would give half a table)
  const noSweep = sweep.status === 'running' ? 'The sweep is still running' : sweep.result === null ? 'No sweep yet: run one first' : null;
  const exportName = ['quality', targetSlug(spec.target)];
  const chart = () => {
    if (!svg.current) throw new Error('the chart is not drawn');
    return svg.current;
  };
  return (
    <div className="quality-explorer">
      <div className="quality-toolbar">
        <div className="quality-control">
          <label htmlFor={selectId} title={metric.explain}>
            Metric
          </label>
          <select id={selectId} value={metric.id} title={metric.explain} aria-describedby={hintId} onChange={(e) => setMetricId(e.target.value as QualityMetricId)}>
            {metrics.map((m) => (
              <option key={m.id} value={m.id} title={m.explain}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <SeedsControl />
        <ExportMenu
          label="quality chart"
          rows={[
            {
              what: 'quality chart',
              actions: [
                { format: 'svg', name: [...exportName, metric.id], make: () => svgBlob(chart()), unavailable: noSweep },
                { format: 'png', name: [...exportName, metric.id], make: () => svgPng(chart()), unavailable: noSweep },
              ],
            },
            {
              what: 'quality metrics',
              actions: [
                {
                  format: 'csv',
                  name: exportName,
                  describe: 'One row per configuration and NFE: every metric (mean over seeds, unscaled) and its 95% interval with several seeds',
                  make: () => {
                    const table = qualityTable(sweep.result?.curves ?? [], metrics);
                    return csvBlob(table.header, table.rows);
                  },
                  unavailable: noSweep,
                },
                {
                  format: 'json',
                  name: exportName,
                  describe: 'The spec, the sweep (every metric, interval and null band) and what the chart drew',
                  make: () => jsonBlob({ kind: 'stepscope-quality', spec, sweep: sweep.result, view: viewReports().quality }),
                  unavailable: noSweep,
                },
              ],
            },
          ]}
        />
      </div>
      <p id={hintId} className="hint">
        {metric.explain}.
      </p>
      <div className="chart" ref={box}>
        <svg ref={svg} role="img" aria-label={`${metric.title} against NFE, log-log, one curve per configuration`} data-testid="quality-chart" />
      </div>
      <p className="hint">
        {seeds !== null && seeds > 1 ? `Shaded: 95% interval over ${seeds} seeds. ` : 'One seed: no interval (set Seeds ≥ 2 for bands). '}
        {metric.nullBand(sweep.result) ? 'Grey band: exact-vs-exact noise (two exact sample sets compared); below its top a sampler cannot be told from exact sampling. ' : ''}
        {metric.nullBand(sweep.result) && bandNote ? `${bandNote} ` : ''}
        Labels at the curves' ends: the log-log slope over the last 3 points above noise (above the “below noise” line and the grey band; none
        with fewer)
        {metric.id === 'rmse' ? ' (for RMSE, minus the global order: the order is shown)' : ''}. {liveNote ?? 'Rings: the live run.'}
      </p>
    </div>
  );
}
