export default {
  displayName: 'postgres',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
