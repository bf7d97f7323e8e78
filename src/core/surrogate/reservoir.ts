// The Melissa-style "Reservoir" training buffer (training.md §5.1 table, §5.3 GPU algorithm), in float64 on the CPU:
// the sequential twin of the WGSL res_put / res_get kernels, with the same state and the same rules.
//
// State (§5.3): X_res and Y_res (C rows each), seen[C], inq[C] (the "already in the evict queue" flag),
// evq[C] (a ring of evictable slot ids), counters fill, q_head, q_tail.
//
// res_put, per staged pair, in order:
//   1. if fill < C: slot = fill++;
//   2. else if q_head < q_tail (q_tail as it was when the put dispatch started): slot = evq[q_head mod C], q_head++;
//      else the pair is deferred: it stays staged and the producer is throttled (back-pressure, never a drop);
//   3. write X, Y into the slot; seen[slot] = 0; inq[slot] = 0.
//   (The GPU kernel increments q_head unconditionally and clamps it to q_tail in a one-thread fix-up dispatch; doing
//   the comparison first, sequentially, gives the same state after the fix-up.)
// res_get, per batch row r = 0..B−1, in order:
//   1. slot = draw(seed, step, r) mod fill (uniform with replacement over the resident rows; samples stay resident);
//   2. gather the row; seen[slot]++;
//   3. if inq[slot] was 0: inq[slot] = 1, evq[q_tail mod C] = slot, q_tail++.
// So a slot is only overwritten after it has been read at least once (the Reservoir rule), eviction takes seen slots
// in the order they were first read (a random order, since reads are random), each slot is queued at most once per
// residency, and q_tail − q_head ≤ C. Puts run before gets (separate dispatches on the GPU); the trainer waits
// until fill ≥ the watermark W (§5.1 "Watermark", §5.3: default W = max(4B, 2E)).

import { randomBits } from '../util/rng.ts';

export interface ReservoirStatistics {
  capacity: number;
  fill: number;
  /** q_tail − q_head: resident slots already seen and waiting for eviction */
  evictable: number;
  /** pairs written (unique samples that entered the buffer) */
  puts: number;
  /** rows read (samples seen) */
  gets: number;
  /** pairs that could not be placed at the time they were offered (counted once per refused offer) */
  deferred: number;
  /** writes over an already-seen slot */
  evictions: number;
}

export class Reservoir {
  readonly capacity: number;
  /** row widths of X and Y */
  readonly inputWidth: number;
  readonly targetWidth: number;
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
  readonly seen: Uint32Array;
  private readonly inQueue: Uint8Array;
  private readonly queue: Uint32Array;
  /** per slot: the id the producer gave the pair written there (for bookkeeping and tests; −1 = never written) */
  readonly ids: Float64Array;
  private filled = 0;
  private head = 0;
  private tail = 0;
  private putCount = 0;
  private getCount = 0;
  private deferredCount = 0;
  private evictionCount = 0;
  /** the seed and stream of the read draws */
  private readonly seed: number;
  private readonly stream: number;

  constructor(capacity: number, inputWidth: number, targetWidth: number, seed: number, stream: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`reservoir capacity: got ${capacity}; must be an integer ≥ 1`);
    this.capacity = capacity;
    this.inputWidth = inputWidth;
    this.targetWidth = targetWidth;
    this.inputs = new Float64Array(capacity * inputWidth);
    this.targets = new Float64Array(capacity * targetWidth);
    this.seen = new Uint32Array(capacity);
    this.inQueue = new Uint8Array(capacity);
    this.queue = new Uint32Array(capacity);
    this.ids = new Float64Array(capacity).fill(-1);
    this.seed = seed;
    this.stream = stream;
  }

  get fill(): number {
    return this.filled;
  }
  get queueHead(): number {
    return this.head;
  }
  get queueTail(): number {
    return this.tail;
  }

  /**
   * res_put of a list of staged pairs (one dispatch): each `write(slot)` call must copy that pair into
   * inputs/targets at `slot`. Returns how many of the leading pairs were placed; the rest are deferred (the caller
   * keeps them staged and offers them again later).
   */
  put(count: number, write: (index: number, slot: number) => number): number {
    const tailAtDispatch = this.tail;
    let placed = 0;
    for (let i = 0; i < count; i++) {
      let slot: number;
      if (this.filled < this.capacity) slot = this.filled++;
      else if (this.head < tailAtDispatch) {
        slot = this.queue[this.head % this.capacity];
        this.head++;
        if (this.seen[slot] === 0) throw new Error(`reservoir: slot ${slot} queued for eviction but never read`); // invariant
        this.evictionCount++;
      } else {
        this.deferredCount += count - i;
        break;
      }
      this.ids[slot] = write(i, slot);
      this.seen[slot] = 0;
      this.inQueue[slot] = 0;
      this.putCount++;
      placed++;
    }
    return placed;
  }

  /** convenience put of rows given as arrays; returns how many were placed (in order) */
  putRows(inputs: readonly Float64Array[], targets: readonly Float64Array[], ids: readonly number[]): number {
    return this.put(inputs.length, (i, slot) => {
      this.inputs.set(inputs[i], slot * this.inputWidth);
      this.targets.set(targets[i], slot * this.targetWidth);
      return ids[i];
    });
  }

  /** res_get of B rows for training step `step`: gathers into the given arrays; returns the slots read */
  get(batch: number, step: number, inputsOut: Float64Array, targetsOut: Float64Array): Uint32Array {
    if (this.filled === 0) throw new Error('reservoir: read from an empty buffer');
    const slots = new Uint32Array(batch);
    const xw = this.inputWidth;
    const yw = this.targetWidth;
    for (let r = 0; r < batch; r++) {
      const slot = randomBits(this.seed, this.stream, r, step, 0)[0] % this.filled;
      slots[r] = slot;
      inputsOut.set(this.inputs.subarray(slot * xw, (slot + 1) * xw), r * xw);
      targetsOut.set(this.targets.subarray(slot * yw, (slot + 1) * yw), r * yw);
      this.seen[slot]++;
      if (this.inQueue[slot] === 0) {
        this.inQueue[slot] = 1;
        this.queue[this.tail % this.capacity] = slot;
        this.tail++;
      }
    }
    this.getCount += batch;
    return slots;
  }

  statistics(): ReservoirStatistics {
    return {
      capacity: this.capacity,
      fill: this.filled,
      evictable: this.tail - this.head,
      puts: this.putCount,
      gets: this.getCount,
      deferred: this.deferredCount,
      evictions: this.evictionCount,
    };
  }

  /** histogram of `seen` over the resident slots: counts[s] = slots read s times (the last bin holds ≥ bins−1) */
  seenHistogram(bins = 16): number[] {
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < this.filled; i++) counts[Math.min(this.seen[i], bins - 1)]++;
    return counts;
  }
}
