module.exports = {
  displayName: 'grpc-service',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
