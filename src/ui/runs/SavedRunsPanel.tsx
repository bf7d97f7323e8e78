// Saved runs (issue #8): save the sampler lab's latest finished run (name, spec, metrics per configuration, a thumbnail of a
// chart) in this browser's IndexedDB; list, open, delete; compare two side by side; export all as one JSON file and
// import such a file. Failures (no IndexedDB in a private window, a bad file) are notices; nothing else changes.

import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useAppStoreApi } from '../../state/hooks.ts';
import { type SavedResult, type SavedRun, METRIC_KEYS, RunsDb, RunsError, compareRuns, exportRunsFile, newRunId, parseRunsFile } from '../../state/runs.ts';
import { SOLVERS } from '../../core/sampling/solvers.ts';
import { formatNumber } from '../labels.ts';
import { svgThumbnail, thumbnailSource } from './thumbnail.ts';

let sharedDb: RunsDb | undefined;
const runsDb = () => (sharedDb ??= new RunsDb());

const METRIC_LABELS: Record<string, string> = { nfe: 'NFE', mmd2: 'MMD²', energy: 'energy distance', rmse: 'same-noise RMSE', sw2: 'sliced W2', modeMass: 'mode-mass error', nll: 'NLL', fdRf: 'FD-RF', fdPix: 'FD-pix', wallMs: 'wall time (ms)' };

const show = (x: number | null) => (x === null ? '–' : formatNumber(x, 4));

