// The header's theme switch: one button that names the theme it switches to.

import { useSyncExternalStore } from 'react';
import { currentTheme, subscribeTheme, toggleTheme, type Theme } from './theme.ts';

export function useTheme(): Theme {
  return useSyncExternalStore(subscribeTheme, currentTheme, currentTheme);
}

export function ThemeToggle() {
  const theme = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button secondary theme-toggle"
      onClick={() => toggleTheme()}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to the ${next} theme (T); kept in this browser`}
      data-theme-current={theme}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      <span className="theme-toggle-text">{next === 'dark' ? 'Dark' : 'Light'}</span>
    </button>
  );
}
