import type { Notice } from '../state/store.ts';
import { useAppStore } from '../state/hooks.ts';

/** Notices as text (never HTML), each dismissible; shared by the sampler lab and the PDE lab. */
export function NoticeList({ notices, dismiss }: { notices: Notice[]; dismiss(id: number): void }) {
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} data-testid="notice" role={notice.level === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{notice.text}</span>
          <button type="button" className="notice-dismiss" onClick={() => dismiss(notice.id)} aria-label="Dismiss notice">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** The sampler lab's notices (a bad link, a failed run, device loss …). */
export function NoticeBanner() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  return <NoticeList notices={notices} dismiss={dismiss} />;
}
