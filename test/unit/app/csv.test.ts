import { describe, expect, it } from 'vitest';
import { seriesToCsv, seriesToJson } from '../../../src/app/export/csv.ts';

describe('series export', () => {
  const table = { xName: 'critic_step', x: [1, 2, 3], columns: [{ name: 'loss', values: [-1.5, NaN, 0.25] }, { name: 'gp, λ', values: [0.1, 0.2, 0.3] }] };

  it('writes CSV with a header, empty cells for non-finite values and quoted names', () => {
    expect(seriesToCsv(table)).toBe('critic_step,loss,"gp, λ"\n1,-1.5,0.1\n2,,0.2\n3,0.25,0.3\n');
  });

  it('writes JSON columns with null for non-finite values', () => {
    expect(JSON.parse(seriesToJson(table))).toEqual({ x: 'critic_step', columns: { critic_step: [1, 2, 3], loss: [-1.5, null, 0.25], 'gp, λ': [0.1, 0.2, 0.3] } });
  });
});
