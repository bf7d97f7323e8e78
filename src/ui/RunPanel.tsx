import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { useAppStore } from '../state/hooks.ts';
import { solverColor } from '../views/palette.ts';
import type { RunController } from './controller.ts';
import { formatNumber } from './labels.ts';

/** The Run button, the live run's state and its metrics per shown solver. */
export function RunPanel({ controller }: { controller: RunController | null }) {
  const run = useAppStore((s) => s.run);
  const backend = useAppStore((s) => s.gpu.backend);
  const busy = run.status === 'running';
  return (
    <section className="run-panel" aria-label="Run">
      <div className="row">
        <button type="button" className="button primary" disabled={!controller} onClick={() => void controller?.runLive().catch(() => {})}>
          {busy ? 'Running…' : 'Run'}
        </button>
        <span className="run-status" aria-live="polite">
          {!controller
            ? 'waiting for the GPU…'
            : busy
              ? `sampling on the ${backend === 'gpu' ? 'GPU (float32)' : 'CPU (float64)'}…`
              : run.status === 'error'
                ? 'the last run failed'
                : 'runs again when a control changes'}
        </span>
      </div>
      {run.results.length > 0 && (
        <table className="metrics">
          <colgroup>
            <col className="c-solver" />
            <col className="c-mmd" />
            <col className="c-rmse" />
            <col className="c-time" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">solver</th>
              <th scope="col" title="unbiased MMD² against exact samples of p(t_end), ×10³ (≤ 0 means below the estimator's noise)">
                MMD²
                <br />
                ×10³
              </th>
              <th scope="col" title="same-noise RMSE against an RK45 solution (tolerance 1e-7) from the same x_T">RMSE</th>
              <th scope="col" title="wall time of the sampling (no metrics)">time</th>
            </tr>
          </thead>
          <tbody>
            {run.results.map((r) => (
              <tr key={r.solver}>
                <th scope="row">
                  <span className="swatch" style={{ background: solverColor(r.solver) }} aria-hidden="true" />
                  {SOLVERS[r.solver as SolverName]?.label ?? r.solver}
                </th>
                <td>{r.metrics ? formatNumber(r.metrics.mmd2 * 1e3) : '–'}</td>
                <td>{r.metrics ? formatNumber(r.metrics.rmse) : '–'}</td>
                <td>{r.wallMs.toFixed(r.wallMs < 10 ? 1 : 0)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run.results.length > 0 && (
        <p className="hint">
          {run.results[0].nfe} NFE, n = {run.results[0].n.toLocaleString('en-US')}, metrics on {run.results[0].metrics?.metricSamples ?? 0} samples,{' '}
          {run.results[0].backend === 'gpu' ? 'GPU float32' : 'CPU float64'}
        </p>
      )}
    </section>
  );
}
