module.exports = {
  displayName: 'service-tls',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
