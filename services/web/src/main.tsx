// Preact with signals: a ~4 kB runtime, so the watch route's JavaScript budget (300 kB gzipped)
// goes to mediasoup-client and, for replays, hls.js (README, "Web client").
import { render } from 'preact';
import { App } from './app/app';
import { startLiveNotifications } from './notifications/live-notifications';
import { startRouter } from './router/router';
import './app/app.css';

startRouter();
// One live notifications stream while someone is signed in, whatever the page.
startLiveNotifications();
render(<App />, document.getElementById('app') as HTMLElement);
