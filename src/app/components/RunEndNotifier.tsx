/**
 * When a run finishes or fails while the tab is hidden: the tab's title says so until the tab is
 * seen again, and, if the user asked for it here (the browser asks for permission then), a
 * system notification too.
 */
import { useEffect, useRef, useState } from 'react';
import { noticeTitle, runEndNotice } from '../runEndNotice.ts';
import { useStudio } from '../store/studioStore.ts';

const NOTIFY_KEY = 'velocitygan-studio.notifyRunEnd';

const notifications = () => (typeof Notification === 'function' ? Notification : null);

export function RunEndNotifier() {
  const runState = useStudio((s) => s.runState);
  const runMessage = useStudio((s) => s.runMessage);
  const previous = useRef(runState);
  const pageTitle = useRef<string | null>(null);
  const [notify, setNotify] = useState(() => localStorage.getItem(NOTIFY_KEY) === '1' && notifications()?.permission === 'granted');
  const [refused, setRefused] = useState<string | null>(null);

  useEffect(() => {
    const notice = runEndNotice(previous.current, runState, runMessage);
    previous.current = runState;
    if (!notice || !document.hidden) return;
    pageTitle.current ??= document.title;
    document.title = noticeTitle(notice, pageTitle.current);
    if (notify && notifications()?.permission === 'granted') new Notification(notice.title, { body: notice.body, tag: 'velocitygan-run-end' });
  }, [runState, runMessage, notify]);

  useEffect(() => {
    const seen = () => {
      if (document.hidden || pageTitle.current === null) return;
      document.title = pageTitle.current;
      pageTitle.current = null;
    };
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, []);

  const api = notifications();
  if (!api) return null;
  const choose = async (on: boolean) => {
    setRefused(null);
    if (on && api.permission !== 'granted') {
      const answer = await api.requestPermission();
      if (answer !== 'granted') {
        setRefused('This browser refuses notifications for this page (its site settings can allow them); the tab title still changes.');
        on = false;
      }
    }
    setNotify(on);
    localStorage.setItem(NOTIFY_KEY, on ? '1' : '0');
  };
  return (
    <div className="run-notify">
      <label className="inline">
        <input type="checkbox" checked={notify} onChange={(e) => void choose(e.target.checked)} />
        Notify me when a run ends while this tab is hidden
      </label>
      {refused ? <p className="hint">{refused}</p> : null}
    </div>
  );
}
