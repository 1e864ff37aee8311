module.exports = {
  displayName: 'chat',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
