// "Figure only" (the H shortcut): every panel but the lab's figure is hidden by styles.css under
// `<html data-ui="figure">`. The panels stay mounted (their state and GPU resources survive), only not shown.
// Not part of the link: it is how one person looks at the page, like the theme.

const listeners = new Set<() => void>();
let on = false;

export function figureOnly(): boolean {
  return on;
}

export function setFigureOnly(value: boolean): void {
  if (value === on) return;
  on = value;
  if (on) document.documentElement.dataset.ui = 'figure';
  else delete document.documentElement.dataset.ui;
  listeners.forEach((l) => l());
}

export function subscribeFigureOnly(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
