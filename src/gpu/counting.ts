// A thin counting wrapper around a GPUDevice for tests and benchmarks (issue 9's budget, issue 10's resources):
// live buffers and their bytes, pipelines and bind groups created, submits, compute dispatches, readbacks
// (mapAsync on buffers created through the device), queue uploads, and per dispatch the bytes bound to it.
// It patches the device instance's own methods (and each created buffer's destroy/mapAsync, each encoder's compute
// passes), so the code under test runs unchanged; restore() puts the device's originals back. Counts are
// deterministic, unlike times.
//
// Bytes per dispatch (issue 9: "bytes read/written per step from the encoder"): each dispatch records the buffer
// bindings of the bind groups set on its pass at that moment, with the binding's type taken from the bind group
// layout (createBindGroupLayout is wrapped to learn each entry's buffer type) and its size (the binding's `size`,
// or the buffer's size past the offset). A 'read-only-storage' or 'uniform' binding counts as bytes read, a
// 'storage' one as bytes read and written. This is an upper bound of the bytes a dispatch can touch (a kernel may
// read only part of a binding), which is what a budget compares against the algorithm's minimum. Layouts the
// wrapper never saw created (a pipeline with layout 'auto', or a layout created before any countGpu on the device)
// give kind 'unknown', counted as read and written: create the counter before the first kernel for exact kinds.

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
  /** GPU→CPU readbacks: mapAsync calls (any mode) on buffers created while counting */
  readbacks: number;
  /** queue.writeBuffer calls and their bytes (CPU→GPU uploads) */
  writes: number;
  writeBytes: number;
  /** sums over the dispatches of DispatchRecord.bytesRead / bytesWritten */
  bytesRead: number;
  bytesWritten: number;
}

export type BoundKind = 'uniform' | 'storage' | 'read-only-storage' | 'unknown';

export interface BoundBuffer {
  group: number;
  binding: number;
  kind: BoundKind;
  /** bytes of the binding (its `size`, or the rest of the buffer past its offset) */
  size: number;
  /** the buffer's label, for messages */
  label: string;
}

export interface DispatchRecord {
  /** label of the pipeline set when the dispatch was recorded ('' if none was labelled) */
  pipeline: string;
  /** the pass's label */
  pass: string;
  workgroups: [number, number, number];
  bindings: BoundBuffer[];
  /** uniform + read-only-storage + storage bytes bound (upper bound of bytes read) */
  bytesRead: number;
  /** storage (read_write) bytes bound (upper bound of bytes written) */
  bytesWritten: number;
}

export interface GpuCounter {
  readonly counts: GpuCounts;
  /** every dispatch since the last reset, in encoding order (see CountOptions.log) */
  readonly dispatchLog: DispatchRecord[];
  /** labels of the pipelines and bind groups created since the last reset, for messages (see CountOptions.log) */
  readonly created: { pipelines: string[]; bindGroups: string[] };
  /** whether a log reached LOG_LIMIT since the last reset (then it is incomplete) */
  readonly logTruncated: boolean;
  /** zero the event counters and the logs (not the live buffers, which are state) */
  reset(): void;
  restore(): void;
}

interface BindGroupInfo {
  entries: { binding: number; kind: BoundKind; size: number; label: string }[];
}

function bufferBinding(resource: GPUBindingResource): { buffer: GPUBuffer; offset: number; size?: number } | null {
  const r = resource as unknown as Record<string, unknown>;
  if (r && typeof r === 'object' && 'buffer' in r && r.buffer && typeof (r.buffer as GPUBuffer).size === 'number') {
    const binding = resource as GPUBufferBinding;
    return { buffer: binding.buffer, offset: Number(binding.offset ?? 0), size: binding.size === undefined ? undefined : Number(binding.size) };
  }
  // newer WebGPU lets a GPUBuffer itself be the resource (the whole buffer)
  if (r && typeof r === 'object' && typeof r.size === 'number' && typeof r.mapAsync === 'function') return { buffer: resource as unknown as GPUBuffer, offset: 0 };
  return null;
}

/**
 * binding types of every layout created while some counter was active, kept across counters: a test file shares one
 * device, and a kernel's cached layout created under an earlier counter is still known to a later one
 */
const layouts = new WeakMap<GPUBindGroupLayout, Map<number, BoundKind>>();

