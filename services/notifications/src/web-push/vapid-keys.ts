import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import * as webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair push services check every request against: the configured one, else the
 * pair kept in the schema, made by whichever pod boots first (the others read it: a browser's
 * subscription is bound to one public key).
 */
export async function loadVapidKeys(dataSource: DataSource, configured?: VapidKeys): Promise<VapidKeys> {
  if (configured) return configured;
  const made = webpush.generateVAPIDKeys();
  await dataSource.query('INSERT INTO vapid_key (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [made.publicKey, made.privateKey]);
  const [row] = (await dataSource.query('SELECT public_key, private_key FROM vapid_key WHERE id = 1')) as Array<{ public_key: string; private_key: string }>;
  if (row.public_key === made.publicKey) new Logger('VapidKeys').log('made a VAPID key pair (set NOTIFICATIONS_VAPID_* to use your own)');
  return { publicKey: row.public_key, privateKey: row.private_key };
}
