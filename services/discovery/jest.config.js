module.exports = {
  displayName: 'discovery',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
