// The papers' own ingredients, drawn beside the time grids (issue 4; issue 11 views 3 and 6): BOSS's one-jump cost
// matrix with the Bellman path and the uniform one, and the step sizes of both, when the schedule is `boss`; and
// DPM-Solver-v3's empirical model statistics l, s, b against λ when the solver is `dpm-solver-v3`. Both read the
// caches the runs fill; what is missing is computed once on a timer (never during a render), except the v3
// statistics of large targets (glyphs16: tens of seconds), which wait for a run.

import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../state/hooks.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { BOSS_OPTIMAL_COLOR, drawBossHeatmap, drawBossSteps } from '../views/bossChart.ts';
import { EMS_TITLES, drawEmsChart, summariseEms, type EmsQuantity } from '../views/emsChart.ts';
import { computeBoss, computeV3, peekBoss, peekV3, type BossLookup, type V3Lookup } from './methodData.ts';
import { FormulaPanel } from './formula/FormulaPanel.tsx';
import { useWidth } from './useWidth.ts';
import { ExportMenu, type ExportRow } from './export/ExportMenu.tsx';
import { csvBlob, jsonBlob, npyBlob, svgBlob, svgPng } from './export/exporters.ts';
import { targetSlug } from './export/viewData.ts';

/** SVG and PNG of a chart drawn in this panel (available once the panel's data is ready) */
function chartActions(name: (string | number | null)[], svg: () => SVGSVGElement | null, unavailable: string | null): ExportRow['actions'] {
  const drawn = () => {
    const element = svg();
    if (!element) throw new Error('the chart is not drawn');
    return element;
  };
  return [
    { format: 'svg', name, make: () => svgBlob(drawn()), unavailable },
    { format: 'png', name, make: () => svgPng(drawn()), unavailable },
  ];
}
import { reportBossView, reportV3View, type EmsCurveReport } from './viewReports.ts';

/** the lookup for `spec`: from the cache at once, else computed on a timer after the render */
function useLookup<T extends { status: string }>(spec: SampleSpec, peek: (s: SampleSpec) => T, compute: (s: SampleSpec) => T): T | null {
  const [state, setState] = useState<{ spec: SampleSpec; lookup: T } | null>(null);
  // a run may fill the cache (the v3 statistics of a large target): look again after each
  const run = useAppStore((s) => s.run);
  useEffect(() => {
    const peeked = peek(spec);
    setState({ spec, lookup: peeked });
    if (peeked.status !== 'pending') return;
    // let the page paint "computing…" first
    const timer = setTimeout(() => setState({ spec, lookup: compute(spec) }), 30);
    return () => clearTimeout(timer);
  }, [spec, peek, compute, run]);
  return state && state.spec === spec ? state.lookup : null;
}

const cost = (v: number) => v.toPrecision(4);

