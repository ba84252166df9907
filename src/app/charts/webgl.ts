/**
 * Which Plotly trace type draws the live curves in this browser, decided once per page:
 * - 'scattergl' (WebGL) where the browser gives a WebGL context without a major performance
 *   caveat, i.e. a GPU draws it: a redraw's main-thread work then no longer grows with the points;
 * - 'scatter' (SVG) where WebGL is missing or is a software renderer (SwiftShader, llvmpipe). There
 *   every WebGL call the page waits on goes to a GPU emulated on the CPU, busy with the training's
 *   own WebGPU work: measured on SwiftShader (2-core machine, 2026-11-30), redraws of the same
 *   curves were single main-thread tasks of 500–860 ms with scattergl, against 60–104 ms in SVG.
 * `?curves=webgl` or `?curves=svg` in the address overrides the choice (to try the other one, or
 * to draw with WebGL on a machine whose GPU the browser reports as slow).
 */
import type { CurveTraceType } from './curveTraces.ts';

export type CurveRenderer = 'webgl' | 'svg';

export interface CurveRendering {
  type: CurveTraceType;
  /** Why, in words ("WebGL (GPU)", "SVG: WebGL is a software renderer here", …). */
  reason: string;
}

let chosen: CurveRendering | null = null;

/** A software rasteriser, by the renderer name the browser reports (ANGLE's names it inside). */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render/i;

/**
 * A WebGL context's availability: 'gpu', 'software', or 'none'. Software is a context created only
 * with a major performance caveat, or one whose renderer (WEBGL_debug_renderer_info) is a software
 * rasteriser: Chromium's SwiftShader fallback does not always report the caveat.
 */
function probeWebGl(): 'gpu' | 'software' | 'none' {
  if (typeof document === 'undefined') return 'none';
  const ask = (options: WebGLContextAttributes): 'gpu' | 'software' | 'none' => {
    try {
      const gl = document.createElement('canvas').getContext('webgl', options);
      if (!gl) return 'none';
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      return SOFTWARE_RENDERER.test(renderer) ? 'software' : 'gpu';
    } catch {
      return 'none'; // a browser that throws instead of returning null: no WebGL
    }
  };
  const withoutCaveat = ask({ failIfMajorPerformanceCaveat: true });
  if (withoutCaveat !== 'none') return withoutCaveat;
  return ask({}) === 'none' ? 'none' : 'software';
}

/** The renderer `?curves=` asks for, if any. */
export function askedRenderer(search: string): CurveRenderer | null {
  const asked = new URLSearchParams(search).get('curves');
  return asked === 'webgl' || asked === 'svg' ? asked : null;
}

/** The choice for the given probe result and request (pure: the tested part). */
export function chooseCurveRendering(webgl: 'gpu' | 'software' | 'none', asked: CurveRenderer | null): CurveRendering {
  if (asked === 'svg') return { type: 'scatter', reason: 'SVG (asked for in the address)' };
  if (asked === 'webgl' && webgl !== 'none') return { type: 'scattergl', reason: webgl === 'gpu' ? 'WebGL (GPU)' : 'WebGL (software renderer, asked for in the address)' };
  if (webgl === 'gpu') return { type: 'scattergl', reason: 'WebGL (GPU)' };
  if (webgl === 'software') return { type: 'scatter', reason: 'SVG: WebGL is a software renderer here, slower than SVG for the page' };
  return { type: 'scatter', reason: asked === 'webgl' ? 'SVG: WebGL was asked for, but this browser gives no WebGL context' : 'SVG: this browser gives no WebGL context' };
}

/** How live curves are drawn in this page. */
export function curveRendering(): CurveRendering {
  chosen ??= chooseCurveRendering(probeWebGl(), typeof location === 'undefined' ? null : askedRenderer(location.search));
  return chosen;
}

/** The trace type for live curves in this page. */
export function curveTraceType(): CurveTraceType {
  return curveRendering().type;
}
