module.exports = {
  displayName: 'media-tickets',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
