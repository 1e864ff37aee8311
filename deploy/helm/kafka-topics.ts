// The Kafka topics OnAir needs, as the code defines them, for the umbrella chart's specs: every
// event's topic (libs/contracts: each event descriptor holds its topic) and the dead-letter topic
// `<group>.dlq` of every consumer group that has one (libs/kafka's KafkaEventServer and
// EventBatchConsumer; InstanceEventReader groups have none).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as contracts from '@onair/contracts';
import { REPO_ROOT } from './chart-rendering';

export function eventTopics(): string[] {
  const topics = Object.values(contracts)
    .filter((v): v is { name: string; topic: string; schema: unknown; key: unknown } =>
      typeof v === 'object' && v !== null && typeof (v as { topic?: unknown }).topic === 'string' && typeof (v as { key?: unknown }).key === 'function')
    .map((d) => d.topic);
  return [...new Set(topics)].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !/\.(spec|int-spec|test-app)\.ts$|\.e2e\./.test(e.name) ? [path] : [];
  });
}

// The groups are string literals at the call sites (or a constant, or discovery's small
// `consumer('<group>', …)` helper). A file that starts such a consumer but yields no group here
// fails the spec, so a new way of naming a group cannot slip past this scan.
const STARTS_CONSUMER = /connectKafkaConsumer\(|new EventBatchConsumer\(|new KafkaEventServer\(/;
const GROUP_LITERAL = /groupId:\s*'([a-z0-9.-]+)'|\bconsumer\('([a-z0-9.-]+)'/g;
const GROUP_CONSTANT = /groupId:\s*([A-Z][A-Z0-9_]+)/g;

export function deadLetterTopics(): string[] {
  const servicesDir = join(REPO_ROOT, 'services');
  const files = readdirSync(servicesDir).flatMap((svc) => {
    try {
      return sourceFiles(join(servicesDir, svc, 'src'));
    } catch {
      return [];
    }
  });
  const constants = new Map<string, string>();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/export const ([A-Z][A-Z0-9_]+)\s*=\s*'([a-z0-9.-]+)'/g)) constants.set(m[1], m[2]);
  }
  const groups = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (!STARTS_CONSUMER.test(text)) continue;
    const found = [...text.matchAll(GROUP_LITERAL)].map((m) => m[1] ?? m[2]);
    for (const m of text.matchAll(GROUP_CONSTANT)) {
      const value = constants.get(m[1]);
      if (!value) throw new Error(`${f}: consumer group constant ${m[1]} not found as an exported string`);
      found.push(value);
    }
    if (found.length === 0) throw new Error(`${f} starts a Kafka consumer but no group name was found in it: teach deploy/helm/kafka-topics.ts its form`);
    for (const g of found) groups.add(g);
  }
  return [...groups].map((g) => `${g}.dlq`).sort();
}

export function expectedTopics(): string[] {
  return [...new Set([...eventTopics(), ...deadLetterTopics()])].sort();
}
