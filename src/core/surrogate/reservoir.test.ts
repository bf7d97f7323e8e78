import { describe, expect, it } from 'vitest';
import { Reservoir } from './reservoir.ts';

/** puts `count` one-number rows with ids first.. first+count−1; returns how many were placed */
function putIds(reservoir: Reservoir, first: number, count: number): number {
  return reservoir.put(count, (i, slot) => {
    reservoir.inputs[slot] = first + i;
    reservoir.targets[slot] = -(first + i);
    return first + i;
  });
}

function read(reservoir: Reservoir, batch: number, step: number): { slots: Uint32Array; x: Float64Array; y: Float64Array } {
  const x = new Float64Array(batch);
  const y = new Float64Array(batch);
  const slots = reservoir.get(batch, step, x, y);
  return { slots, x, y };
}

describe('Reservoir (training.md §5.1 table, §5.3)', () => {
  it('fills slots in order while fill < C, then defers (back-pressure) while nothing has been seen', () => {
    const r = new Reservoir(4, 1, 1, 0, 43);
    expect(putIds(r, 0, 3)).toBe(3);
    expect(r.fill).toBe(3);
    expect(Array.from(r.ids)).toEqual([0, 1, 2, -1]);
    // one free slot left: of 3 offered, 1 is placed and 2 are deferred (never dropped, never overwriting unseen data)
    expect(putIds(r, 3, 3)).toBe(1);
    expect(r.statistics()).toMatchObject({ fill: 4, puts: 4, deferred: 2, evictions: 0, evictable: 0 });
    expect(putIds(r, 4, 1)).toBe(0);
    expect(Array.from(r.ids)).toEqual([0, 1, 2, 3]);
  });

  it('reads uniformly with replacement among written slots only, counting seen, and never removes on read', () => {
    const r = new Reservoir(64, 1, 1, 5, 43);
    putIds(r, 100, 10);
    const counts = new Array(64).fill(0);
    for (let step = 0; step < 400; step++) {
      const { slots, x, y } = read(r, 8, step);
      for (let i = 0; i < 8; i++) {
        expect(slots[i]).toBeLessThan(10); // no slot is read before it is written
        expect(x[i]).toBe(100 + slots[i]);
        expect(y[i]).toBe(-(100 + slots[i]));
        counts[slots[i]]++;
      }
    }
    expect(r.fill).toBe(10); // samples stay resident
    expect(Array.from(r.seen.subarray(0, 10))).toEqual(counts.slice(0, 10));
    expect(counts.slice(0, 10).reduce((a, b) => a + b, 0)).toBe(3200); // samples-seen accounting: Σ seen = steps · B
    expect(r.statistics().gets).toBe(3200);
    // roughly uniform: 320 expected per slot, σ ≈ 17
    for (const c of counts.slice(0, 10)) expect(Math.abs(c - 320)).toBeLessThan(100);
    // each slot is queued once per residency however often it is read: q_tail − q_head = distinct slots read
    expect(r.queueTail - r.queueHead).toBe(10);
  });

  it('evicts only slots already seen, in the order they were first read, and resets seen on overwrite', () => {
    const C = 8;
    const r = new Reservoir(C, 1, 1, 1, 43);
    putIds(r, 0, C);
    const { slots } = read(r, 5, 0);
    const firstReadOrder: number[] = [];
    for (const s of slots) if (!firstReadOrder.includes(s)) firstReadOrder.push(s);
    const seenBefore = Array.from(r.seen);
    // offer more pairs than there are seen slots: exactly the seen ones are replaced, in first-read order
    const placed = putIds(r, 1000, C);
    expect(placed).toBe(firstReadOrder.length);
    expect(r.statistics().deferred).toBe(C - firstReadOrder.length);
    firstReadOrder.forEach((slot, i) => {
      expect(seenBefore[slot]).toBeGreaterThan(0);
      expect(r.ids[slot]).toBe(1000 + i);
      expect(r.seen[slot]).toBe(0);
    });
    // the unseen slots kept their original pairs
    for (let slot = 0; slot < C; slot++) if (!firstReadOrder.includes(slot)) expect(r.ids[slot]).toBe(slot);
    expect(r.queueTail - r.queueHead).toBe(0);
  });

  it('keeps its invariants over a long random stream (no unseen overwrite, queue bound, seen mean ≈ steps·B/C)', () => {
    const C = 128;
    const B = 16;
    const E = 8;
    const r = new Reservoir(C, 1, 1, 9, 43);
    let nextId = 0;
    let staged = 0; // pairs waiting (back-pressure)
    let totalSeen = 0;
    const steps = 3000;
    let violations = 0;
    for (let step = 0; step < steps; step++) {
      // producer: retry the staged pairs; if all placed, make E new ones
      const seenBeforePut = Array.from(r.seen);
      const filledBefore = r.fill;
      const idsBefore = Array.from(r.ids);
      if (staged > 0) {
        const placed = putIds(r, nextId - staged, staged);
        staged -= placed;
      }
      if (staged === 0) {
        const placed = putIds(r, nextId, E);
        nextId += E;
        staged = E - placed;
      }
      // no slot that was resident and unseen was overwritten
      for (let slot = 0; slot < filledBefore; slot++) if (seenBeforePut[slot] === 0 && r.ids[slot] !== idsBefore[slot]) violations++;
      if (r.queueTail - r.queueHead > C || r.queueHead > r.queueTail) violations++;
      if (r.fill >= 4 * B) {
        read(r, B, step);
        totalSeen += B;
      }
    }
    expect(violations).toBe(0);
    const stats = r.statistics();
    expect(stats.gets).toBe(totalSeen);
    // production E = 8 < consumption B = 16 per step: eviction keeps up, nothing is deferred at the end
    expect(staged).toBe(0);
    expect(stats.puts).toBe(nextId);
    // every pair is written exactly once: puts = unique ids
    expect(stats.fill).toBe(C);
    // at steady state each resident pair has been read ≈ B/E times on average (each lives ≈ C/E steps, read B/C per step)
    let meanSeen = 0;
    for (let i = 0; i < C; i++) meanSeen += r.seen[i];
    meanSeen /= C;
    expect(meanSeen).toBeGreaterThan(0.3 * (B / E));
    expect(meanSeen).toBeLessThan(3 * (B / E));
  });

  it('production faster than consumption is throttled, never dropped: deferred pairs are placed later', () => {
    const C = 32;
    const r = new Reservoir(C, 1, 1, 2, 43);
    let nextId = 0;
    let staged = 0;
    let deferredEvents = 0;
    for (let step = 0; step < 500; step++) {
      if (staged > 0) staged -= putIds(r, nextId - staged, staged);
      if (staged === 0) {
        staged = 16 - putIds(r, nextId, 16);
        nextId += 16;
      } else deferredEvents++;
      if (r.fill >= 8) read(r, 4, step);
    }
    expect(deferredEvents).toBeGreaterThan(0);
    // all ids 0..nextId−staged−1 were written, each exactly once, in order
    expect(r.statistics().puts).toBe(nextId - staged);
  });

  it('is deterministic for a seed (the read draws are counter-based)', () => {
    const run = (seed: number) => {
      const r = new Reservoir(16, 1, 1, seed, 43);
      putIds(r, 0, 16);
      return Array.from(read(r, 8, 3).slots);
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });
});
