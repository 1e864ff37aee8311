module.exports = {
  displayName: 'key-ring',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
