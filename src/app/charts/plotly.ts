/**
 * The one place the app meets plotly.js: its strict bundle, the one whose WebGL traces
 * (scattergl, for the live curves) come with precompiled shaders, so the page's CSP needs no
 * 'unsafe-eval'. Import this module lazily (PlotlyPlot's loadPlotly): the bundle (5 MB) loads
 * when the first chart mounts, with the page, and the service worker keeps it for offline use.
 */
import Plotly from 'plotly.js-strict-dist-min';

/** Plotly's API from the bundle (react, downloadImage, …). */
export { Plotly };