export interface CountOptions {
  /**
   * keep dispatchLog and created (default true): at most LOG_LIMIT entries each per reset window, after which
   * `logTruncated` is set and logging stops, so that a long session counted without resets (the soak) does not grow
   * the heap. Budget windows (a few steps) are far below the limit; a test reading the log can assert !logTruncated.
   */
  log?: boolean;
}

/** entries kept per log between resets */
export const LOG_LIMIT = 1024;

export function countGpu(device: GPUDevice, options: CountOptions = {}): GpuCounter {
  const log = options.log ?? true;
  const zero = (): Omit<GpuCounts, 'liveBuffers' | 'liveBytes'> => ({
    buffersCreated: 0,
    buffersDestroyed: 0,
    pipelines: 0,
    bindGroups: 0,
    submits: 0,
    dispatches: 0,
    readbacks: 0,
    writes: 0,
    writeBytes: 0,
    bytesRead: 0,
    bytesWritten: 0,
  });
  const counts: GpuCounts = { ...zero(), liveBuffers: 0, liveBytes: 0 };
  const dispatchLog: DispatchRecord[] = [];
  const created = { pipelines: [] as string[], bindGroups: [] as string[] };
  const groups = new WeakMap<GPUBindGroup, BindGroupInfo>();
  let active = true;
  let truncated = false;
  /** whether one more entry fits the log `list` */
  const room = (list: unknown[]) => {
    if (!log) return false;
    if (list.length < LOG_LIMIT) return true;
    truncated = true;
    return false;
  };
  /** bindings and byte totals per single bound bind group, shared by every dispatch that binds it (small log entries) */
  const bound1 = new WeakMap<BindGroupInfo, { bindings: BoundBuffer[]; bytesRead: number; bytesWritten: number }>();
  const original = {
    createBuffer: device.createBuffer,
    createComputePipeline: device.createComputePipeline,
    createComputePipelineAsync: device.createComputePipelineAsync,
    createBindGroupLayout: device.createBindGroupLayout,
    createBindGroup: device.createBindGroup,
    createCommandEncoder: device.createCommandEncoder,
    submit: device.queue.submit,
    writeBuffer: device.queue.writeBuffer,
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
    const mapAsync = buffer.mapAsync;
    buffer.mapAsync = function (mode, offset, size) {
      if (active) counts.readbacks++;
      return mapAsync.call(buffer, mode, offset, size);
    };
    return buffer;
  };
  device.createComputePipeline = function (descriptor) {
    counts.pipelines++;
    if (room(created.pipelines)) created.pipelines.push(descriptor.label ?? '');
    return original.createComputePipeline.call(device, descriptor);
  };
  device.createComputePipelineAsync = function (descriptor) {
    counts.pipelines++;
    if (room(created.pipelines)) created.pipelines.push(descriptor.label ?? '');
    return original.createComputePipelineAsync.call(device, descriptor);
  };
  device.createBindGroupLayout = function (descriptor) {
    const layout = original.createBindGroupLayout.call(device, descriptor);
    const kinds = new Map<number, BoundKind>();
    for (const entry of descriptor.entries) {
      // a buffer entry's type defaults to 'uniform' (WebGPU §GPUBufferBindingLayout)
      if (entry.buffer) kinds.set(entry.binding, entry.buffer.type ?? 'uniform');
    }
    layouts.set(layout, kinds);
    return layout;
  };
  device.createBindGroup = function (descriptor) {
    counts.bindGroups++;
    if (room(created.bindGroups)) created.bindGroups.push(descriptor.label ?? '');
    const group = original.createBindGroup.call(device, descriptor);
    const kinds = layouts.get(descriptor.layout);
    const entries: BindGroupInfo['entries'] = [];
    for (const entry of descriptor.entries) {
      const binding = bufferBinding(entry.resource);
      if (!binding) continue;
      const size = binding.size ?? binding.buffer.size - binding.offset;
      entries.push({ binding: entry.binding, kind: kinds?.get(entry.binding) ?? 'unknown', size, label: binding.buffer.label });
    }
    groups.set(group, { entries });
    return group;
  };
  device.createCommandEncoder = function (descriptor) {
    const encoder = original.createCommandEncoder.call(device, descriptor);
    const beginComputePass = encoder.beginComputePass;
    encoder.beginComputePass = function (passDescriptor) {
      const pass = beginComputePass.call(encoder, passDescriptor);
      const bound = new Map<number, BindGroupInfo | undefined>();
      let pipeline = '';
      const setPipeline = pass.setPipeline;
      pass.setPipeline = function (p) {
        pipeline = p.label;
        return setPipeline.call(pass, p);
      };
      const setBindGroup = pass.setBindGroup as (...args: unknown[]) => void;
      pass.setBindGroup = function (index: number, group: GPUBindGroup | null, ...rest: unknown[]) {
        bound.set(index, group ? groups.get(group) : undefined);
        state = null;
        return setBindGroup.call(pass, index, group, ...rest);
      } as GPUComputePassEncoder['setBindGroup'];
      let state: { bindings: BoundBuffer[]; bytesRead: number; bytesWritten: number } | null = null;
      const boundState = () => {
        const entries = [...bound.entries()].filter(([, info]) => info).sort((a, b) => a[0] - b[0]) as [number, BindGroupInfo][];
        if (entries.length === 1 && entries[0][0] === 0 && bound1.has(entries[0][1])) return bound1.get(entries[0][1])!;
        const bindings: BoundBuffer[] = [];
        let bytesRead = 0;
        let bytesWritten = 0;
        for (const [index, info] of entries) {
          for (const e of info.entries) {
            bindings.push({ group: index, binding: e.binding, kind: e.kind, size: e.size, label: e.label });
            bytesRead += e.size;
            if (e.kind === 'storage' || e.kind === 'unknown') bytesWritten += e.size;
          }
        }
        const result = { bindings, bytesRead, bytesWritten };
        if (entries.length === 1 && entries[0][0] === 0) bound1.set(entries[0][1], result);
        return result;
      };
      const record = (x: number, y: number, z: number) => {
        counts.dispatches++;
        state ??= boundState();
        counts.bytesRead += state.bytesRead;
        counts.bytesWritten += state.bytesWritten;
        if (room(dispatchLog)) dispatchLog.push({ pipeline, pass: passDescriptor?.label ?? '', workgroups: [x, y, z], ...state });
      };
      const dispatch = pass.dispatchWorkgroups;
      pass.dispatchWorkgroups = function (x, y, z) {
        record(x, y ?? 1, z ?? 1);
        return dispatch.call(pass, x, y, z);
      };
      const dispatchIndirect = pass.dispatchWorkgroupsIndirect;
      pass.dispatchWorkgroupsIndirect = function (buffer, offset) {
        // the workgroup counts live on the GPU: recorded as 0 × 0 × 0
        record(0, 0, 0);
        return dispatchIndirect.call(pass, buffer, offset);
      };
      return pass;
    };
    return encoder;
  };
  device.queue.submit = function (buffers) {
    counts.submits++;
    return original.submit.call(device.queue, buffers);
  };
  device.queue.writeBuffer = function (buffer: GPUBuffer, offset: number, data: BufferSource | SharedArrayBuffer, dataOffset?: number, size?: number) {
    counts.writes++;
    const element = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
    const total = ArrayBuffer.isView(data) ? data.byteLength : (data as ArrayBuffer).byteLength;
    counts.writeBytes += size !== undefined ? size * element : total - (dataOffset ?? 0) * element;
    return (original.writeBuffer as (...args: unknown[]) => void).call(device.queue, buffer, offset, data, dataOffset, size);
  } as GPUQueue['writeBuffer'];
  return {
    counts,
    dispatchLog,
    created,
    get logTruncated() {
      return truncated;
    },
    reset() {
      truncated = false;
      Object.assign(counts, zero());
      dispatchLog.length = 0;
      created.pipelines.length = 0;
      created.bindGroups.length = 0;
    },
    restore() {
      active = false;
      device.createBuffer = original.createBuffer;
      device.createComputePipeline = original.createComputePipeline;
      device.createComputePipelineAsync = original.createComputePipelineAsync;
      device.createBindGroupLayout = original.createBindGroupLayout;
      device.createBindGroup = original.createBindGroup;
      device.createCommandEncoder = original.createCommandEncoder;
      device.queue.submit = original.submit;
      device.queue.writeBuffer = original.writeBuffer;
    },
  };
}
