import { describe, expect, it } from 'vitest';
import { colorIndex, colorTable, cssGradient, finiteExtent, rainbow256, symmetricRange, valuesToRgba } from '../../../src/app/charts/colormap.ts';

describe('colormaps', () => {
  it('rainbow256 follows the spec formula at every entry', () => {
    const t = rainbow256();
    expect(t.length).toBe(256);
    for (let i = 0; i < 256; i++) {
      const want = i <= 63 ? [0, i / 63, 1] : i <= 127 ? [0, 1, (127 - i) / 64] : i <= 191 ? [(i - 127) / 64, 1, 0] : [1, (255 - i) / 64, 0];
      expect(t[i]).toEqual(want);
    }
    expect(t[0]).toEqual([0, 0, 1]);
    expect(t[63]).toEqual([0, 1, 1]);
    expect(t[255]).toEqual([1, 0, 0]);
  });

  it('viridis and the diverging map have 256 entries with the right ends', () => {
    const v = colorTable('viridis');
    expect(v.length).toBe(256);
    expect(v[0].map((c) => Math.round(c * 255))).toEqual([0x44, 0x01, 0x54]);
    expect(v[255].map((c) => Math.round(c * 255))).toEqual([0xfd, 0xe7, 0x25]);
    const d = colorTable('diverging');
    expect(d[0].map((c) => Math.round(c * 255))).toEqual([0x05, 0x30, 0x61]);
    expect(d[255].map((c) => Math.round(c * 255))).toEqual([0x67, 0x00, 0x1f]);
    // the middle of the diverging map is (near) white: zero difference reads as no colour
    expect(Math.min(...d[128].map((c) => c * 255))).toBeGreaterThan(235);
  });

  it('maps values to table indices like matplotlib (floor, clamped)', () => {
    expect(colorIndex(1500, 1500, 4500)).toBe(0);
    expect(colorIndex(4500, 1500, 4500)).toBe(255);
    expect(colorIndex(3000, 1500, 4500)).toBe(128);
    expect(colorIndex(-1e9, 0, 1)).toBe(0);
    expect(colorIndex(1e9, 0, 1)).toBe(255);
  });

  it('writes RGBA bytes per value, transparent for non-finite', () => {
    const rgba = valuesToRgba([1500, 4500, NaN, 3000], 1500, 4500, 'rainbow256');
    expect(Array.from(rgba.slice(0, 4))).toEqual([0, 0, 255, 255]);
    expect(Array.from(rgba.slice(4, 8))).toEqual([255, 0, 0, 255]);
    expect(Array.from(rgba.slice(8, 12))).toEqual([0, 0, 0, 0]);
    // index 128: ((128 − 127)/64, 1, 0)
    expect(Array.from(rgba.slice(12, 16))).toEqual([Math.round(255 / 64), 255, 0, 255]);
  });

  it('grey runs black to white', () => {
    const rgba = valuesToRgba([-1, 1], -1, 1, 'gray');
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('gives extents and symmetric ranges', () => {
    expect(finiteExtent([3, NaN, -2, 7])).toEqual([-2, 7]);
    expect(symmetricRange([3, -9, 1])).toEqual([-9, 9]);
    expect(symmetricRange([0, 0])).toEqual([-1, 1]);
    expect(cssGradient('rainbow256')).toMatch(/^linear-gradient\(to top, rgb\(0 0 255\) 0\.00%/);
  });
});
