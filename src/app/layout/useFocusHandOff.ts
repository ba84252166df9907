/**
 * Keeps keyboard focus on a control when the one holding it disables itself or disappears (Train,
 * Pause, "Use demo dataset", a Cancel that goes away): focus moves to the first enabled of the
 * given targets instead of falling to <body>. When only a later target is enabled at that moment
 * (Stop while "Pausing…"), focus moves on to the earlier one as soon as it is enabled (Resume),
 * unless the user has moved focus elsewhere meanwhile.
 *
 *     const pause = useFocusHandOff(() => [resume, stop]);
 *     <button ref={pause.ref} disabled={…}>Pause</button>
 */
import { useLayoutEffect, useRef } from 'react';

/** A control that hands focus on; also usable as another's target. */
export interface HandOff {
  ref: (el: HTMLElement | null) => void;
  readonly current: HTMLElement | null;
}

type Target = HandOff | HTMLElement | null | undefined;

// The element that last received focus anywhere on the page (focusin bubbles; blur to <body> fires none).
let lastFocused: Element | null = null;
let tracking = false;
function trackFocus(): void {
  if (tracking || typeof document === 'undefined') return;
  tracking = true;
  document.addEventListener('focusin', (e) => {
    lastFocused = e.target as Element;
  });
}

function usable(el: HTMLElement | null | undefined): el is HTMLElement {
  return !!el && el.isConnected && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
}

const resolve = (t: Target): HTMLElement | null => (t && 'ref' in t && typeof t.ref === 'function' ? (t as HandOff).current : ((t as HTMLElement | null | undefined) ?? null));

export function useFocusHandOff(targets: () => Target[]): HandOff {
  trackFocus();
  const self = useRef<{ el: HTMLElement | null; last: HTMLElement | null; interim: HTMLElement | null; handOff: HandOff } | null>(null);
  if (!self.current) {
    const state = {
      el: null as HTMLElement | null,
      last: null as HTMLElement | null,
      interim: null as HTMLElement | null,
      handOff: null as unknown as HandOff,
    };
    state.handOff = {
      ref: (el) => {
        state.el = el;
        if (el) state.last = el;
      },
      get current() {
        return state.el;
      },
    };
    self.current = state;
  }
  const state = self.current;

  useLayoutEffect(() => {
    const active = document.activeElement;
    const candidates = targets().map(resolve);
    // Focus sits on the control handed to in the meantime: move on to a better one once enabled.
    if (state.interim) {
      if (active !== state.interim) state.interim = null;
      else {
        const better = candidates.slice(0, candidates.indexOf(state.interim)).find(usable);
        if (better) {
          better.focus();
          state.interim = null;
        }
        return;
      }
    }
    const el = state.last;
    if (!el || lastFocused !== el || usable(el)) return;
    if (active !== null && active !== document.body && active !== el) return; // the user is elsewhere
    const next = candidates.find(usable);
    if (!next) return;
    next.focus();
    state.interim = next === candidates.find((c) => c) ? null : next;
  });

  return state.handOff;
}
