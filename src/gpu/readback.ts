// The one readback helper: copy a range of a GPU buffer to a mappable staging buffer and map it.
// Readbacks are for results and metrics only, never inside a frame's or a sweep's step loop.

export function readBuffer(device: GPUDevice, source: GPUBuffer, offset = 0, size = source.size): Promise<ArrayBuffer> {
  return submitAndRead(device, device.createCommandEncoder({ label: 'readback' }), source, offset, size);
}

/** Appends the copy to `encoder` (work recorded before it), submits it, and maps the copy: one submit for both. */
export async function submitAndRead(device: GPUDevice, encoder: GPUCommandEncoder, source: GPUBuffer, offset = 0, size = source.size): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: 'readback staging', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readFloat32(device: GPUDevice, source: GPUBuffer, offset = 0, size = source.size): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, source, offset, size));
}
