module.exports = {
  displayName: 'stream-sessions',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
