/**
 * A named panel whose body folds away (the WAI-ARIA disclosure pattern): its heading is the
 * toggle, the body stays mounted while folded (a form keeps what was typed). The choice is
 * remembered per panel (localStorage); before any choice, `defaultOpen: 'wide'` opens the panel
 * only where the page has the room of a laptop (the same width as the two-column layout).
 */
import { useState, type ReactNode } from 'react';
import { WIDE_LAYOUT_QUERY } from './layoutQuery.ts';

const STORE_KEY = 'velocitygan-studio.panels';

function remembered(): Record<string, boolean> {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) ?? '{}') as Record<string, boolean>;
  } catch {
    return {};
  }
}

function initialOpen(id: string, defaultOpen: boolean | 'wide'): boolean {
  const saved = remembered()[id];
  if (typeof saved === 'boolean') return saved;
  if (defaultOpen === 'wide') return typeof matchMedia === 'function' ? matchMedia(WIDE_LAYOUT_QUERY).matches : true;
  return defaultOpen;
}

export interface CollapsibleProps {
  /** Names the panel's ids (`${id}-title`, `${id}-body`) and its remembered state. */
  id: string;
  title: string;
  defaultOpen?: boolean | 'wide';
  /** A short line shown beside the title while folded (e.g. "6 files, ready to train"). */
  summary?: ReactNode;
  className?: string;
  children: ReactNode;
}

export function Collapsible({ id, title, defaultOpen = true, summary, className, children }: CollapsibleProps) {
  const [open, setOpen] = useState(() => initialOpen(id, defaultOpen));
  const toggle = () => {
    const next = !open;
    setOpen(next);
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ ...remembered(), [id]: next }));
    } catch {
      // Storage refused (private mode, quota): the panel still folds, only the choice is not kept.
    }
  };
  return (
    <section className={`panel collapsible${className ? ` ${className}` : ''}`} aria-labelledby={`${id}-title`} data-open={open}>
      <h2 id={`${id}-title`} className="collapsible-title">
        <button type="button" className="collapsible-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={toggle}>
          {title}
        </button>
        {!open && summary ? <span className="collapsible-summary">{summary}</span> : null}
      </h2>
      <div id={`${id}-body`} className="collapsible-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
