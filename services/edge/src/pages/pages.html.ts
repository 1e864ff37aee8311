// The two plain pages a person (and the end-to-end test) uses to try OnAir; the full web client
// comes later. Scripts are bundled from ./client by esbuild (nx target bundle-pages).

const layout = (title: string, body: string, script: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · OnAir</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 760px; margin: 2rem auto; padding: 0 1rem; }
  input, button { font: inherit; padding: .35rem .6rem; margin: .2rem 0; }
  video { width: 100%; background: #111; border-radius: 6px; }
  #status { color: #555; min-height: 1.4em; }
  #chat ol { height: 14rem; overflow-y: auto; padding-left: 1.2rem; border: 1px solid #ddd; border-radius: 6px; }
  #chat-state { color: #a33; }
</style>
</head>
<body data-state="idle">
<h1>${title}</h1>
${body}
<p id="status"></p>
<script type="module" src="/assets/${script}"></script>
</body>
</html>`;

const signInForm = `
<fieldset>
  <legend>Sign in</legend>
  <input id="login" placeholder="handle or email" autocomplete="username">
  <input id="password" type="password" placeholder="password" autocomplete="current-password">
  <button id="signin">Sign in</button>
</fieldset>`;

/** The chat beside the video (chat-panel.ts), shown once signed in. */
const chatPanel = `
<section id="chat" hidden>
  <h2>Chat <small id="presence"></small></h2>
  <ol id="messages"></ol>
  <input id="chat-text" maxlength="280" placeholder="say something" autocomplete="off">
  <button id="chat-send">Send</button>
  <button id="heart" aria-label="send a heart">♥</button> <span id="hearts-count">0</span>
  <p id="chat-state"></p>
</section>`;

export const broadcastPage = () =>
  layout(
    'Go live',
    `${signInForm}
<fieldset>
  <legend>Broadcast</legend>
  <input id="title" placeholder="title" maxlength="120">
  <button id="golive" disabled>Go live</button>
  <button id="end" disabled>End</button>
  <p>Viewers watch at <a id="watch"></a></p>
</fieldset>
<video id="preview" autoplay muted playsinline></video>
${chatPanel}`,
    'broadcast.client.js',
  );

export const watchPage = () =>
  layout(
    'Watch',
    `${signInForm}
<video id="player" autoplay muted playsinline controls></video>
${chatPanel}`,
    'watch.client.js',
  );
