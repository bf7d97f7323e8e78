// Takes the flow view's place for targets it does not draw (targetInfo.ts): for an image target (glyphs16) the
// final samples of the latest run as a grid of 16×16 images, with the exact component means of p(t_end) beside
// them for comparison; for other high-dimensional targets a note saying why there is no flow view.

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { makeProcess, targetImageShape } from '../core/sampling/experiment.ts';
import { GLYPH_SIZE, glyphMixture } from '../core/sampling/glyphs.ts';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { useAppStore } from '../state/hooks.ts';
import { GRID_SAMPLES, composeImageGrid, drawImageGrid, gridLayout } from '../views/imageGrid.ts';
import { flowViewProblem } from './targetInfo.ts';

/** screen pixels per image pixel (nearest neighbour) */
const GRID_SCALE = 3;
const MEANS_SCALE = 2;
/** image texels between cells */
const GRID_GAP = 1;

/** the means of p(t_end) = Σ_k π_k N(α·μ_k, α²Σ_k + σ²I): α·μ_k, row-major (K, 256) */
function finalMeans(spec: SampleSpec): { data: Float64Array; count: number; alpha: number } | null {
  if (spec.target.type !== 'glyphs16') return null;
  const { means } = glyphMixture(spec.target);
  const alpha = makeProcess(spec.process).alpha(spec.tEnd);
  const data = new Float64Array(means.length * means[0].length);
  means.forEach((mu, k) => mu.forEach((v, i) => (data[k * mu.length + i] = alpha * v)));
  return { data, count: means.length, alpha };
}

function GridCanvas({ samples, indices, columns, scale, label, testId }: { samples: ArrayLike<number>; indices: number[]; columns: number; scale: number; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    try {
      drawImageGrid(canvas.current, composeImageGrid(samples, { indices, columns, gap: GRID_GAP }), scale);
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }, [samples, indices, columns, scale]);
  return (
    <>
      {/* the layout as data attributes: the e2e test finds each cell's pixels from them */}
      <canvas ref={canvas} className="image-grid" role="img" aria-label={label} data-testid={testId} data-columns={columns} data-count={indices.length} data-scale={scale} data-cell={GLYPH_SIZE} data-gap={GRID_GAP} />
      {problem && <div className="hint error">{problem}</div>}
    </>
  );
}

export function ImagePanel({ onSettled }: { onSettled?(): void }) {
  const spec = useAppStore((s) => s.spec);
  const run = useAppStore((s) => s.run);
  const selectId = useId();
  // the chosen configuration, by its index (the same solver may be shown twice, on two schedules)
  const [chosen, setChosen] = useState<number | null>(null);
  // the app counts itself mounted once the flow view's place is filled: here, at once
  useEffect(() => onSettled?.(), [onSettled]);

  const problem = flowViewProblem(spec.target);
  const imageTarget = targetImageShape(spec.target) !== undefined;
  // the latest run's samples belong to run.spec (the current spec may have changed since)
  const runSpec = run.spec;
  const withSamples = runSpec && targetImageShape(runSpec.target) ? run.results.filter((r) => r.samples && r.samples.length >= 256) : [];
  const shown = withSamples.find((r) => r.index === chosen) ?? withSamples[0] ?? null;
  const means = useMemo(() => (runSpec ? finalMeans(runSpec) : null), [runSpec]);
  const layout = useMemo(() => gridLayout(shown ? Math.floor(shown.samples!.length / 256) : 0, GRID_SAMPLES), [shown]);
  const meanIndices = useMemo(() => Array.from({ length: means?.count ?? 0 }, (_, k) => k), [means]);
  const label = (r: { solver: string; label?: string }) => r.label ?? SOLVERS[r.solver as SolverName]?.label ?? r.solver;

  return (
    <section className="panel flow-panel image-panel" aria-label="Samples as images">
      <div className="panel-head">
        <h2>{imageTarget ? 'Samples as images' : 'Flow view'}</h2>
        {withSamples.length > 1 && (
          <div className="row">
            <label htmlFor={selectId} className="hint">
              solver
            </label>
            <select id={selectId} value={shown?.index ?? ''} onChange={(e) => setChosen(Number(e.target.value))} data-testid="image-solver">
              {withSamples.map((r) => (
                <option key={r.index} value={r.index}>
                  {label(r)}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {problem && (
        <p className="hint" data-testid="flow-off">
          No flow view: {problem}.
        </p>
      )}
      {imageTarget && (
        <div className="image-panel-body">
          {shown && runSpec ? (
            <>
              <figure className="image-figure">
                <GridCanvas
                  samples={shown.samples!}
                  indices={layout.indices}
                  columns={layout.columns}
                  scale={GRID_SCALE}
                  label={`The first ${layout.indices.length} final samples of ${label(shown)}`}
                  testId="image-grid"
                />
                <figcaption className="hint">
                  {label(shown)}: the first {layout.indices.length} of {shown.n.toLocaleString('en-US')} final samples at t_end = {runSpec.tEnd}, {shown.nfe} NFE
                  (black −1, white +1)
                </figcaption>
              </figure>
              {means && (
                <figure className="image-figure">
                  <GridCanvas
                    samples={means.data}
                    indices={meanIndices}
                    columns={meanIndices.length}
                    scale={MEANS_SCALE}
                    label={`The exact means of the ${means.count} components`}
                    testId="image-means"
                  />
                  <figcaption className="hint">
                    exact component means α(t_end)·μ_k, digits 0 … {means.count - 1} (α = {means.alpha.toPrecision(4)}): a good sampler’s images look like
                    these plus per-pixel noise, in equal shares
                  </figcaption>
                </figure>
              )}
            </>
          ) : (
            <p className="hint">{run.status === 'running' ? 'sampling…' : 'the images appear after the first run'}</p>
          )}
        </div>
      )}
    </section>
  );
}
