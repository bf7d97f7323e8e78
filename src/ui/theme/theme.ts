// Dark and light themes (issue #8). The colours are CSS custom properties (styles.css: `:root` is light,
// `:root[data-theme='dark']` overrides them); this module only decides which one `<html data-theme>` names.
// The default follows the system's prefers-color-scheme (and keeps following it); a choice made with the
// header's toggle or the `T` shortcut is kept in localStorage, per browser, not in the shared link: a link
// reproduces an experiment, not someone's reading preference.

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'stepscope.theme';

const listeners = new Set<() => void>();
let current: Theme = 'light';
let installed = false;

function isTheme(value: unknown): value is Theme {
  return value === 'light' || value === 'dark';
}

/** the choice saved in this browser, if any (storage may be unavailable: private modes, sandboxed frames) */
export function storedTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(THEME_STORAGE_KEY);
    return isTheme(value) ? value : null;
  } catch {
    return null;
  }
}

function systemQuery(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
}

export function systemTheme(): Theme {
  return systemQuery()?.matches ? 'dark' : 'light';
}

function apply(theme: Theme): void {
  current = theme;
  const root = document.documentElement;
  root.dataset.theme = theme;
  // native form controls, scrollbars and the canvas' default colours follow the page
  root.style.colorScheme = theme;
  listeners.forEach((l) => l());
}

/** Applies the stored or system theme before the first render, and follows system changes while nothing is stored. */
export function installTheme(): void {
  if (installed) return;
  installed = true;
  apply(storedTheme() ?? systemTheme());
  systemQuery()?.addEventListener('change', () => {
    if (storedTheme() === null) apply(systemTheme());
  });
}

export function currentTheme(): Theme {
  return current;
}

/** sets and remembers the theme */
export function setTheme(theme: Theme): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    /* not remembered, still applied */
  }
  apply(theme);
}

export function toggleTheme(): Theme {
  const next = current === 'dark' ? 'light' : 'dark';
  setTheme(next);
  return next;
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
