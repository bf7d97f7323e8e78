// A thin counting wrapper around a GPUDevice for tests and benchmarks (issue 9's budget, issue 10's resources):
// live buffers and their bytes, pipelines and bind groups created, submits and compute dispatches. It patches the
// device instance's own methods (and each created buffer's destroy), so the code under test runs unchanged; restore()
// puts the originals back. Counts are deterministic, unlike times.

export interface GpuCounts {
  buffersCreated: number;
  buffersDestroyed: number;
  /** buffers created and not destroyed, and their bytes */
  liveBuffers: number;
  liveBytes: number;
  pipelines: number;
  bindGroups: number;
  submits: number;
  dispatches: number;
}

export interface GpuCounter {
  readonly counts: GpuCounts;
  /** zero the event counters (not the live buffers, which are state) */
  reset(): void;
  restore(): void;
}

export function countGpu(device: GPUDevice): GpuCounter {
  const counts: GpuCounts = { buffersCreated: 0, buffersDestroyed: 0, liveBuffers: 0, liveBytes: 0, pipelines: 0, bindGroups: 0, submits: 0, dispatches: 0 };
  const original = {
    createBuffer: device.createBuffer,
    createComputePipeline: device.createComputePipeline,
    createBindGroup: device.createBindGroup,
    createCommandEncoder: device.createCommandEncoder,
    submit: device.queue.submit,
  };
  device.createBuffer = function (descriptor) {
    const buffer = original.createBuffer.call(device, descriptor);
    counts.buffersCreated++;
    counts.liveBuffers++;
    counts.liveBytes += buffer.size;
    const destroy = buffer.destroy;
    let destroyed = false;
    buffer.destroy = function () {
      if (!destroyed) {
        destroyed = true;
        counts.buffersDestroyed++;
        counts.liveBuffers--;
        counts.liveBytes -= buffer.size;
      }
      return destroy.call(buffer);
    };
    return buffer;
  };
  device.createComputePipeline = function (descriptor) {
    counts.pipelines++;
    return original.createComputePipeline.call(device, descriptor);
  };
  device.createBindGroup = function (descriptor) {
    counts.bindGroups++;
    return original.createBindGroup.call(device, descriptor);
  };
  device.createCommandEncoder = function (descriptor) {
    const encoder = original.createCommandEncoder.call(device, descriptor);
    const beginComputePass = encoder.beginComputePass;
    encoder.beginComputePass = function (passDescriptor) {
      const pass = beginComputePass.call(encoder, passDescriptor);
      const dispatch = pass.dispatchWorkgroups;
      pass.dispatchWorkgroups = function (x, y, z) {
        counts.dispatches++;
        return dispatch.call(pass, x, y, z);
      };
      return pass;
    };
    return encoder;
  };
  device.queue.submit = function (buffers) {
    counts.submits++;
    return original.submit.call(device.queue, buffers);
  };
  return {
    counts,
    reset() {
      Object.assign(counts, { buffersCreated: 0, buffersDestroyed: 0, pipelines: 0, bindGroups: 0, submits: 0, dispatches: 0 });
    },
    restore() {
      device.createBuffer = original.createBuffer;
      device.createComputePipeline = original.createComputePipeline;
      device.createBindGroup = original.createBindGroup;
      device.createCommandEncoder = original.createCommandEncoder;
      device.queue.submit = original.submit;
    },
  };
}
