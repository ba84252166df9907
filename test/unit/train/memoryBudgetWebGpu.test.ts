import { describe, expect, it } from 'vitest';
import { memoryShape } from './memoryShapes.ts';
import { thrownFwiError } from '../thrownFwiError.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import type { GpuHandle } from '../../../src/engine/train/backend.ts';
import { isGpuOutOfMemory } from '../../../src/engine/train/gpuErrors.ts';
import {
  backendLimits,
  checkBatchFits,
  largestBatch,
  largestBatchWithin,
  largestTensorBytes,
  lostDeviceOutOfMemory,
  translateOutOfMemory,
} from '../../../src/engine/train/memoryBudget.ts';


const MiB = 2 ** 20;
/** A GPU adapter with WebGPU's default binding limit (128 MiB) and memory we are not told. */
const gpu = (over: Partial<GpuHandle> = {}): GpuHandle => ({
  device: {} as GPUDevice,
  adapterName: 'Test GPU',
  software: false,
  maxStorageBufferBindingSize: 128 * MiB,
  maxBufferSize: 256 * MiB,
  memoryBytes: null,
  outOfMemory: null,
  ...over,
});


describe('the batch on webgpu', () => {
  it('largest tensor: the generator’s first block, 32 maps of 500 × 70 per sample at full widths; the seismic input at tiny', () => {
    expect(largestTensorBytes(memoryShape('full'), 1)).toBe(4 * 32 * 500 * 70);
    expect(largestTensorBytes(memoryShape('full'), 64)).toBe(64 * 4 * 32 * 500 * 70);
    // tiny: 4 maps of 500 × 70 are fewer than the 5 × 1000 × 70 input.
    expect(largestTensorBytes(memoryShape('tiny'), 2)).toBe(2 * 4 * 5 * 1000 * 70);
  });

  it('is limited by the smaller of the binding and buffer limits when the memory is unknown', () => {
    const limits = backendLimits('webgpu', gpu());
    expect(limits).toMatchObject({ memory: null, buffer: 128 * MiB });
    const largest = Math.floor((128 * MiB) / (4 * 32 * 500 * 70)); // 29
    expect(largestBatchWithin(memoryShape('full'), limits)).toBe(largest);
    expect(() => checkBatchFits('webgpu', memoryShape('full'), largest, gpu())).not.toThrow();
    const e = thrownFwiError(() => checkBatchFits('webgpu', memoryShape('full'), 64, gpu()));
    expect(e.code).toBe('memory');
    expect(e.message).toMatch(/batch 64 is too large for the webgpu backend's memory \(its largest tensor takes 0\.3 GiB; its adapter \(Test GPU\) takes buffers of at most 0\.1 GiB\)/);
    expect(e.message).toContain(`about ${largest}`);
    expect(e.message).toContain(`(≤ ${largest})`);
    expect(e.message).toMatch(/--backend wasm or cpu/);
  });

  it('is limited by the memory too where it is known (a software adapter on a 4 GiB machine)', () => {
    const software = gpu({ software: true, memoryBytes: 4 * 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 });
    const byMemory = largestBatch(memoryShape('full'), 4 * 2 ** 30);
    const byBuffer = Math.floor(2 ** 30 / (4 * 32 * 500 * 70));
    expect(byMemory).toBeLessThan(byBuffer);
    expect(largestBatchWithin(memoryShape('full'), backendLimits('webgpu', software))).toBe(byMemory);
    const e = thrownFwiError(() => checkBatchFits('webgpu', memoryShape('full'), 96, software));
    expect(e.message).toMatch(/a training step needs about [\d.]+ GiB; its adapter \(Test GPU\) holds at most 4\.0 GiB and takes buffers of at most 1\.0 GiB/);
    expect(e.message).toContain(`about ${byMemory}`);
  });

  it('has no limit we know on cpu, and webgpu without a device in use has none either', () => {
    expect(largestBatchWithin(memoryShape('full'), backendLimits('cpu'))).toBeNull();
    expect(() => checkBatchFits('webgpu', memoryShape('full'), 4096, null)).not.toThrow();
  });
});

describe('a GPU running out of memory', () => {
  it('is recognised in WebGPU’s and Dawn’s words, and nothing else is', () => {
    expect(isGpuOutOfMemory({ message: 'Out of memory', constructor: { name: 'GPUOutOfMemoryError' } })).toBe(true);
    expect(isGpuOutOfMemory(new Error('Buffer size (4294967296) exceeds the max buffer size limit (268435456).'))).toBe(true);
    expect(isGpuOutOfMemory('VK_ERROR_OUT_OF_DEVICE_MEMORY')).toBe(false);
    expect(isGpuOutOfMemory('Device lost: OOM while allocating')).toBe(true);
    expect(isGpuOutOfMemory(new Error('shapes do not match'))).toBe(false);
    expect(isGpuOutOfMemory('Device was destroyed.')).toBe(false);
  });

  it('during a step becomes the batch advice; other errors pass through', () => {
    const oom = new Error('Failed to allocate buffer: out of memory');
    const t = translateOutOfMemory(oom, 'webgpu', memoryShape('full'), 64, gpu()) as FwiError;
    expect(t).toBeInstanceOf(FwiError);
    expect(t.code).toBe('memory');
    // Its memory unknown, the advice is half the batch, within the buffer limit (29).
    expect(t.message).toMatch(/batch 64 .*ran out of GPU memory: Failed to allocate buffer: out of memory.*Try a batch of about 29: .*\(≤ 29\)/);
    expect((translateOutOfMemory(oom, 'webgpu', memoryShape('full'), 16, gpu()) as FwiError).message).toMatch(/Try a batch of about 8: .*\(≤ 8\)/);
    // Reported by the device (an event, not a throw) and then a failed read.
    const reported = translateOutOfMemory(new Error('mapAsync failed'), 'webgpu', memoryShape('full'), 8, gpu({ outOfMemory: 'Out of memory creating buffer' })) as FwiError;
    expect(reported.message).toMatch(/batch 8 .*ran out of GPU memory: Out of memory creating buffer.*about 4/);
    const other = new Error('shapes do not match');
    expect(translateOutOfMemory(other, 'webgpu', memoryShape('full'), 8, gpu())).toBe(other);
  });

  it('as a lost device is told apart from a driver reset, which is worth retrying', () => {
    expect(lostDeviceOutOfMemory('Device was destroyed.', gpu(), memoryShape('full'), 16)).toBeNull();
    const e = lostDeviceOutOfMemory('The device ran out of memory', gpu(), memoryShape('full'), 64)!;
    expect(e.code).toBe('memory');
    expect(e.message).toMatch(/batch 64 .*the GPU device was lost running out of memory: The device ran out of memory.*about 29/);
    expect(lostDeviceOutOfMemory('', gpu({ outOfMemory: 'Out of memory' }), memoryShape('full'), 64)?.code).toBe('memory');
  });
});
