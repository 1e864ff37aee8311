export {
  internalTlsConfig,
  internalTlsEnv,
  kafkaConfig,
  kafkaEnv,
  listenEnv,
  LOG_LEVELS,
  observabilityEnv,
  postgresConfig,
  postgresEnv,
  requiredInternalTls,
  type InternalTlsFiles,
  type KafkaConfig,
  type LogLevel,
  type PostgresConfig,
} from './common-env.js';
export { parseEnv, type Environment } from './env.js';
export { findProtoDir } from './proto-dir.js';
export { localStateDir } from './local-state-dir.js';
