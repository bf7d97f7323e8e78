import { useAppStore } from '../state/hooks.ts';

/** Notices (a bad link, a failed run, device loss …), as text (never HTML), each dismissible. */
export function NoticeBanner() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
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
