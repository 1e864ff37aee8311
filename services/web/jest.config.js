// The web client's own specs: browser code that runs as is on Node 24 (its global WebSocket),
// against real servers. Pages themselves are tested in Chromium by services/edge.
export default {
  displayName: 'web',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
