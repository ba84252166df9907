import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/app/components/views/byteSize.ts';

describe('byte sizes', () => {
  it('uses binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(500 * 70 * 70 * 4 + 128)).toBe('9.35 MiB');
    expect(formatBytes(500 * 5 * 1000 * 70 * 4)).toBe('668 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB');
    expect(formatBytes(NaN)).toBe('—');
  });
});
