// The GPU trainers' state buffer (shaders/nn/state.wgsl), shared by the MLP trainer (gpuTrainer.ts) and the FNO
// trainer (gpuFno.ts): a header of counters, then a ring of `lossCapacity` float32 step losses, then one probe slot.
// It is read back in one copy, on request (never per step), through a staging buffer the trainer owns.

/** words of the header before the loss ring (state.wgsl STATE_LOSSES) */
export const STATE_HEADER = 16;
/** the header's counters (state.wgsl) */
export const STATE = { step: 0, flag: 1, applied: 2, skipped: 3, pending: 4 } as const;

/** words of a state buffer with a ring of `lossCapacity` losses and the probe slot */
export function stateWords(lossCapacity: number): number {
  return STATE_HEADER + lossCapacity + 1;
}

export interface TrainingCounts {
  /** training steps recorded (the next batch index) */
  steps: number;
  /** optimizer updates applied */
  applied: number;
  /** updates the NaN guard skipped (training.md §2.4) */
  skipped: number;
}

export class TrainingStateReader {
  private lossesRead = 0;
  private reading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly device: GPUDevice,
    private readonly state: GPUBuffer,
    private readonly staging: GPUBuffer,
    readonly lossCapacity: number,
  ) {}

  /** serialise mapAsync on the shared staging buffer */
  private serial<T>(body: () => Promise<T>): Promise<T> {
    const next = this.reading.then(body, body);
    this.reading = next.catch(() => undefined);
    return next;
  }

  private words(): Promise<Uint32Array> {
    return this.serial(async () => {
      const encoder = this.device.createCommandEncoder({ label: 'training state readback' });
      encoder.copyBufferToBuffer(this.state, 0, this.staging, 0, this.state.size);
      this.device.queue.submit([encoder.finish()]);
      await this.staging.mapAsync(GPUMapMode.READ);
      const words = new Uint32Array(this.staging.getMappedRange().slice(0));
      this.staging.unmap();
      return words;
    });
  }

  /**
   * The losses of the steps recorded since the last call (one readback). When more than lossCapacity steps ran in
   * between, only the latest lossCapacity are still there: `firstStep` says which step losses[0] belongs to.
   */
  async losses(): Promise<{ firstStep: number; losses: Float32Array }> {
    const words = await this.words();
    const steps = words[STATE.step];
    const firstStep = Math.max(this.lossesRead, steps - this.lossCapacity);
    const values = new Float32Array(words.buffer, words.byteOffset + 4 * STATE_HEADER, this.lossCapacity);
    const losses = new Float32Array(steps - firstStep);
    for (let s = firstStep; s < steps; s++) losses[s - firstStep] = values[s % this.lossCapacity];
    this.lossesRead = steps;
    return { firstStep, losses };
  }

  /** the step counter and the NaN guard's counts (one readback) */
  async counts(): Promise<TrainingCounts> {
    const w = await this.words();
    // the last update is folded by the next head: count it here the same way
    const pendingApplied = w[STATE.pending] !== 0 && w[STATE.flag] === 0 ? 1 : 0;
    const pendingSkipped = w[STATE.pending] !== 0 && w[STATE.flag] !== 0 ? 1 : 0;
    return { steps: w[STATE.step], applied: w[STATE.applied] + pendingApplied, skipped: w[STATE.skipped] + pendingSkipped };
  }

  /** the loss in the probe slot (a trainer's evaluateGradients) */
  async probeLoss(): Promise<number> {
    const words = await this.words();
    return new Float32Array(words.buffer, words.byteOffset + 4 * (STATE_HEADER + this.lossCapacity), 1)[0];
  }
}
