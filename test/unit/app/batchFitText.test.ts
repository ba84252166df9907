import { describe, expect, it } from 'vitest';
import { batchFitText } from '../../../src/app/batchFitText.ts';

describe('batchFitText', () => {
  it('names the batch, the backend and the largest batch that fits', () => {
    expect(batchFitText({ backend: 'wasm', batch: 64, largest: 23 })).toBe("batch 64 is too large for the WebAssembly backend's memory at these widths (largest ≈ 23)");
  });
  it('says when no batch fits', () => {
    expect(batchFitText({ backend: 'wasm', batch: 2, largest: 0 })).toBe("batch 2 is too large for the WebAssembly backend's memory at these widths (no batch fits: use narrower widths)");
  });
});
