/**
 * Where the studio switches from one column (phones, narrow windows) to the laptop layout (setup
 * beside the dashboard). styles.css repeats this width in its @media rule; keep the two equal.
 */
export const WIDE_LAYOUT_MIN_PX = 1100;
export const WIDE_LAYOUT_QUERY = `(min-width: ${WIDE_LAYOUT_MIN_PX}px)`;
