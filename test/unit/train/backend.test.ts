import { describe, expect, it } from 'vitest';
import { parseBackendName } from '../../../src/engine/train/backend.ts';

describe('parseBackendName', () => {
  it('accepts cpu, wasm and webgpu and names the choices otherwise', () => {
    expect(parseBackendName('wasm')).toBe('wasm');
    expect(() => parseBackendName('gpu')).toThrow('unknown backend "gpu" (choose cpu, wasm, webgpu)');
  });
});
