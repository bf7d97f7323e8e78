// Bring your own target (issue #3): load a target file (a .json target object, or a .npy/.csv dataset,
// parsed by core/io/dataset.ts like the CLI's --target/--points), draw a dataset by hand on the flow view
// (DrawOverlay.tsx draws; the buttons here finish it), or save the current target as JSON.
// A refused file or dataset becomes a notice naming what is wrong; the spec stays as it was.

import { useEffect, useId, type ChangeEvent } from 'react';
import { DatasetError, TARGET_FILE_EXTENSIONS, checkFileSize, parseTargetFile } from '../core/io/dataset.ts';
import { MAX_COMPONENTS, MAX_DIM, SpecError, type SampleSpec } from '../core/spec/spec.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { flowViewProblem } from './targetInfo.ts';

const NOTICE_KEY = 'target-source';

/** what a target is, in a few words (for notices and the selector) */
export function describeTarget(target: SampleSpec['target']): string {
  if (target.type === 'preset') return `preset ${target.name}`;
  if (target.type === 'gmm') return `mixture of ${target.weights.length} Gaussians in ${target.means[0].length}-D`;
  if (target.type === 'glyphs16') return `glyphs16 (${target.components} digits, 16×16 images)`;
  return `dataset of ${target.points.length} points in ${target.points[0].length}-D`;
}

function problemText(error: unknown): string {
  if (error instanceof SpecError) return error.problems.join('; ');
  return error instanceof Error ? error.message : String(error);
}

export function TargetSource() {
  const store = useAppStoreApi();
  const draw = useAppStore((s) => s.draw);
  // points are drawn on the flow view: not there for image and > 16-D targets
  const noFlow = useAppStore((s) => flowViewProblem(s.spec.target));
  const inputId = useId();
  // the overlay lives on the flow view: leaving it (a target it does not draw) ends the drawing
  useEffect(() => {
    if (noFlow !== null && store.getState().draw.active) store.getState().stopDrawing();
  }, [noFlow, store]);

  /** take a new target through the spec's schema; false (a notice, nothing changed) when refused */
  const applyTarget = (target: SampleSpec['target'], source: string): boolean => {
    const state = store.getState();
    try {
      state.setSpec({ ...state.spec, target });
    } catch (error) {
      state.pushNotice({ level: 'warning', key: NOTICE_KEY, text: `${source} was not used: ${problemText(error)}` });
      return false;
    }
    state.pushNotice({ level: 'info', key: NOTICE_KEY, text: `Target: ${describeTarget(target)}, from ${source}.` });
    return true;
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // choosing the same file again (after fixing it) must fire `change` again
    input.value = '';
    if (!file) return;
    let target: SampleSpec['target'];
    try {
      checkFileSize(file.name, file.size);
      target = parseTargetFile(file.name, new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      const text = error instanceof DatasetError ? error.message : `'${file.name}': ${problemText(error)}`;
      store.getState().pushNotice({ level: 'warning', key: NOTICE_KEY, text: `The file was not used: ${text}` });
      return;
    }
    if (applyTarget(target, `'${file.name}'`)) store.getState().stopDrawing();
  };

  const startDrawing = () => {
    const target = store.getState().spec.target;
    // continue a drawn (2-D) dataset rather than starting over
    store.getState().startDrawing(target.type === 'points' && target.points[0].length === 2 ? target.points : []);
  };

  const finishDrawing = () => {
    const points = store.getState().draw.points;
    if (applyTarget({ type: 'points', points }, 'the drawn points')) store.getState().stopDrawing();
  };

  const saveTarget = () => {
    const target = store.getState().spec.target;
    const blob = new Blob([`${JSON.stringify(target, null, 1)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = target.type === 'points' ? 'stepscope-dataset.json' : 'stepscope-target.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <div className="target-source">
      <div className="row wrap">
        <label htmlFor={inputId} className="button secondary small file-button" title="A .json target (gmm, points or preset), or a dataset: .npy array (N, d) or .csv columns">
          Load file…
        </label>
        <input id={inputId} className="visually-hidden" type="file" accept={TARGET_FILE_EXTENSIONS.join(',')} data-testid="target-file" onChange={(e) => void onFile(e)} />
        <button
          type="button"
          className="button secondary small"
          data-testid="draw-start"
          disabled={draw.active || noFlow !== null}
          onClick={startDrawing}
          title={noFlow ? `Drawing needs the flow view, and there is none for this target (${noFlow}); pick a 2-D target first` : 'Click or drag on the flow view to place data points'}
        >
          Draw points
        </button>
        <button type="button" className="button secondary small" onClick={saveTarget} title="Download the current target as a JSON file (load it here or pass it to the CLI's --target)">
          Save
        </button>
      </div>
      {draw.active ? (
        <div className="draw-panel" role="group" aria-label="Drawn dataset">
          <div className="hint">
            <span data-testid="draw-count">{draw.points.length}</span> of at most {MAX_COMPONENTS} points: click or drag on the flow view
          </div>
          <div className="row wrap">
            <button type="button" className="button secondary small" data-testid="draw-undo" disabled={draw.points.length === 0} onClick={() => store.getState().undoDrawnPoint()}>
              Undo
            </button>
            <button type="button" className="button secondary small" data-testid="draw-clear" disabled={draw.points.length === 0} onClick={() => store.getState().clearDrawnPoints()}>
              Clear
            </button>
            <button type="button" className="button secondary small" onClick={() => store.getState().stopDrawing()}>
              Cancel
            </button>
            <button type="button" className="button primary small" data-testid="draw-done" disabled={draw.points.length === 0} onClick={finishDrawing}>
              Use these points
            </button>
          </div>
        </div>
      ) : (
        <div className="hint">
          your own target: a file (.json, .npy, .csv; at most {MAX_COMPONENTS} points of dimension ≤ {MAX_DIM}) or points drawn by hand
        </div>
      )}
    </div>
  );
}
