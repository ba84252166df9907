import { describe, expect, it } from 'vitest';
import { askedRenderer, chooseCurveRendering, SOFTWARE_RENDERER } from '../../../src/app/charts/webgl.ts';

describe('how live curves are drawn', () => {
  it('WebGL traces on a GPU, SVG on a software renderer or without WebGL, unless the address asks', () => {
    expect(chooseCurveRendering('gpu', null).type).toBe('scattergl');
    expect(chooseCurveRendering('software', null)).toEqual({ type: 'scatter', reason: 'SVG: WebGL is a software renderer here, slower than SVG for the page' });
    expect(chooseCurveRendering('none', null).type).toBe('scatter');
    expect(chooseCurveRendering('gpu', 'svg').type).toBe('scatter');
    expect(chooseCurveRendering('software', 'webgl').type).toBe('scattergl');
    // Asked for, but there is none: SVG, and it says so.
    expect(chooseCurveRendering('none', 'webgl')).toEqual({ type: 'scatter', reason: 'SVG: WebGL was asked for, but this browser gives no WebGL context' });
  });

  it('knows software rasterisers by the renderer names browsers report', () => {
    // Chromium on SwiftShader (this machine's), Mesa's llvmpipe, Windows' fallback; then real GPUs.
    expect(SOFTWARE_RENDERER.test('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(SOFTWARE_RENDERER.test('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(SOFTWARE_RENDERER.test('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)')).toBe(true);
    expect(SOFTWARE_RENDERER.test('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(SOFTWARE_RENDERER.test('Apple M2')).toBe(false);
  });

  it('reads ?curves= from the address, ignoring other values', () => {
    expect(askedRenderer('?backend=wasm&curves=webgl')).toBe('webgl');
    expect(askedRenderer('?curves=svg')).toBe('svg');
    expect(askedRenderer('?curves=canvas')).toBeNull();
    expect(askedRenderer('')).toBeNull();
  });
});
