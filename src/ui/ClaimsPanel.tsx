// "Paper claims" (issue 4): each claim of the catalogue (src/core/claims.ts) is one click. The click runs the claim
// in a worker on the float64 CPU engine (claimWorker.ts: the numbers of `stepscope claim ID --backend cpu`), shows
// progress with a cancel, then the chart, the table, every check with its numbers, and the verdict. Results stay
// for the session, so switching between claims does not recompute them.

import { useEffect, useRef, useState } from 'react';
import { CLAIMS, CLAIM_METRIC_LABELS, type Claim, type ClaimMetric } from '../core/claims.ts';
import type { ClaimPoint, ClaimResult } from '../engine/claims.ts';
import { useAppStore } from '../state/hooks.ts';
import { CLAIM_COLORS, drawClaimChart } from '../views/claimChart.ts';
import type { ClaimWorkerMessage } from './claimWorker.ts';
import { useWidth } from './useWidth.ts';
import { startWorkerJob, type WorkerJob } from './workerJob.ts';
import { reportClaimView, viewReports } from './viewReports.ts';
import { ExportMenu } from './export/ExportMenu.tsx';
import { csvBlob, jsonBlob, svgBlob, svgPng } from './export/exporters.ts';
import { seriesTable } from './export/viewData.ts';

type ClaimRun =
  | { status: 'running'; done: number; total: number; points: (ClaimPoint & { series: number })[] }
  | { status: 'done'; result: ClaimResult }
  | { status: 'cancelled' | 'error'; message: string };

/** the query parameter of a link that opens a claim */
const CLAIM_PARAM = 'claim';

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(3));

/** the metric values of each series at each axis value, from a finished result or the points so far */
function seriesValues(claim: Claim, run: ClaimRun | undefined, metric: ClaimMetric): number[][] {
  return claim.series.map((_, s) =>
    claim.axis.values.map((x) => {
      const point = run?.status === 'done' ? run.result.series[s].points.find((p) => p.x === x) : run?.status === 'running' ? run.points.find((p) => p.series === s && p.x === x) : undefined;
      return point?.[metric] ?? NaN;
    }),
  );
}

