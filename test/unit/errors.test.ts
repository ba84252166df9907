import { describe, expect, it } from 'vitest';
import { FwiError, isFwiError } from '../../src/engine/errors.ts';

describe('FwiError', () => {
  it('prefixes the message with the file at fault', () => {
    const e = new FwiError('npy-magic', 'not a .npy file (bad magic)', 'data1.npy');
    expect(e.message).toBe('data1.npy: not a .npy file (bad magic)');
    expect(e.file).toBe('data1.npy');
    expect(isFwiError(e)).toBe(true);
    expect(isFwiError(new Error('x'))).toBe(false);
  });
});