export function SavedRunsPanel() {
  const store = useAppStoreApi();
  const nameId = useId();
  const importId = useId();
  const [runs, setRuns] = useState<SavedRun[]>([]);
  const [name, setName] = useState('');
  const [compare, setCompare] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const notify = useCallback(
    (text: string, level: 'warning' | 'error' = 'warning') => store.getState().pushNotice({ level, key: 'saved-runs', text }),
    [store],
  );
  const refresh = useCallback(async () => {
    try {
      setRuns(await runsDb().list());
    } catch (error) {
      notify(`Saved runs are not available in this browser (IndexedDB: ${(error as Error).message}).`);
    }
  }, [notify]);
  useEffect(() => void refresh(), [refresh]);

  const save = async () => {
    const { run } = store.getState();
    const results = run.results.filter((r) => r.metrics);
    if (run.status !== 'done' || !run.spec || results.length === 0) {
      notify('There is no finished run with metrics to save yet: wait until the run is done.');
      return;
    }
    // a run made while a slider was held used fewer particles than its spec says (controller.ts dragParticles)
    if (results[0].n !== run.spec.n) {
      notify(`The run on show used ${results[0].n} particles while a slider moved; wait for the full run (n = ${run.spec.n}) to save it.`);
      return;
    }
    setBusy(true);
    try {
      const source = thumbnailSource();
      const thumbnail = source ? await svgThumbnail(source) : undefined;
      // keyed by configuration (its index and label): two configurations may share a solver
      const saved: SavedResult[] = results.map((r) => ({
        index: r.index,
        label: r.label ?? SOLVERS[r.solver].label,
        solver: r.solver,
        nfe: r.nfe,
        wallMs: r.wallMs,
        metrics: Object.fromEntries(METRIC_KEYS.filter((k) => typeof r.metrics![k] === 'number' || r.metrics![k] === null).map((k) => [k, r.metrics![k] as number | null])),
      }));
      const record: SavedRun = {
        id: newRunId(),
        name: name.trim() || `${run.spec.solver.name} · ${run.spec.nfe ?? run.spec.steps} ${run.spec.nfe !== undefined ? 'NFE' : 'steps'} · seed ${run.spec.seed}`,
        savedAt: new Date().toISOString(),
        spec: run.spec,
        results: saved,
        ...(thumbnail ? { thumbnail } : {}),
      };
      await runsDb().put(record);
      setName('');
      await refresh();
    } catch (error) {
      notify(`The run was not saved: ${(error as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const open = (run: SavedRun) => {
    try {
      store.getState().setSpec(run.spec);
    } catch (error) {
      notify(`Saved run '${run.name}' could not be opened: ${(error as Error).message}`);
    }
  };

  const remove = async (run: SavedRun) => {
    await runsDb().delete(run.id);
    setCompare((c) => c.filter((id) => id !== run.id));
    await refresh();
  };

  const toggleCompare = (id: string, on: boolean) => setCompare((c) => (on ? [...c.filter((x) => x !== id), id].slice(-2) : c.filter((x) => x !== id)));

  const exportAll = () => {
    const blob = new Blob([exportRunsFile(runs)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'stepscope-runs.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const importFile = async (file: File) => {
    try {
      const parsed = parseRunsFile(await file.text(), `'${file.name}'`);
      const added = await runsDb().importRuns(parsed);
      await refresh();
      store.getState().notices.filter((n) => n.key === 'saved-runs').forEach((n) => store.getState().dismissNotice(n.id));
      notify(`Imported ${added.length} run${added.length === 1 ? '' : 's'} from '${file.name}'.`);
    } catch (error) {
      const lines = error instanceof RunsError ? error.problems : [(error as Error).message];
      notify(`Nothing was imported: ${lines.join('; ')}`, 'error');
    }
  };

  const pair = useMemo(() => compare.map((id) => runs.find((r) => r.id === id)).filter((r): r is SavedRun => r !== undefined), [compare, runs]);

  return (
    <section className="panel saved-runs" aria-label="Saved runs" data-testid="saved-runs">
      <div className="panel-head">
        <h2>Saved runs</h2>
        <span className="hint">kept in this browser (IndexedDB); export them to keep or share them</span>
      </div>
      <div className="row">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" maxLength={120} value={name} placeholder="(solver · NFE · seed)" onChange={(e) => setName(e.target.value)} />
        <button type="button" className="button primary small" disabled={busy} onClick={() => void save()}>
          Save run
        </button>
        <button type="button" className="button secondary small" disabled={runs.length === 0} onClick={exportAll}>
          Export
        </button>
        <label htmlFor={importId} className="button secondary small">
          Import
        </label>
        <input
          id={importId}
          data-testid="runs-import"
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {runs.length === 0 ? (
        <p className="hint">No saved runs yet.</p>
      ) : (
        <ul className="saved-run-list">
          {runs.map((run) => (
            <li key={run.id} data-testid="saved-run" data-run-id={run.id}>
              {run.thumbnail ? <img src={run.thumbnail} alt={`Chart of '${run.name}'`} width={120} /> : <span className="hint">(no picture)</span>}
              <span className="saved-run-name">{run.name}</span>
              <span className="hint">{new Date(run.savedAt).toLocaleString()}</span>
              <span className="hint">MMD² {show(run.results[0]?.metrics.mmd2 ?? null)}</span>
              <label className="check">
                <input type="checkbox" checked={compare.includes(run.id)} onChange={(e) => toggleCompare(run.id, e.target.checked)} />
                compare
              </label>
              <button type="button" className="button secondary small" onClick={() => open(run)}>
                Open
              </button>
              <button type="button" className="button secondary small" onClick={() => void remove(run)} aria-label={`Delete '${run.name}'`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {pair.length === 2 && (
        <table className="metrics" data-testid="runs-compare">
          <caption>
            {pair[0].name} against {pair[1].name}
          </caption>
          <thead>
            <tr>
              <th scope="col">configuration</th>
              <th scope="col">metric</th>
              <th scope="col">{pair[0].name}</th>
              <th scope="col">{pair[1].name}</th>
              <th scope="col">ratio</th>
            </tr>
          </thead>
          <tbody>
            {compareRuns(pair[0], pair[1]).map((row) => (
              <tr
                key={`${row.label}-${row.indexA}-${row.indexB}-${row.metric}`}
                data-metric={row.metric}
                data-label={row.label}
                data-index-a={row.indexA ?? ''}
                data-index-b={row.indexB ?? ''}
                data-solver={row.solver}
                data-a={row.a ?? ''}
                data-b={row.b ?? ''}
              >
                <td>{row.label}</td>
                <td>{METRIC_LABELS[row.metric]}</td>
                <td>{show(row.a)}</td>
                <td>{show(row.b)}</td>
                <td>{row.ratio === null ? '–' : `${formatNumber(row.ratio, 3)}×`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
