// GPU timing for the in-app benchmark (issue #9). Browser- and Node-compatible: no `node:` imports.
//
// Two methods, reported per case:
// - 'timestamp': when the device was created with the 'timestamp-query' feature. The engine's encode functions
//   begin their own compute passes, so timestamps cannot be injected into them; instead two empty compute passes
//   carry `timestampWrites` (the beginning of the first, the end of the second) around all the repetitions in
//   one command encoder. The GPU executes a command buffer in order, so the difference is the GPU time of the
//   work in between. The query set is resolved after the second timestamp and read back once, after the submit
//   is done: nothing is read inside the measured interval.
// - 'wall': `performance.now()` around one submit of many repetitions, ended by `queue.onSubmittedWorkDone()`.
//   It includes one submit's latency per measurement, which the repetitions amortise.
// Every measurement: one warm-up submit (pipeline compilation, first-use allocation), one submit of a single
// repetition to size the measured submits (about `targetMs` each), then `samples` such submits; the figure is
// the median time per repetition.

import { median, repetitionsFor } from './bandwidth.ts';

export type TimingMethod = 'timestamp' | 'wall';

export interface MeasureOptions {
  /** wall time one measured submit should take (ms) */
  targetMs: number;
  /** measured submits (the median is reported) */
  samples: number;
  /** at most this many repetitions per submit */
  maxReps: number;
  signal?: AbortSignal;
}

export interface Measurement {
  /** median time per repetition, ms */
  ms: number;
  /** repetitions per measured submit */
  reps: number;
  /** time per repetition of each measured submit, ms */
  samples: number[];
  method: TimingMethod;
}

/** thrown (between submits) when the benchmark's AbortSignal fires */
export class BenchCancelled extends Error {
  constructor() {
    super('benchmark cancelled');
    this.name = 'BenchCancelled';
  }
}

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new BenchCancelled();
}

/** gives the event loop a turn (the page stays responsive between submits and cases) */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** whether this device can write timestamps from compute passes */
export function hasTimestampQuery(device: GPUDevice): boolean {
  return device.features.has('timestamp-query');
}

/** Times one submit of work recorded by `encode(encoder, reps)`, by timestamps when the device has them. */
export class SubmitTimer {
  readonly method: TimingMethod;
  private readonly querySet: GPUQuerySet | null = null;
  private readonly resolve: GPUBuffer | null = null;
  private readonly readback: GPUBuffer | null = null;

  constructor(
    readonly device: GPUDevice,
    label = 'bench timer',
  ) {
    this.method = hasTimestampQuery(device) ? 'timestamp' : 'wall';
    if (this.method === 'timestamp') {
      this.querySet = device.createQuerySet({ label: `${label} timestamps`, type: 'timestamp', count: 2 });
      this.resolve = device.createBuffer({ label: `${label} resolve`, size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readback = device.createBuffer({ label: `${label} readback`, size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
  }

  /** ms of GPU time (timestamps) or wall time (submit → onSubmittedWorkDone) of one submit of `encode`'s work */
  async time(encode: (encoder: GPUCommandEncoder) => void, label = 'bench'): Promise<number> {
    const encoder = this.device.createCommandEncoder({ label });
    if (this.querySet) encoder.beginComputePass({ label: `${label} start`, timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0 } }).end();
    encode(encoder);
    if (this.querySet) {
      encoder.beginComputePass({ label: `${label} end`, timestampWrites: { querySet: this.querySet, endOfPassWriteIndex: 1 } }).end();
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve!, 0);
      encoder.copyBufferToBuffer(this.resolve!, 0, this.readback!, 0, 16);
    }
    const commands = encoder.finish();
    const start = performance.now();
    this.device.queue.submit([commands]);
    await this.device.queue.onSubmittedWorkDone();
    const wallMs = performance.now() - start;
    if (!this.readback) return wallMs;
    await this.readback.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigInt64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    // timestamps are nanoseconds; an implementation may quantise them (Chrome: to 100 µs), which the
    // repetitions per submit make small. A zero or negative difference (a reset counter) falls back to wall time.
    const ms = Number(end - begin) / 1e6;
    return ms > 0 ? ms : wallMs;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.readback?.destroy();
  }
}

/** `encode(encoder, reps)` records `reps` repetitions into one encoder per submit (the file's header: the protocol) */
export async function measureEncoded(timer: SubmitTimer, encode: (encoder: GPUCommandEncoder, reps: number) => void, options: MeasureOptions, label = 'bench'): Promise<Measurement> {
  const submit = (reps: number) => timer.time((encoder) => encode(encoder, reps), label);
  throwIfCancelled(options.signal);
  await submit(1); // warm-up
  throwIfCancelled(options.signal);
  const one = await submit(1);
  const reps = repetitionsFor(options.targetMs, one, options.maxReps);
  const samples: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    throwIfCancelled(options.signal);
    await yieldToEventLoop();
    samples.push((await submit(reps)) / reps);
  }
  return { ms: median(samples), reps, samples, method: timer.method };
}

/**
 * Work that submits and waits by itself (GpuSampler.run): wall time around `reps` sequential runs, so each run
 * includes its own submit's latency. Always 'wall': timestamps around another module's submits would also
 * count the GPU's idle time while the CPU records the next one.
 */
export async function measureRuns(run: () => Promise<void>, options: MeasureOptions): Promise<Measurement> {
  const timed = async (reps: number) => {
    const start = performance.now();
    for (let r = 0; r < reps; r++) await run();
    return performance.now() - start;
  };
  throwIfCancelled(options.signal);
  await timed(1); // warm-up
  throwIfCancelled(options.signal);
  const one = await timed(1);
  const reps = repetitionsFor(options.targetMs, one, options.maxReps);
  const samples: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    throwIfCancelled(options.signal);
    await yieldToEventLoop();
    samples.push((await timed(reps)) / reps);
  }
  return { ms: median(samples), reps, samples, method: 'wall' };
}