export function ClaimsPanel() {
  const [selected, setSelected] = useState(CLAIMS[0].id);
  const [runs, setRuns] = useState<Record<string, ClaimRun>>({});
  const [metric, setMetric] = useState<ClaimMetric | null>(null);
  const job = useRef<WorkerJob | null>(null);
  const setSpec = useAppStore((s) => s.setSpec);
  const [box, width] = useWidth();
  const chart = useRef<SVGSVGElement>(null);

  const claim = CLAIMS.find((c) => c.id === selected)!;
  const run = runs[selected] as ClaimRun | undefined;
  const shown = metric && claim.metrics.includes(metric) ? metric : claim.metrics[0];
  const values = seriesValues(claim, run, shown);

  const start = (id: string) => {
    job.current?.cancel();
    const set = (value: ClaimRun) => setRuns((all) => ({ ...all, [id]: value }));
    set({ status: 'running', done: 0, total: 0, points: [] });
    const worker = new Worker(new URL('./claimWorker.ts', import.meta.url), { type: 'module', name: `stepscope-claim-${id}` });
    job.current = startWorkerJob<ClaimWorkerMessage>(worker, { id }, 'claim', {
      message: (message) => {
        if (message.type === 'progress')
          setRuns((all) => {
            const current = all[id];
            const points = current?.status === 'running' ? current.points : [];
            return { ...all, [id]: { status: 'running', done: message.done, total: message.total, points: [...points, message.point] } };
          });
        else if (message.type === 'done') set({ status: 'done', result: message.result });
      },
      failed: (message) => set({ status: 'error', message }),
    });
  };

  const cancel = () => {
    job.current?.cancel();
    job.current = null;
    setRuns((all) => ({ ...all, [selected]: { status: 'cancelled', message: 'Cancelled.' } }));
  };

  useEffect(() => () => job.current?.cancel(), []);


  // one click: choosing a claim runs it unless it has a result or is running
  const choose = (id: string) => {
    setSelected(id);
    const current = runs[id];
    if (!current || current.status === 'cancelled' || current.status === 'error') start(id);
  };

  // a link `?claim=ID` (e.g. from a course page) opens the lab with that claim running
  const section = useRef<HTMLElement>(null);
  const pushNotice = useAppStore((s) => s.pushNotice);
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get(CLAIM_PARAM);
    if (id === null) return;
    if (!CLAIMS.some((c) => c.id === id)) {
      pushNotice({ level: 'error', key: 'claim-param', text: `claim: got '${id}' in the link; allowed: ${CLAIMS.map((c) => c.id).join(', ')}` });
      return;
    }
    choose(id);
    section.current?.scrollIntoView();
    // once, on mount
  }, []);

  useEffect(() => {
    if (width <= 0 || !chart.current) return;
    const drawn = drawClaimChart(
      chart.current,
      { axis: claim.axis, metricLabel: CLAIM_METRIC_LABELS[shown], series: claim.series.map((s, i) => ({ label: s.label, values: values[i] })), markBest: claim.axis.label !== 'NFE' },
      { width: Math.min(width, 760), height: 300 },
    );
    reportClaimView({
      id: claim.id,
      status: run?.status ?? 'idle',
      done: run?.status === 'running' ? run.done : run?.status === 'done' ? claim.series.length * claim.axis.values.length : 0,
      total: claim.series.length * claim.axis.values.length,
      metric: shown,
      axis: claim.axis.values,
      series: claim.series.map((s, i) => ({ label: s.label, values: values[i] })),
      holds: run?.status === 'done' ? run.result.holds : null,
      checks: run?.status === 'done' ? run.result.checks : [],
      chart: drawn,
    });
  });
  useEffect(() => () => reportClaimView(null), []);

  // the lab's spec for a series: its spec at the middle axis value (a guided run is not a spec: it has no such link)
  const open = (s: number) => {
    const x = claim.axis.values[Math.floor(claim.axis.values.length / 2)];
    setSpec(claim.series[s].at(x));
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };

  const failing = run?.status === 'done' ? run.result.checks.filter((c) => !c.holds).length : 0;
  return (
    <section ref={section} className="panel claims-panel" aria-label="Paper claims">
      <div className="panel-head">
        <h2>Paper claims</h2>
        <p className="hint">Each claim of the source papers as one experiment on a model whose truth is known. One click runs it (float64, in a worker).</p>
      </div>
      <div className="claim-picker" role="group" aria-label="Claims">
        {CLAIMS.map((c) => (
          <button key={c.id} type="button" className={`button small${c.id === selected ? ' primary' : ' secondary'}`} aria-pressed={c.id === selected} onClick={() => choose(c.id)} title={c.title}>
            {c.title}
          </button>
        ))}
      </div>
      <div className="claim-body">
        <p className="claim-paper">{claim.paper}</p>
        <p>
          <strong>This experiment:</strong> {claim.statement}
        </p>
        <p className="hint">
          Source: {claim.source}. Same run on the command line: <code>npx stepscope claim {claim.id} --backend cpu</code>
          {claim.cpuTime ? ` (about ${claim.cpuTime} on a 2-core CPU)` : ''}. <a href={`?${CLAIM_PARAM}=${claim.id}`}>Link to this claim</a>.
        </p>
        {!run && (
          <button type="button" className="button primary" onClick={() => start(claim.id)}>
            Run this claim
          </button>
        )}
        {run?.status === 'running' && (
          <div className="claim-progress">
            <progress value={run.done} max={run.total || 1} aria-label="Claim progress" />
            <span className="hint">
              {run.done} / {run.total || '…'} points
            </span>
            <button type="button" className="button small secondary" onClick={cancel}>
              Cancel
            </button>
          </div>
        )}
        {(run?.status === 'cancelled' || run?.status === 'error') && (
          <p className={`hint${run.status === 'error' ? ' error' : ''}`}>
            {run.status === 'error' ? `The claim failed: ${run.message}` : run.message}{' '}
            <button type="button" className="button small secondary" onClick={() => start(claim.id)}>
              Run again
            </button>
          </p>
        )}
        {run?.status === 'done' && (
          <p className={`claim-verdict ${run.result.holds ? 'holds' : 'fails'}`} role="status" data-testid="claim-verdict">
            {run.result.holds ? `Reproduced: all ${run.result.checks.length} checks hold` : `Not reproduced: ${failing} of ${run.result.checks.length} checks fail`} ({(run.result.wallMs / 1000).toFixed(1)} s)
          </p>
        )}
        {claim.metrics.length > 1 && (
          <label className="claim-metric">
            Metric{' '}
            <select value={shown} onChange={(e) => setMetric(e.target.value as ClaimMetric)}>
              {claim.metrics.map((m) => (
                <option key={m} value={m}>
                  {CLAIM_METRIC_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
        )}
        <ExportMenu
          label="claim chart"
          rows={(() => {
            const unavailable = run?.status === 'done' ? null : 'Run the claim first: no finished result to export';
            const name = ['claim', claim.id, shown];
            const svg = () => {
              if (!chart.current) throw new Error('the chart is not drawn');
              return chart.current;
            };
            return [
              {
                what: 'claim chart',
                actions: [
                  { format: 'svg', name, make: () => svgBlob(svg()), unavailable },
                  { format: 'png', name, make: () => svgPng(svg()), unavailable },
                ],
              },
              {
                what: 'claim values',
                actions: [
                  {
                    format: 'csv',
                    name,
                    describe: `One row per series and ${claim.axis.label}: ${CLAIM_METRIC_LABELS[shown]}`,
                    make: () => {
                      const table = seriesTable(claim.axis.label, claim.axis.values, claim.series.map((s, i) => ({ label: s.label, values: values[i] })));
                      return csvBlob(table.header, table.rows);
                    },
                    unavailable,
                  },
                  {
                    format: 'json',
                    name,
                    describe: 'The claim, its values, checks and verdict',
                    make: () => jsonBlob({ kind: 'stepscope-claim', id: claim.id, statement: claim.statement, source: claim.source, view: viewReports().claim }),
                    unavailable,
                  },
                ],
              },
            ];
          })()}
        />
        <div ref={box} className="claim-chart">
          <svg ref={chart} role="img" aria-label={`${CLAIM_METRIC_LABELS[shown]} against ${claim.axis.label}, one line per series`} data-testid="claim-chart" />
        </div>
        <table className="claim-table" aria-label={`${CLAIM_METRIC_LABELS[shown]} by series and ${claim.axis.label}`}>
          <thead>
            <tr>
              <th scope="col">series</th>
              {claim.axis.values.map((x) => (
                <th key={x} scope="col">
                  {claim.axis.label} {x}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">open in the lab</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {claim.series.map((s, i) => (
              <tr key={s.label}>
                <th scope="row">
                  <span className="swatch" style={{ background: CLAIM_COLORS[i % CLAIM_COLORS.length] }} aria-hidden="true" /> {s.label}
                </th>
                {values[i].map((v, j) => (
                  <td key={j}>{fmt(v)}</td>
                ))}
                <td>
                  <button
                    type="button"
                    className="button small secondary"
                    onClick={() => open(i)}
                    disabled={s.guidance !== undefined}
                    title={s.guidance ? 'guided runs are not a spec of the lab' : 'make this series the lab’s spec'}
                    aria-label={`Open ${s.label} in the lab`}
                  >
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {run?.status === 'done' && (
          <ul className="claim-checks" aria-label="Checks">
            {run.result.checks.map((c) => (
              <li key={c.text} className={c.holds ? 'holds' : 'fails'}>
                <span aria-hidden="true">{c.holds ? '✓' : '✗'}</span> {c.holds ? '' : 'FAILS: '}
                {c.text}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
