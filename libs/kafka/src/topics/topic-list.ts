/** One topic to create and its partition count. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/**
 * Parses `name:partitions,name:partitions,…` (the KAFKA_TOPICS of the topics Job). Whitespace
 * and newlines around entries are allowed, so a chart can render one topic per line. Throws on
 * a malformed entry or a topic named twice with different partitions: a typo must fail the Job,
 * not create a topic with a guessed size.
 */
export function parseTopicList(text: string): TopicSpec[] {
  const byName = new Map<string, number>();
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([A-Za-z0-9._-]+):(\d+)$/.exec(entry);
    if (!m) throw new Error(`"${entry}" is not <topic>:<partitions>`);
    const [, name, count] = m;
    const partitions = Number(count);
    if (partitions < 1) throw new Error(`${name}: partitions must be at least 1`);
    const seen = byName.get(name);
    if (seen !== undefined && seen !== partitions) throw new Error(`${name} is listed with ${seen} and ${partitions} partitions`);
    byName.set(name, partitions);
  }
  if (byName.size === 0) throw new Error('no topics given');
  return [...byName].map(([name, partitions]) => ({ name, partitions }));
}
