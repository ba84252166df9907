// The dist bundle ships no types; it exposes the same API as the full plotly.js.
declare module 'plotly.js-strict-dist-min' {
  import type * as Plotly from 'plotly.js';
  const plotly: typeof Plotly;
  export default plotly;
}
