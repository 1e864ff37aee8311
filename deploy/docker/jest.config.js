module.exports = {
  displayName: 'images',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/*.spec.ts', '<rootDir>/*.int-spec.ts'],
};
