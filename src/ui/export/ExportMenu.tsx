// One "Export" menu per view: a <details> disclosure (keyboard: Tab to it, Enter/Space opens it) holding one row per
// thing the view can export ("quality chart", "samples", …) and one button per format. Each button is named in full
// for assistive technology ("Export quality chart as SVG"). A format whose data does not exist yet (no sweep, no
// run) is a disabled button whose tooltip says why: the menu never produces an empty file.

import { useEffect, useRef, useState } from 'react';
import { downloadBlob, exportFileName, type ExportFormat } from './exporters.ts';
import './export.css';

export interface ExportAction {
  format: ExportFormat;
  /** words of the file name after "stepscope-" (e.g. ['quality', 'ring8']); the extension comes from the format */
  name: (string | number | null | undefined)[];
  /** builds the file when the button is pressed (data is read then, so it is the view's current state) */
  make: () => Blob | Promise<Blob>;
  /** why this export is not available now (the button is disabled with this as its tooltip); null/undefined: available */
  unavailable?: string | null;
  /** tooltip of an available button (what the file holds) */
  describe?: string;
}

export interface ExportRow {
  /** what is exported, in words: "quality chart", "final samples" */
  what: string;
  actions: ExportAction[];
}

const FORMAT_TEXT: Record<ExportFormat, string> = { png: 'PNG', svg: 'SVG', csv: 'CSV', json: 'JSON', npy: '.npy', webm: 'WebM' };

/** The menu: `label` names the view ("quality chart"); the summary reads "Export quality chart" to assistive technology. */
export function ExportMenu({ label, rows }: { label: string; rows: ExportRow[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const details = useRef<HTMLDetailsElement>(null);
  const summary = useRef<HTMLElement>(null);

  // a floating menu closes on a click elsewhere and on Escape (focus back on its button), like any menu
  useEffect(() => {
    const element = details.current;
    if (!element) return;
    const outside = (event: PointerEvent) => {
      if (element.open && !element.contains(event.target as Node)) element.open = false;
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, []);
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape' && details.current?.open) {
      details.current.open = false;
      summary.current?.focus();
    }
  };

  const run = async (row: ExportRow, action: ExportAction) => {
    const key = `${row.what}/${action.format}`;
    const fileName = exportFileName(action.name, action.format);
    setBusy(key);
    setStatus(null);
    try {
      const blob = await action.make();
      // an empty file is never a valid export of any of these formats
      if (blob.size === 0) throw new Error('nothing to export');
      downloadBlob(blob, fileName);
      setStatus({ text: `Saved ${fileName}`, error: false });
    } catch (error) {
      setStatus({ text: `Could not export ${row.what} as ${FORMAT_TEXT[action.format]}: ${error instanceof Error ? error.message : String(error)}`, error: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <details className="export-menu" ref={details} onKeyDown={onKeyDown}>
      {/* the name is its text, "Export" and (for screen readers) what: a summary takes no aria-label everywhere */}
      <summary ref={summary} className="button secondary small" title={`Download ${label} as files`}>
        Export<span className="visually-hidden"> {label}</span>
      </summary>
      <div className="export-panel" role="group" aria-label={`Export ${label}`}>
        {rows.map((row) => (
          <div key={row.what} className="export-row">
            <span className="export-row-label">{row.what}</span>
            {row.actions.map((action) => {
              const key = `${row.what}/${action.format}`;
              const unavailable = action.unavailable ?? null;
              return (
                <button
                  key={action.format}
                  type="button"
                  className="button secondary small"
                  aria-label={`Export ${row.what} as ${FORMAT_TEXT[action.format]}`}
                  data-export={`${row.what}/${action.format}`}
                  disabled={unavailable !== null || busy !== null}
                  title={unavailable ?? action.describe ?? `${exportFileName(action.name, action.format)}`}
                  onClick={() => void run(row, action)}
                >
                  {busy === key ? '…' : FORMAT_TEXT[action.format]}
                </button>
              );
            })}
          </div>
        ))}
        <div className={`export-status${status?.error ? ' error' : ''}`} role="status" aria-live="polite">
          {status?.text ?? ''}
        </div>
      </div>
    </details>
  );
}
