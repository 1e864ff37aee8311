import { dismissToast, holdToasts, toasts } from './toasts';
import './notifications.css';

/**
 * The live region toasts appear in. It is always in the page (a region added together with its
 * text is not announced); only the toasts added are read, not the ones already there.
 */
export function NotificationToasts() {
  const hold = () => holdToasts(true);
  const release = () => holdToasts(false);
  return (
    <div class="toasts" role="status" aria-live="polite" aria-atomic="false" aria-relevant="additions" onMouseEnter={hold} onMouseLeave={release} onFocusIn={hold} onFocusOut={release}>
      {toasts.value.map((toast) => (
        <div class="toast" key={toast.id} data-notification-id={toast.id}>
          <p class="toast-text">{toast.text}</p>
          {toast.link && (
            <a class="button primary toast-link" href={toast.link.href} onClick={() => dismissToast(toast.id)}>
              {toast.link.label}
            </a>
          )}
          <button type="button" class="toast-dismiss" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}
