// The training lab's field view (issue #7 part 1: "watch the loss and the learned field converge"): the velocity field
// of one run's network over the exact field of the target at an RF time τ, with the density-weighted relative error
// (core/train/velocityField.ts). A float64 run posts its parameters about once a second (trainWorker.ts), so the arrows
// move while it trains; a WebGPU run is drawn when it ends (its parameters stay on the GPU until then).

import { useEffect, useMemo, useRef, useState } from 'react';
import { prepareTarget } from '../../core/sampling/experiment.ts';
import type { TargetPresetName } from '../../core/sampling/presets.ts';
import { type LearnedNetwork, learnedDenoiser } from '../../core/spec/learnedModel.ts';
import { FIELD_GRID, MAX_FIELD_TAU, compareVelocityField, fieldExtent } from '../../core/train/velocityField.ts';
import { drawFieldChart } from '../../views/fieldChart.ts';
import { reportTrainFieldView } from '../viewReports.ts';

export interface FieldRun {
  /** the optimizer's name (the report's key) and label */
  name: string;
  label: string;
  color: string;
  /** the latest parameters: a live snapshot or the trained model; null before the first snapshot */
  network: LearnedNetwork | null;
  step: number;
}

const VIEW = 360;

export function FieldPanel({ runs, target }: { runs: FieldRun[]; target: TargetPresetName }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [tau, setTau] = useState(0.5);
  const svg = useRef<SVGSVGElement>(null);
  const mixture = useMemo(() => prepareTarget({ type: 'preset', name: target }), [target]);
  const shown = runs.filter((r) => r.network);
  const run = shown.find((r) => r.name === chosen) ?? shown[0];
  const [error, setError] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!run?.network || !svg.current) {
      reportTrainFieldView(null);
      return;
    }
    const r = fieldExtent(mixture, tau);
    let field;
    try {
      field = compareVelocityField(learnedDenoiser(run.network), mixture, tau, FIELD_GRID, -r, r);
    } catch (e) {
      setProblem((e as Error).message);
      setError(null);
      svg.current.replaceChildren();
      reportTrainFieldView(null);
      return;
    }
    setProblem(null);
    const report = drawFieldChart(svg.current, field, { size: VIEW, color: run.color });
    setError(report.relativeError);
    reportTrainFieldView({ run: run.name, step: run.step, ...report });
  }, [run?.network, run?.name, tau, mixture]);
  useEffect(() => () => reportTrainFieldView(null), []);

  return (
    <section className="panel" aria-labelledby="train-field-title">
      <div className="panel-head">
        <h2 id="train-field-title">Learned field</h2>
        <p className="hint">
          The velocity v(x, τ) = (D(x) − x)/(1 − τ) on the flow path x_τ = τ·x₁ + (1 − τ)·x₀ (τ = 0 noise, 1 data; training.md §3.3) of a run&apos;s network, in its colour,
          over the exact field of the target (grey), on the density p_τ. Score models are read through the same denoiser D.
        </p>
      </div>
      {shown.length === 0 ? (
        <p className="hint">Train a run above to see its field.</p>
      ) : (
        <>
          <div className="train-actions">
            <label>
              Field of{' '}
              <select value={run.name} onChange={(e) => setChosen(e.target.value)}>
                {shown.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              τ{' '}
              <input type="range" aria-label="RF time τ of the field" min={0} max={MAX_FIELD_TAU} step={0.01} value={tau} onChange={(e) => setTau(Number(e.target.value))} />{' '}
              <output>{tau.toFixed(2)}</output>
            </label>
            <span data-testid="field-error">
              after {run.step} steps: density-weighted relative error {error === null ? '–' : error.toPrecision(3)}
            </span>
          </div>
          {problem && (
            <p className="train-problem" role="alert">
              {problem}
            </p>
          )}
          <svg ref={svg} role="img" aria-label={`Velocity field of the ${run.label} run at τ = ${tau.toFixed(2)} over the exact field`} data-testid="field-chart" />
        </>
      )}
    </section>
  );
}