function BossPanel({ spec }: { spec: SampleSpec }) {
  const lookup = useLookup<BossLookup>(spec, peekBoss, computeBoss);
  const [box, width] = useWidth();
  const heatmap = useRef<SVGSVGElement>(null);
  const steps = useRef<SVGSVGElement>(null);
  // the heatmap's side and the bars' width: side by side when there is room, else stacked
  const side = width >= 760;
  const size = Math.max(160, Math.min(340, (side ? Math.floor(width / 2) : width) - 130));
  const heatmapWidth = size + 114;
  const barsWidth = side ? Math.min(560, width - heatmapWidth - 16) : width;

  useEffect(() => {
    if (!lookup || lookup.status === 'off') return;
    if (lookup.status !== 'ready') {
      reportBossView({
        status: lookup.status,
        message: lookup.status === 'error' ? lookup.message : undefined,
        kMax: 0,
        K: 0,
        samples: 0,
        solver: '',
        indices: [],
        uniformIndices: [],
        times: [],
        uniformTimes: [],
        optimalCost: NaN,
        uniformCost: NaN,
        cells: { coloured: 0, zero: 0, domain: [NaN, NaN] },
        pathVertices: 0,
        uniformVertices: 0,
        bars: 0,
      });
      return;
    }
    if (width <= 0 || !heatmap.current || !steps.current) return;
    const v = lookup.view;
    const drawn = drawBossHeatmap(heatmap.current, { kMax: v.kMax, cost: v.matrix.cost, indices: v.indices, uniformIndices: v.uniformIndices }, { size });
    const bars = drawBossSteps(steps.current, { optimal: v.times, uniform: v.uniformTimes }, { width: barsWidth, height: size + 50 });
    reportBossView({
      status: 'ready',
      kMax: v.kMax,
      K: v.K,
      samples: v.samples,
      solver: v.solver,
      indices: v.indices,
      uniformIndices: v.uniformIndices,
      times: v.times,
      uniformTimes: v.uniformTimes,
      optimalCost: v.optimalCost,
      uniformCost: v.uniformCost,
      cells: { coloured: drawn.coloured, zero: drawn.zero, domain: drawn.domain },
      pathVertices: drawn.pathVertices,
      uniformVertices: drawn.uniformVertices,
      bars: 2 * bars.steps,
    });
  }, [lookup, width, size, barsWidth]);
  useEffect(() => () => reportBossView(null), []);

  const ready = lookup?.status === 'ready' ? lookup.view : null;
  const notReady = ready ? null : 'The cost matrix is not ready';
  const name = ['boss', targetSlug(spec.target), ready?.solver ?? spec.solver.name, ready ? `k${ready.K}` : null];
  const exportRows: ExportRow[] = [
    { what: 'cost matrix chart', actions: chartActions([...name, 'cost'], () => heatmap.current, notReady) },
    { what: 'step sizes chart', actions: chartActions([...name, 'steps'], () => steps.current, notReady) },
    {
      what: 'Bellman grid',
      actions: [
        {
          format: 'csv',
          name: [...name, 'grid'],
          describe: 'One row per grid point: anchor index and time of the Bellman grid and of the uniform one',
          unavailable: notReady,
          make: () => csvBlob(['step', 'bellman_anchor', 'bellman_t', 'uniform_anchor', 'uniform_t'], ready!.times.map((t, i) => [i, ready!.indices[i], t, ready!.uniformIndices[i], ready!.uniformTimes[i]])),
        },
        {
          format: 'json',
          name: [...name, 'grid'],
          describe: 'The spec, both grids, both path costs and the anchors',
          unavailable: notReady,
          make: () => {
            const { matrix, ...rest } = ready!;
            return jsonBlob({ kind: 'stepscope-boss', spec, ...rest, anchors: matrix.anchors, jumps: matrix.jumps });
          },
        },
        {
          format: 'npy',
          name: [...name, 'cost'],
          describe: 'The one-jump cost matrix c[k, j], float64 [kMax + 1, kMax + 1]',
          unavailable: notReady,
          make: () => npyBlob(ready!.matrix.cost, [ready!.kMax + 1, ready!.kMax + 1]),
        },
      ],
    },
  ];
  return (
    <section className="panel grid-panel method-panel" aria-label="Bellman optimal steps">
      <div className="panel-head">
        <h2>Bellman optimal steps (BOSS)</h2>
        <ExportMenu label="Bellman optimal steps" rows={exportRows} />
        {ready && (
          <p className="boss-costs" data-testid="boss-costs">
            {ready.K} steps from K<sub>max</sub> = {ready.kMax} anchors · path cost: Bellman <strong>{cost(ready.optimalCost)}</strong>, uniform{' '}
            <strong>{cost(ready.uniformCost)}</strong> ({((1 - ready.optimalCost / ready.uniformCost) * 100).toFixed(0)}% lower)
          </p>
        )}
      </div>
      {(!lookup || lookup.status === 'pending') && <p className="hint">Computing the cost matrix…</p>}
      {lookup?.status === 'error' && <p className="hint">No Bellman grid: {lookup.message}</p>}
      <div className="grid-panels" ref={box} hidden={!ready}>
        <figure className="grid-figure" style={width > 0 ? { width: heatmapWidth } : undefined}>
          <svg ref={heatmap} role="img" aria-label="BOSS one-jump cost matrix, log colour scale, with the Bellman path and the uniform path" data-testid="boss-heatmap" />
          <figcaption className="hint">
            c<sub>kj</sub>: mean squared error of one {ready?.solver ?? ''} jump from anchor k to anchor j against the teacher ({ready?.samples ?? ''} samples), log colour
            scale. <span className="swatch" style={{ background: BOSS_OPTIMAL_COLOR }} aria-hidden="true" /> solid: the Bellman path; dashed white: the uniform one.
          </figcaption>
        </figure>
        <figure className="grid-figure" style={width > 0 ? { width: barsWidth } : undefined}>
          <svg ref={steps} role="img" aria-label="Step sizes of the Bellman grid beside the uniform grid" data-testid="boss-steps" />
          <figcaption className="hint">
            |Δt| of each step: <span className="swatch" style={{ background: BOSS_OPTIMAL_COLOR }} aria-hidden="true" /> Bellman beside <span className="swatch" style={{ background: '#8a94a6' }} aria-hidden="true" /> uniform.
          </figcaption>
        </figure>
      </div>
    </section>
  );
}

