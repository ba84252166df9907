import { describe, expect, it } from 'vitest';
import { errorMessage, FwiError, isFwiError } from '../../src/engine/errors.ts';

describe('FwiError', () => {
  it('prefixes the message with the file at fault', () => {
    const e = new FwiError('npy-magic', 'not a .npy file (bad magic)', 'data1.npy');
    expect(e.message).toBe('data1.npy: not a .npy file (bad magic)');
    expect(e.file).toBe('data1.npy');
    expect(isFwiError(e)).toBe(true);
    expect(isFwiError(new Error('x'))).toBe(false);
  });
});

describe('errorMessage', () => {
  it('gives the message of an error without a leading "Error: ", and anything else as a string', () => {
    expect(errorMessage(new FwiError('io', 'quota exceeded', 'run.json'))).toBe('run.json: quota exceeded');
    expect(errorMessage(new Error('Error: permission denied'))).toBe('permission denied');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
  });
});
