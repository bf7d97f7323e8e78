// The keyboard layer of the page (issue #8): the shortcuts' key handler, the help overlay (`?`) and the command
// palette (Ctrl/⌘+K), all three reading the one command table (actions.ts). Mounted once by main.tsx beside the
// shown lab; not in embed mode (an embedded figure is driven by its page, embed/protocol.ts).
//
// Both overlays are native modal <dialog>s: the rest of the page is inert while one is open, Escape closes it, focus
// goes back where it was; Tab and Shift+Tab also wrap inside (so focus never leaves for the browser's own chrome).

import { type KeyboardEvent as ReactKeyboardEvent, type ReactNode, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Lab } from '../../state/pdeUrl.ts';
import type { PdeStore } from '../../state/pdeStore.ts';
import type { AppStore } from '../../state/store.ts';
import type { RunController } from '../controller.ts';
import type { PdeController } from '../pde/pdeController.ts';
import { availableCommands, type Command, COMMANDS, type CommandContext, commandForKey, filterCommands, inLab, isTypingTarget, spaceBelongsTo } from './actions.ts';
import { figureOnly, setFigureOnly, subscribeFigureOnly } from './figureOnly.ts';
import './shortcuts.css';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** a native modal dialog, open while mounted; `onClose` after Escape or `close()` */
function Modal({ labelledBy, className, onClose, children }: { labelledBy: string; className: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // a close event queued by an earlier unmount (StrictMode remounts) finds the dialog open again: not ours
    const closed = () => {
      if (!dialog.open) closeRef.current();
    };
    dialog.addEventListener('close', closed);
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  // Tab wraps inside the dialog
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.getClientRects().length > 0);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !ref.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ref.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog ref={ref} className={`modal ${className}`} aria-labelledby={labelledBy} aria-modal="true" onKeyDown={onKeyDown}>
      {children}
    </dialog>
  );
}

function Keys({ command }: { command: Command }) {
  return (
    <>
      {command.keys?.map((k, i) => (
        <span key={k.label}>
          {i > 0 && <span className="keys-or"> or </span>}
          <kbd>{k.label}</kbd>
        </span>
      ))}
    </>
  );
}

/** every shortcut, from the command table; the third column says what it does in the lab on screen */
function HelpDialog({ lab, onClose }: { lab: Lab; onClose(): void }) {
  const title = useId();
  const shortcuts = COMMANDS.filter((c) => c.keys && c.keys.length > 0);
  return (
    <Modal labelledBy={title} className="help-dialog" onClose={onClose}>
      <div className="modal-head">
        <h2 id={title}>Keyboard shortcuts</h2>
        <button type="button" className="button small secondary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      <table className="shortcut-table" data-testid="shortcut-table">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Command</th>
            <th scope="col">Here</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map((c) => (
            <tr key={c.id} data-command={c.id} className={inLab(c, lab) ? undefined : 'elsewhere'}>
              <td className="shortcut-keys">
                <Keys command={c} />
              </td>
              <th scope="row">{c.label}</th>
              <td>{inLab(c, lab) ? c.describe(lab) : `not in the ${lab === 'bench' ? 'benchmark' : lab} lab`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Shortcuts do not act while you type in a field. Every command, with or without a key, is in the command palette (<kbd>Ctrl+K</kbd> / <kbd>⌘K</kbd>).
        Escape closes this list.
      </p>
    </Modal>
  );
}

/** Ctrl/⌘+K: a filter field (combobox) over the commands available now (listbox); ↑/↓ choose, Enter runs */
function CommandPalette({ ctx, onClose, onRun }: { ctx: CommandContext; onClose(): void; onRun(command: Command): void }) {
  const title = useId();
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const commands = useMemo(() => availableCommands(ctx), [ctx]);
  const shown = filterCommands(commands, query);
  const index = Math.min(active, shown.length - 1);
  const optionId = (i: number) => `${listId}-${i}`;
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    list.current?.querySelector(`[id="${CSS.escape(optionId(index))}"]`)?.scrollIntoView({ block: 'nearest' });
  });
  const onKeyDown = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index + step + shown.length) % shown.length);
    } else if (event.key === 'Home' && event.ctrlKey) {
      setActive(0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const command = shown[index];
      if (command) onRun(command);
    }
  };
  return (
    <Modal labelledBy={title} className="command-palette" onClose={onClose}>
      <h2 id={title} className="visually-hidden">
        Command palette
      </h2>
      <input
        type="text"
        className="palette-input"
        role="combobox"
        aria-label="Command"
        aria-expanded={shown.length > 0}
        aria-controls={shown.length > 0 ? listId : undefined}
        aria-autocomplete="list"
        aria-activedescendant={shown.length > 0 ? optionId(index) : undefined}
        placeholder="Type a command (↑ ↓ to choose, Enter to run, Escape to close)"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {shown.length > 0 ? (
        <ul ref={list} id={listId} role="listbox" aria-label="Commands" className="palette-list">
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === index}
              data-command={c.id}
              className={i === index ? 'palette-option active' : 'palette-option'}
              // the field keeps the focus (and so the keyboard) while the pointer picks
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i !== index && setActive(i)}
              onClick={() => onRun(c)}
            >
              <span className="palette-label">{c.label}</span>
              <span className="palette-describe">{c.describe(ctx.lab)}</span>
              {c.keys && c.keys.length > 0 && (
                <span className="palette-keys">
                  <Keys command={c} />
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="palette-empty" role="status">
          No command matches “{query}”.
        </p>
      )}
    </Modal>
  );
}

