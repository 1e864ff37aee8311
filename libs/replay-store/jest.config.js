module.exports = {
  displayName: 'replay-store',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
