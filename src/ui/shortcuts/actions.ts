// The page's commands (issue #8): one table read by the keyboard handler, the help overlay (`?`) and the command
// palette (Ctrl/⌘+K), so that a shortcut, its line in the help and its palette entry cannot disagree. Each command
// calls the same entry points as the buttons and the embed bridge (PdeController.play/pause/step/reset,
// RunController.runLive/sweep/cancelSweep, the store's setSpec).

import type { Lab } from '../../state/pdeUrl.ts';
import type { PdeStore } from '../../state/pdeStore.ts';
import type { AppStore } from '../../state/store.ts';
import type { RunController } from '../controller.ts';
import type { PdeController } from '../pde/pdeController.ts';
import { toggleTheme } from '../theme/theme.ts';
import { flowTransport } from './flowTransport.ts';

/** a key that triggers a command: `key` is KeyboardEvent.key; `mod` means Ctrl (or ⌘ on a Mac) */
export interface KeyBinding {
  key: string;
  mod?: boolean;
  /** how the help and the palette write it */
  label: string;
}

export interface CommandContext {
  /** the lab on screen */
  lab: Lab;
  setLab(lab: Lab): void;
  store: AppStore;
  pdeStore: PdeStore;
  sampler(): RunController | null;
  pde(): PdeController | null;
  /** figure only (the panels hidden) */
  figureOnly: boolean;
  setFigureOnly(on: boolean): void;
  openHelp(): void;
  openPalette(): void;
}

export type CommandGroup = 'Run' | 'View' | 'Go to' | 'Help';

export interface Command {
  id: string;
  group: CommandGroup;
  /** the palette's and the help's name for it */
  label: string;
  /** what it does in this lab (the help's third column, the palette's second line) */
  describe(lab: Lab): string;
  /** extra words the palette's filter matches */
  keywords?: string;
  keys?: KeyBinding[];
  /** the labs it works in (default: every lab) */
  labs?: Lab[];
  /** false hides it from the palette and ignores its keys (e.g. switching to the lab already shown) */
  available?(ctx: CommandContext): boolean;
  run(ctx: CommandContext): void | Promise<void>;
}

const LAB_NAMES: Record<Lab, string> = { samplers: 'Samplers', pde: 'PDE lab', train: 'Training lab', lessons: 'Lessons', bench: 'Benchmark' };
const labName = (lab: Lab) => LAB_NAMES[lab];

/** errors of a command are reported where the lab reports its own (its notices), not thrown into a key handler */
function report(ctx: CommandContext, what: string, error: unknown): void {
  const text = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  (ctx.lab === 'pde' ? ctx.pdeStore : ctx.store).getState().pushNotice({ level: 'error', key: 'command', text });
}

function allDiverged(ctx: CommandContext): boolean {
  const runs = ctx.pdeStore.getState().runs;
  return runs.length > 0 && runs.every((r) => r.diverged);
}

const goTo = (lab: Lab): Command => ({
  id: `lab-${lab}`,
  group: 'Go to',
  label: `Go to ${labName(lab)}`,
  keywords: 'switch lab page',
  describe: () => `Show the ${labName(lab)} (each lab keeps its own state)`,
  available: (ctx) => ctx.lab !== lab,
  run: (ctx) => ctx.setLab(lab),
});