export interface ShortcutsProps {
  lab: Lab;
  setLab(lab: Lab): void;
  store: AppStore;
  pdeStore: PdeStore;
  /** the current controllers (replaced after "Restart GPU") */
  sampler(): RunController | null;
  pde(): PdeController | null;
}

export function Shortcuts({ lab, setLab, store, pdeStore, sampler, pde }: ShortcutsProps) {
  // each opening is a new dialog (its own key): a close event still queued from the one before (Escape, then at
  // once Ctrl+K) closes only that one
  const [open, setOpenState] = useState<{ kind: 'help' | 'palette'; n: number } | null>(null);
  const openings = useRef(0);
  const setOpen = useCallback((kind: 'help' | 'palette' | null) => setOpenState(kind ? { kind, n: ++openings.current } : null), []);
  const closer = (n: number) => () => setOpenState((o) => (o?.n === n ? null : o));
  const hidden = useSyncExternalStore(subscribeFigureOnly, figureOnly, figureOnly);
  const ctx: CommandContext = useMemo(
    () => ({
      lab,
      setLab,
      store,
      pdeStore,
      sampler,
      pde,
      figureOnly: hidden,
      setFigureOnly,
      openHelp: () => setOpen('help'),
      openPalette: () => setOpen('palette'),
    }),
    [lab, setLab, store, pdeStore, sampler, pde, hidden, setOpen],
  );
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  // the benchmark page has no panels to hide; showing it brings them back
  useEffect(() => {
    if (lab === 'bench') setFigureOnly(false);
  }, [lab]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return;
      // an open dialog (ours or another) keeps its keys
      if (document.querySelector('dialog[open]')) return;
      const current = ctxRef.current;
      const command = commandForKey(event, current.lab);
      if (!command) return;
      const typing = isTypingTarget(event.target);
      // in a field every key is text, except the palette's chord (it types nothing)
      if (typing && command.id !== 'palette') return;
      if (event.key === ' ' && spaceBelongsTo(event.target)) return;
      if (command.available && command.id !== 'palette' && !command.available(current)) return;
      event.preventDefault();
      void Promise.resolve(command.run(current)).catch((error: unknown) => console.warn(`stepscope: ${command.label} failed`, error));
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const runFromPalette = (command: Command) => {
    // the palette closes first, so that focus is back on the page (or moves on to the help) when the command acts
    setOpen(null);
    setTimeout(() => void Promise.resolve(command.run(ctxRef.current)).catch((error: unknown) => console.warn(`stepscope: ${command.label} failed`, error)), 0);
  };

  return (
    <>
      {hidden && (
        <button type="button" className="button small secondary figure-only-exit" onClick={() => setFigureOnly(false)} title="Show the panels again (H)">
          Show panels <kbd>H</kbd>
        </button>
      )}
      {open?.kind === 'help' && <HelpDialog key={open.n} lab={lab} onClose={closer(open.n)} />}
      {open?.kind === 'palette' && <CommandPalette key={open.n} ctx={ctx} onClose={closer(open.n)} onRun={runFromPalette} />}
    </>
  );
}
