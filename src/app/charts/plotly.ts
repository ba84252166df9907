/**
 * The one place the app meets plotly.js: the cartesian partial bundle (scatter, heatmap, … without
 * the 3-D and map code) wrapped as a React component. Import this module lazily (React.lazy) so
 * the bundle loads with the first chart, not with the page.
 */
import Plotly from 'plotly.js-cartesian-dist-min';
import createPlotlyComponent from 'react-plotly.js/factory';

/** Plotly's API from the partial bundle (downloadImage, react, relayout, …). */
export { Plotly };

/** The react-plotly.js component bound to the partial bundle. */
const Plot = createPlotlyComponent(Plotly);
export default Plot;
