import { expect } from 'vitest';
import { FwiError } from '../../src/engine/errors.ts';

/** The FwiError `f` throws; fails the test if it throws something else or nothing. */
export function thrownFwiError(f: () => unknown): FwiError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FwiError);
    return e as FwiError;
  }
  throw new Error('expected an FwiError');
}
