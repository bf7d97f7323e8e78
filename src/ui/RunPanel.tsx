import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { useAppStore } from '../state/hooks.ts';
import { liveRunBusy } from '../state/store.ts';
import { solverColor } from '../views/palette.ts';
import { FD_REFERENCE_HARDWARE, FD_REFERENCE_SOFTWARE, type RunController } from './controller.ts';
import { formatNumber } from './labels.ts';

/** The Run button, the live run's state and its metrics per shown solver. */
export function RunPanel({ controller }: { controller: RunController | null }) {
  const run = useAppStore((s) => s.run);
  const backend = useAppStore((s) => s.gpu.backend);
  const busy = liveRunBusy(run.status);
  const slowImageRun = useAppStore((s) => s.spec.target.type === 'glyphs16' && s.gpu.status !== 'ok');
  // image targets (glyphs16) add FD-RF and FD-pix, with their null values, to the run's metrics
  const fd = run.results.flatMap((r) => (r.metrics?.fdRf !== undefined ? [{ solver: r.solver, index: r.index, color: r.color ?? solverColor(r.solver), label: r.label, metrics: r.metrics, n: r.n }] : []));
  return (
    <section className="run-panel" aria-label="Run">
      <div className="row">
        <button type="button" className="button primary" disabled={!controller} onClick={() => void controller?.runLive().catch(() => {})}>
          {busy ? 'Running…' : 'Run'}
        </button>
        <span className="run-status" aria-live="polite">
          {!controller
            ? 'waiting for the GPU…'
            : run.status === 'measuring'
              ? 'measuring sliced W2, mode mass and NLL…'
              : busy
                ? `sampling on the ${backend === 'gpu' ? 'GPU (float32)' : 'CPU (float64)'}…${slowImageRun ? ' An image target’s first run also builds FD-RF’s reference statistics: a minute or two on a software adapter.' : ''}`
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
              <tr key={r.index}>
                <th scope="row">
                  <span className="swatch" style={{ background: r.color ?? solverColor(r.solver) }} aria-hidden="true" />
                  {r.label ?? SOLVERS[r.solver as SolverName]?.label ?? r.solver}
                </th>
                <td>{r.metrics ? formatNumber(r.metrics.mmd2 * 1e3) : '–'}</td>
                <td>{r.metrics ? formatNumber(r.metrics.rmse) : '–'}</td>
                <td>{r.wallMs.toFixed(r.wallMs < 10 ? 1 : 0)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {fd.length > 0 && (
        <>
          <table className="metrics fd-metrics" data-testid="fd-metrics">
            <thead>
              <tr>
                <th scope="col">solver</th>
                <th scope="col" title="Fréchet distance of random features (fixed random conv net, F = 256) against exact samples of p(t_end)">
                  FD-RF
                </th>
                <th scope="col" title="Fréchet distance in pixel space against the exact mean and covariance of p(t_end)">FD-pix</th>
              </tr>
            </thead>
            <tbody>
              {fd.map(({ solver, index, color, label, metrics }) => (
                <tr key={index}>
                  <th scope="row">
                    <span className="swatch" style={{ background: color }} aria-hidden="true" />
                    {label ?? SOLVERS[solver as SolverName]?.label ?? solver}
                  </th>
                  {/* test ids by solver for the spec's own and the default pair, by position for further configurations */}
                  <td data-testid={index < 2 ? `fd-rf-${solver}` : `fd-rf-${index}`}>{formatNumber(metrics.fdRf!)}</td>
                  <td data-testid={index < 2 ? `fd-pix-${solver}` : `fd-pix-${index}`}>{formatNumber(metrics.fdPix!)}</td>
                </tr>
              ))}
              <tr className="null-row" title="the same distances for an independent exact set of the same n: a perfect sampler scores about this">
                <th scope="row">exact set (null)</th>
                <td data-testid="fd-rf-null">{formatNumber(fd[0].metrics.fdRfNull!)}</td>
                <td data-testid="fd-pix-null">{formatNumber(fd[0].metrics.fdPixNull!)}</td>
              </tr>
            </tbody>
          </table>
          <p className="hint" data-testid="fd-note">
            FD-RF against {(fd[0].metrics.fdReferenceSamples ?? 0).toLocaleString('en-US')} exact samples ({FD_REFERENCE_SOFTWARE.toLocaleString('en-US')} on a software
            adapter or the CPU, {FD_REFERENCE_HARDWARE.toLocaleString('en-US')} on a hardware GPU; the CLI uses the spec’s 50,000, so compare values at the same
            count); FD-pix against the exact moments. Both over all {fd[0].n.toLocaleString('en-US')} samples and biased ~1/n: read them against the null row.
          </p>
        </>
      )}
      {run.results.length > 0 && (
        <p className="hint">
          {run.results[0].nfe} NFE, n = {run.results[0].n.toLocaleString('en-US')}
          {run.spec && run.results[0].n < run.spec.n && ` (of ${run.spec.n.toLocaleString('en-US')}: a reduced run while a slider moves; the full run follows on release)`}, metrics on {run.results[0].metrics?.metricSamples ?? 0} samples,{' '}
          {run.results[0].backend === 'gpu' ? 'GPU float32' : 'CPU float64'}
        </p>
      )}
    </section>
  );
}
