// Embed mode in the React tree: which panels render (a context read by the labs' layouts), the small bar an
// embedded figure shows in place of the header, and the header's "Copy embed code" button.

import { createContext, type ReactNode, useContext, useEffect, useId, useRef, useState } from 'react';
import { EMBED_PARAM, type EmbedLab, embedSnippet, type EmbedParams, HIDE_PARAM, NOT_EMBEDDED, type PanelId, SHOW_PARAM } from './params.ts';
import './embed.css';

export const EmbedContext = createContext<EmbedParams>(NOT_EMBEDDED);

export function useEmbed(): EmbedParams {
  return useContext(EmbedContext);
}

/** whether a panel is rendered (always outside embed mode) */
export function useShown(id: PanelId): boolean {
  return !useContext(EmbedContext).hidden.has(id);
}

/** renders its children unless embed mode hides panel `id` (hidden panels are not mounted: no GPU work) */
export function Shown({ id, children }: { id: PanelId; children: ReactNode }) {
  return useShown(id) ? <>{children}</> : null;
}

/** the `.app` root's class: embed mode gets the chrome-less, iframe-sized layout (embed.css) */
export function useAppClass(): string {
  return useEmbed().embed ? 'app embed' : 'app';
}

/**
 * Shown by an embedded figure whose header is hidden: where the figure comes from, and a link that opens the same
 * state as a full page in a new tab (the embed parameters dropped).
 */
export function EmbedBar() {
  const { embed, hidden } = useEmbed();
  if (!embed || !hidden.has('header')) return null;
  const fullPage = () => {
    const url = new URL(window.location.href);
    for (const name of [EMBED_PARAM, HIDE_PARAM, SHOW_PARAM]) url.searchParams.delete(name);
    return url.toString();
  };
  return (
    <div className="embed-bar">
      <span className="embed-brand">Stepscope</span>
      <a
        href={fullPage()}
        target="_blank"
        rel="noopener noreferrer"
        // the address (and so the spec) may have changed since the render: take it at click time
        onClick={(e) => (e.currentTarget.href = fullPage())}
      >
        Open full page<span aria-hidden="true"> ↗</span>
        <span className="visually-hidden"> (opens in a new tab)</span>
      </a>
    </div>
  );
}

/** the link of what is on screen, or why there is none (the same source as "Copy link") */
export type EmbedLinkSource = () => { url: string } | { problem: string };

/**
 * "Copy embed code": an `<iframe>` of the current link with `embed=1`. When the clipboard refuses (permissions,
 * an insecure context) the snippet appears in a read-only, selected text field to copy by hand.
 */
export function CopyEmbed({ lab, link, onProblem }: { lab: EmbedLab; link: EmbedLinkSource; onProblem(text: string): void }) {
  const [state, setState] = useState<'idle' | 'copied'>('idle');
  const [fallback, setFallback] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const fieldId = useId();
  useEffect(() => {
    if (fallback !== null) field.current?.select();
  }, [fallback]);
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    const target = link();
    if ('problem' in target) {
      onProblem(target.problem);
      return;
    }
    const snippet = embedSnippet(target.url, lab);
    try {
      await navigator.clipboard.writeText(snippet);
      setFallback(null);
      setState('copied');
    } catch {
      setFallback(snippet);
    }
  };
  return (
    <span className="copy-embed">
      <button type="button" className="button secondary" onClick={() => void copy()} title="Copy an <iframe> snippet that shows this state as an embedded figure">
        {state === 'copied' ? 'Embed code copied' : 'Copy embed code'}
      </button>
      {fallback !== null && (
        <span className="embed-fallback" role="group" aria-label="Embed code">
          <label htmlFor={fieldId}>The clipboard refused; copy the embed code:</label>
          <textarea id={fieldId} ref={field} readOnly rows={4} value={fallback} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="button small secondary" onClick={() => setFallback(null)}>
            Close
          </button>
        </span>
      )}
    </span>
  );
}
