/**
 * A value that follows its input at most once per `ms`, always ending on the latest input. Live
 * charts redraw through Plotly, which costs tens of milliseconds per chart on a slow machine; the
 * throttle bounds how often that happens, and because each chart's update fires from its own
 * timer, two charts never redraw in the same task (the page's 50 ms long-task budget).
 */
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/** `value`, updated at most once per `ms` (trailing edge kept; the first value is immediate). */
export function useThrottledValue<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = Math.max(0, last.current + ms - Date.now());
    const t = setTimeout(() => {
      last.current = Date.now();
      // Render and commit inside this timer's task, so charts whose timers fire together still
      // redraw in separate tasks instead of being batched into one long one.
      flushSync(() => setShown(value));
    }, wait);
    return () => clearTimeout(t);
  }, [value, shown, ms]);
  return shown;
}
