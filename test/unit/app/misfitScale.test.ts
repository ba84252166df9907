import { describe, expect, it } from 'vitest';
import { misfitVerdict } from '../../../src/app/charts/misfitScale.ts';

describe('misfit verdict', () => {
  const refs = { truth: 0.02, smoothed: 0.6, constant: 1.3 };
  it('places the prediction on the scale of its references', () => {
    expect(misfitVerdict({ ...refs, predicted: 0.021 })).toBe('The prediction fits the data as well as the true model does here (0.021 against 0.020).');
    expect(misfitVerdict({ ...refs, predicted: 0.3 })).toContain('better than the smoothed true model (0.300 against 0.600)');
    expect(misfitVerdict({ ...refs, predicted: 0.9 })).toContain('between the smoothed model (0.600) and the constant model (1.300)');
    expect(misfitVerdict({ ...refs, predicted: 1.4 })).toBe('The prediction fits the data no better than a constant velocity does (1.400 against 1.300).');
  });
});