const EMS_QUANTITIES: EmsQuantity[] = ['l', 's', 'b'];
const EMS_COLORS: Record<EmsQuantity, string> = { l: '#4e79a7', s: '#e15759', b: '#59a14f' };
const EMS_EXPLAIN: Record<EmsQuantity, string> = {
  l: 'l: the per-dimension linear coefficient that best removes x from the noise prediction (σ·∂ε̂/∂x, diagonal)',
  s: 's: the least-squares slope of the remaining term f against its own predictor',
  b: 'b: the least-squares bias of the remaining term f',
};

function curveReport(summary: ReturnType<typeof summariseEms>, drawnPoints: number): EmsCurveReport {
  const all = [...summary.mean, ...summary.min, ...summary.max];
  return {
    first: summary.mean[0],
    last: summary.mean[summary.mean.length - 1],
    min: Math.min(...summary.mean),
    max: Math.max(...summary.mean),
    bandMin: Math.min(...summary.min),
    bandMax: Math.max(...summary.max),
    finite: all.every(Number.isFinite),
    drawnPoints,
  };
}

const EMPTY_CURVE: EmsCurveReport = { first: NaN, last: NaN, min: NaN, max: NaN, bandMin: NaN, bandMax: NaN, finite: false, drawnPoints: 0 };

