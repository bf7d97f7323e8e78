import { describe, expect, it } from 'vitest';
import { COMMANDS, commandForKey, filterCommands, inLab, matchesBinding } from './actions.ts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('the command table', () => {
  it('gives every command a unique id and every key one command per lab', () => {
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
    for (const lab of ['samplers', 'pde', 'bench'] as const) {
      const seen = new Map<string, string>();
      for (const c of COMMANDS.filter((c) => inLab(c, lab)))
        for (const b of c.keys ?? []) {
          const id = `${b.mod ? 'mod+' : ''}${b.key}`;
          expect(seen.get(id), `${id} in ${lab}`).toBeUndefined();
          seen.set(id, c.id);
        }
    }
  });

  it('maps keys to commands: r resets, Shift+R (key "R") draws a new seed, ? helps, Ctrl/⌘+K opens the palette', () => {
    expect(commandForKey(key('r'), 'pde')?.id).toBe('reset');
    expect(commandForKey(key('R'), 'samplers')?.id).toBe('new-seed');
    expect(commandForKey(key('?'), 'bench')?.id).toBe('help');
    expect(commandForKey(key('k', { ctrlKey: true }), 'samplers')?.id).toBe('palette');
    expect(commandForKey(key('K', { metaKey: true }), 'pde')?.id).toBe('palette');
    expect(commandForKey(key(' '), 'pde')?.id).toBe('play-pause');
    // the lab's own keys are not active where the lab is not shown; a modifier is not a plain key
    expect(commandForKey(key('r'), 'bench')).toBeNull();
    expect(commandForKey(key('r', { ctrlKey: true }), 'pde')).toBeNull();
    expect(commandForKey(key('t', { altKey: true }), 'pde')).toBeNull();
    expect(matchesBinding({ key: 'k', mod: true, label: '' }, key('k'))).toBe(false);
  });

  it('filters by every word of the query, in label, keywords or group', () => {
    const ids = (q: string) => filterCommands([...COMMANDS], q).map((c) => c.id);
    expect(ids('theme')).toEqual(['toggle-theme']);
    expect(ids('go pde')).toEqual(['lab-pde']);
    expect(ids('go lessons')).toEqual(['lab-lessons']);
    expect(ids('SEED')).toEqual(['new-seed']);
    expect(ids('')).toHaveLength(COMMANDS.length);
    expect(ids('no such command')).toEqual([]);
  });
});
