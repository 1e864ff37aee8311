// One jest run over every project: infrastructure is started once (tools/onair infra up)
// and shared; suites isolate themselves by schema, topic prefix and index prefix.
module.exports = {
  // A global option: the preset's own value is ignored under `projects`.
  testTimeout: 60000,
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/services/*/jest.config.js',
    '<rootDir>/deploy/helm/jest.config.js',
    '<rootDir>/deploy/docker/jest.config.js',
    '<rootDir>/proto/jest.config.js',
  ],
};
