import { useEffect, useRef } from 'preact/hooks';
import { RouteView } from '../router/route-view';
import { currentPath } from '../router/router';
import { SiteHeader } from './site-header';

export function App() {
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(currentPath.value);
  const path = currentPath.value;
  // After a navigation, focus moves to the new page (as a page load would), so keyboard and
  // screen-reader users start at its content rather than at the link they followed.
  useEffect(() => {
    if (path !== firstPath.current) main.current?.focus();
    firstPath.current = '';
  }, [path]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader />
      <main id="main" ref={main} tabIndex={-1}>
        <RouteView />
      </main>
    </>
  );
}
