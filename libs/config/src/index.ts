export { parseEnv, type Environment } from './env.js';
export { findProtoDir } from './proto-dir.js';
