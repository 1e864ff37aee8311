// A router of a few lines, not a library: the path is a signal, links are ordinary <a href>
// elements (so they work with the keyboard, middle-click and "open in new tab"), and a click on
// a same-origin link becomes history.pushState instead of a page load.
import { signal } from '@preact/signals';

export const currentPath = signal(location.pathname);
export const currentQuery = signal(new URLSearchParams(location.search));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) return location.assign(url);
  history[options.replace ? 'replaceState' : 'pushState'](null, '', url);
  sync();
  window.scrollTo(0, 0);
}

function sync(): void {
  currentPath.value = location.pathname;
  currentQuery.value = new URLSearchParams(location.search);
}

/** Only a plain left click on a same-origin link without a target is the router's to handle. */
function ownClick(e: MouseEvent): HTMLAnchorElement | undefined {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return undefined;
  const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
  if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return undefined;
  return link.origin === location.origin ? link : undefined;
}

export function startRouter(): void {
  window.addEventListener('popstate', sync);
  document.addEventListener('click', (e) => {
    const link = ownClick(e);
    if (!link) return;
    e.preventDefault();
    navigate(link.href);
  });
}

/**
 * Where to go after signing in: `?next=` when it is a path of this site, else home. A full URL
 * or `//host` would make the sign-in page an open redirect.
 */
export function nextPath(): string {
  const next = currentQuery.value.get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
