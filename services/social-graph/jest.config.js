module.exports = {
  displayName: 'social-graph',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
