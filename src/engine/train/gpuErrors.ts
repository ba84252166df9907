/**
 * Recognising a GPU that ran out of memory. WebGPU reports a failed allocation as a
 * GPUOutOfMemoryError (through an error scope or the device's uncapturederror event), a buffer over
 * the adapter's limits as a validation error, and a driver that gives up as a lost device; tf.js
 * then fails its next read. All of them reach the user as "too large a batch" (memoryBudget.ts).
 */

/** Whether `e` (an error, or a lost device's message) is a GPU running out of memory or past a buffer limit. */
export function isGpuOutOfMemory(e: unknown): boolean {
  if (typeof e === 'object' && e !== null && (e as { constructor?: { name?: string } }).constructor?.name === 'GPUOutOfMemoryError') return true;
  const message = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return /out of memory|\bOOM\b|exceeds the max buffer size|allocation failed|failed to allocate/i.test(message);
}