function V3Panel({ spec }: { spec: SampleSpec }) {
  const lookup = useLookup<V3Lookup>(spec, peekV3, computeV3);
  const [box, width] = useWidth();
  const svgs = useRef<(SVGSVGElement | null)[]>([]);
  const panelWidth = width >= 720 ? Math.floor((width - 24) / 3) : width;

  useEffect(() => {
    if (!lookup || lookup.status === 'off') return;
    if (lookup.status !== 'ready') {
      reportV3View({
        status: lookup.status,
        message: lookup.status === 'error' || lookup.status === 'absent' ? lookup.message : undefined,
        points: 0,
        dims: 0,
        lambda: [NaN, NaN],
        l: EMPTY_CURVE,
        s: EMPTY_CURVE,
        b: EMPTY_CURVE,
      });
      return;
    }
    if (panelWidth <= 0) return;
    const ems = lookup.ems;
    const curves = {} as Record<EmsQuantity, EmsCurveReport>;
    EMS_QUANTITIES.forEach((q, i) => {
      const summary = summariseEms({ lambdas: ems.lambdas, values: ems[q], dim: ems.dim });
      const svg = svgs.current[i];
      const drawn = svg ? drawEmsChart(svg, ems.lambdas, summary, { width: panelWidth, height: 170, quantity: q, color: EMS_COLORS[q] }) : null;
      curves[q] = curveReport(summary, drawn?.points ?? 0);
    });
    reportV3View({ status: 'ready', points: ems.lambdas.length, dims: ems.dim, lambda: [ems.lambdas[0], ems.lambdas[ems.lambdas.length - 1]], ...curves });
  }, [lookup, panelWidth]);
  useEffect(() => () => reportV3View(null), []);

  const ready = lookup?.status === 'ready' ? lookup.ems : null;
  const notReady = ready ? null : 'The statistics are not ready';
  const name = ['v3-statistics', targetSlug(spec.target), spec.process.type];
  const exportRows: ExportRow[] = [
    ...EMS_QUANTITIES.map((q, i) => ({ what: `${q} chart`, actions: chartActions([...name, q], () => svgs.current[i] ?? null, notReady) })),
    ...EMS_QUANTITIES.map(
      (q): ExportRow => ({
        what: `statistic ${q}`,
        actions: [
          {
            format: 'npy',
            name: [...name, q],
            describe: `float64 [λ points, dimensions]: ${q} per dimension at each λ of the EMS grid`,
            unavailable: notReady,
            make: () => npyBlob(ready![q], [ready!.lambdas.length, ready!.dim]),
          },
        ],
      }),
    ),
    {
      what: 'EMS grid',
      actions: [
        {
          format: 'json',
          name: [...name, 'grid'],
          describe: 'The spec, the λ grid and the summary the charts draw',
          unavailable: notReady,
          make: () => jsonBlob({ kind: 'stepscope-v3-statistics', spec, lambdas: Array.from(ready!.lambdas), dim: ready!.dim, engine: ready!.engine }),
        },
      ],
    },
  ];
  return (
    <section className="panel grid-panel method-panel" aria-label="DPM-Solver-v3 statistics">
      <div className="panel-head">
        <h2>DPM-Solver-v3 statistics</h2>
        <ExportMenu label="DPM-Solver-v3 statistics" rows={exportRows} />
        {ready && (
          <p className="hint" data-testid="v3-summary">
            N<sub>ems</sub> = {ready.points}, {ready.dim} dimensions, λ from {ready.lambdas[0].toFixed(2)} to {ready.lambdas[ready.points].toFixed(2)}; line: mean over
            dimensions, band: min–max
          </p>
        )}
      </div>
      {(!lookup || lookup.status === 'pending') && <p className="hint">Computing the model statistics…</p>}
      {lookup?.status === 'absent' && <p className="hint">{lookup.message}</p>}
      {lookup?.status === 'error' && <p className="hint">No statistics: {lookup.message}</p>}
      <div className="grid-panels" ref={box} hidden={!ready}>
        {EMS_QUANTITIES.map((q, i) => (
          <figure key={q} className="grid-figure" style={panelWidth > 0 ? { width: panelWidth } : undefined}>
            <svg
              ref={(el) => {
                svgs.current[i] = el;
              }}
              role="img"
              aria-label={`DPM-Solver-v3 statistic ${EMS_TITLES[q]} against λ, mean and min–max over dimensions`}
              data-testid={`v3-${q}`}
            />
            <figcaption className="hint">{EMS_EXPLAIN[q]}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}

/** the BOSS view when the schedule is boss, the v3 statistics when the solver is DPM-Solver-v3 (else nothing) */
export function MethodPanels() {
  const spec = useAppStore((s) => s.spec);
  return (
    <>
      {spec.schedule.type === 'boss' && <BossPanel spec={spec} />}
      {spec.solver.name === 'dpm-solver-v3' && <V3Panel spec={spec} />}
      <FormulaPanel />
    </>
  );
}
