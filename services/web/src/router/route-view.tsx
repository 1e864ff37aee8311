import { useEffect, useState } from 'preact/hooks';
import { currentPath } from './router';
import { matchRoute, type Page, type PageLoader as Loader, type PageProps } from './routes';

/** Pages already loaded: coming back to one shows it at once. */
const loaded = new Map<Loader, Page>();

/** The page of the current path; a new path (even /watch/a → /watch/b) mounts a new page. */
export function RouteView() {
  const path = currentPath.value;
  const match = matchRoute(path);
  useEffect(() => {
    document.title = `${match?.route.title ?? 'Not found'} · OnAir`;
  }, [path]);
  if (!match) return <NotFound />;
  const { route, params } = match;
  if ('page' in route) return <route.page key={path} params={params} />;
  return <LazyPage key={path} load={route.load} params={params} />;
}

function LazyPage({ load, params }: { load: Loader } & PageProps) {
  const [page, setPage] = useState<Page | undefined>(() => loaded.get(load));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (page) return;
    let mounted = true;
    load().then(
      (module) => {
        loaded.set(load, module.default);
        if (mounted) setPage(() => module.default);
      },
      // Typically a new version was deployed and this tab asks for a chunk that is gone.
      () => mounted && setFailed(true),
    );
    return () => void (mounted = false);
  }, [load]);
  if (failed) return <p role="alert">This page could not be loaded. Reload the page to try again.</p>;
  if (!page) return <p role="status">Loading…</p>;
  const Loaded = page;
  return <Loaded params={params} />;
}

function NotFound() {
  return (
    <section class="narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">See who is live</a>.
      </p>
    </section>
  );
}