export const COMMANDS: readonly Command[] = [
  {
    id: 'play-pause',
    group: 'Run',
    label: 'Play / pause',
    keys: [
      { key: ' ', label: 'Space' },
      { key: 'k', label: 'K' },
    ],
    labs: ['samplers', 'pde'],
    describe: (lab) => (lab === 'pde' ? 'Start or stop time stepping' : 'Play or pause the flow view’s animation from noise to data'),
    run: (ctx) => {
      if (ctx.lab === 'pde') {
        const pde = ctx.pde();
        if (!pde) return;
        if (ctx.pdeStore.getState().playing) pde.pause();
        else if (!allDiverged(ctx)) pde.play();
      } else {
        flowTransport.current()?.toggle();
      }
    },
  },
  {
    id: 'step',
    group: 'Run',
    label: 'Step',
    keys: [
      { key: '.', label: '.' },
      { key: 's', label: 'S' },
    ],
    labs: ['samplers', 'pde'],
    describe: (lab) => (lab === 'pde' ? 'Advance one time step (pauses first)' : 'Move the flow view to the next solver step'),
    run: async (ctx) => {
      if (ctx.lab === 'pde') {
        const pde = ctx.pde();
        if (!pde || allDiverged(ctx)) return;
        // as the Step button: only while paused (a step during playback would race the frame loop's steps)
        if (ctx.pdeStore.getState().playing) {
          pde.pause();
          await pde.ready();
        }
        await pde.step(1).catch((e: unknown) => report(ctx, 'Step', e));
      } else {
        flowTransport.current()?.step();
      }
    },
  },
  {
    id: 'reset',
    group: 'Run',
    label: 'Reset',
    keys: [{ key: 'r', label: 'R' }],
    labs: ['samplers', 'pde'],
    describe: (lab) => (lab === 'pde' ? 'Back to the initial state (same seed)' : 'Run the spec again from the same seed (the same numbers)'),
    run: async (ctx) => {
      if (ctx.lab === 'pde') {
        const pde = ctx.pde();
        if (!pde) return;
        pde.pause();
        await pde.reset(false).catch((e: unknown) => report(ctx, 'Reset', e));
      } else {
        await ctx.sampler()?.runLive().catch((e: unknown) => report(ctx, 'Reset', e));
      }
    },
  },
  {
    id: 'new-seed',
    group: 'Run',
    label: 'Reset with a new seed',
    keywords: 'random reseed',
    keys: [{ key: 'R', label: 'Shift+R' }],
    labs: ['samplers', 'pde'],
    describe: (lab) =>
      lab === 'pde' ? 'Seed + 1: a new random initial state (the link changes)' : 'Seed + 1: new starting noise and reference set (the link changes)',
    run: async (ctx) => {
      if (ctx.lab === 'pde') {
        const pde = ctx.pde();
        if (!pde) return;
        pde.pause();
        await pde.reset(true).catch((e: unknown) => report(ctx, 'New seed', e));
      } else {
        // a spec change: the controller reruns it, and main.tsx writes the new link to the address bar
        const { spec, setSpec } = ctx.store.getState();
        setSpec({ ...spec, seed: (spec.seed + 1) % 0x100000000 });
      }
    },
  },
  {
    id: 'sweep',
    group: 'Run',
    label: 'Run quality sweep',
    keywords: 'nfe quality curve measure',
    labs: ['samplers'],
    describe: () => 'Measure every shown solver at 11 NFEs from 2 to 50',
    available: (ctx) => ctx.sampler() !== null,
    run: (ctx) => void ctx.sampler()?.sweep().catch(() => {}),
  },
  {
    id: 'cancel-sweep',
    group: 'Run',
    label: 'Cancel the sweep',
    labs: ['samplers'],
    describe: () => 'Stop the quality sweep under way',
    available: (ctx) => ctx.store.getState().sweep.status === 'running',
    run: (ctx) => ctx.sampler()?.cancelSweep(),
  },
  {
    id: 'run-to-end',
    group: 'Run',
    label: 'Run to t_end',
    keywords: 'play until end time',
    labs: ['pde'],
    describe: () => 'Play until the run reaches the spec’s end time',
    available: (ctx) => ctx.pde() !== null && !allDiverged(ctx),
    run: (ctx) => void ctx.pde()?.runToTime(ctx.pdeStore.getState().spec.tEnd),
  },
  {
    id: 'figure-only',
    group: 'View',
    label: 'Hide / show the panels',
    keywords: 'ui figure only presentation fullscreen',
    keys: [{ key: 'h', label: 'H' }],
    labs: ['samplers', 'pde'],
    describe: (lab) => (lab === 'pde' ? 'Figure only: just the fields, everything else hidden' : 'Figure only: just the flow view, everything else hidden'),
    run: (ctx) => ctx.setFigureOnly(!ctx.figureOnly),
  },
  {
    id: 'toggle-theme',
    group: 'View',
    label: 'Toggle dark / light theme',
    keywords: 'colour color scheme night',
    keys: [{ key: 't', label: 'T' }],
    describe: () => 'Switch between the dark and the light theme (kept in this browser)',
    run: () => void toggleTheme(),
  },
  {
    id: 'export',
    group: 'View',
    label: 'Export…',
    keywords: 'download png svg csv json npy save file',
    labs: ['samplers', 'pde'],
    describe: (lab) => (lab === 'pde' ? 'Open the run’s Export menu' : 'Open the flow view’s Export menu'),
    available: () => document.querySelector('details.export-menu') !== null,
    run: (ctx) => {
      if (ctx.figureOnly) ctx.setFigureOnly(false);
      const menu = document.querySelector<HTMLDetailsElement>('details.export-menu');
      if (!menu) return;
      menu.open = true;
      menu.scrollIntoView({ block: 'nearest' });
      (menu.querySelector<HTMLElement>('button:not(:disabled)') ?? menu.querySelector<HTMLElement>('summary'))?.focus();
    },
  },
  {
    id: 'copy-link',
    group: 'View',
    label: 'Copy link',
    keywords: 'share url clipboard',
    describe: () => 'Copy the link of what is on screen (the address bar holds it too)',
    run: async () => {
      await navigator.clipboard.writeText(window.location.href).catch(() => {});
    },
  },
  goTo('samplers'),
  goTo('pde'),
  goTo('train'),
  goTo('lessons'),
  goTo('bench'),
  {
    id: 'help',
    group: 'Help',
    label: 'Keyboard shortcuts',
    keywords: 'help keys',
    keys: [{ key: '?', label: '?' }],
    describe: () => 'Show this list of shortcuts',
    run: (ctx) => ctx.openHelp(),
  },
  {
    id: 'palette',
    group: 'Help',
    label: 'Command palette',
    keywords: 'commands search',
    keys: [{ key: 'k', mod: true, label: 'Ctrl+K / ⌘K' }],
    describe: () => 'Find and run any command by name',
    // the palette does not list itself
    available: () => false,
    run: (ctx) => ctx.openPalette(),
  },
];

