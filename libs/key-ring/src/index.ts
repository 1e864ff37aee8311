export { KEY_RING_ALGORITHM, KeyRing, keyRingTableSql, type KeyRingOptions, type SigningKey } from './key-ring.js';
