module.exports = {
  displayName: 'sfu-worker',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