export function inLab(command: Command, lab: Lab): boolean {
  return !command.labs || command.labs.includes(lab);
}

/** the commands a person can run now, in table order */
export function availableCommands(ctx: CommandContext): Command[] {
  return COMMANDS.filter((c) => inLab(c, ctx.lab) && (c.available?.(ctx) ?? true));
}

export function matchesBinding(binding: KeyBinding, event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  if (event.altKey) return false;
  if (binding.mod) return (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === binding.key;
  return !event.ctrlKey && !event.metaKey && event.key === binding.key;
}

/** the command a key press triggers in this lab (its availability aside), if any */
export function commandForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, lab: Lab): Command | null {
  return COMMANDS.find((c) => inLab(c, lab) && c.keys?.some((b) => matchesBinding(b, event))) ?? null;
}

/** the palette's filter: every word of the query appears in the label, the keywords or the group */
export function filterCommands(commands: Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return commands;
  return commands.filter((c) => {
    const text = `${c.label} ${c.keywords ?? ''} ${c.group}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** whether a key press belongs to what the person is typing or operating (the shortcut must not steal it) */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** Space activates a focused button, link, checkbox or disclosure: it stays theirs */
export function spaceBelongsTo(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.closest('button, a[href], summary, [role="button"], [role="checkbox"], [role="switch"], [role="option"], [role="tab"], [role="menuitem"]') !== null;
}
