module.exports = {
  displayName: 'proto',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/*.spec.ts'],
};
