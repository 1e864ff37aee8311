// OnAir's service worker: Web Push only (no fetch handler, so it never stands between the page
// and the network). Served by the edge at /push-worker.js, revalidated on every update check.
// The payload is what notifications' web-push-sender writes: {kind, title, body, url}.

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    // Not JSON: still a notification (userVisibleOnly), with the words the push carried.
    payload = { title: 'OnAir', body: event.data ? event.data.text() : '' };
  }
  const url = typeof payload.url === 'string' && /^\/(?![/\\])/.test(payload.url) ? payload.url : '/';
  event.waitUntil(
    self.registration.showNotification(payload.title || 'OnAir', {
      body: payload.body || '',
      // One notification per place: a second push about the same broadcast replaces the first.
      tag: `${payload.kind || 'onair'}:${url}`,
      data: { url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  // Only this site's paths: a payload never sends the browser elsewhere.
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  const url = target.origin === self.location.origin ? target.href : self.location.origin + '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => w.url === url);
      if (open) return open.focus();
      return self.clients.openWindow(url);
    })(),
  );
});
