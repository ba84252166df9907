/**
 * The one place the app meets plotly.js: the cartesian partial bundle (scatter, heatmap, … without
 * the 3-D and map code). Import this module lazily: the bundle (1.5 MB) loads with the first
 * export of a chart image, never during a run.
 */
import Plotly from 'plotly.js-cartesian-dist-min';

/** Plotly's API from the partial bundle (downloadImage, toImage, …). */
export { Plotly };
