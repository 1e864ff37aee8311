module.exports = {
  displayName: 'websocket',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
