import { Client } from '@elastic/elasticsearch';
import { TestContext } from './test-context.js';

// Smoke test of the real Elasticsearch that tools/onair starts: index, then geo-query.
describe('Elasticsearch from tools/onair', () => {
  const ctx = TestContext.create('es_smoke');
  const es = new Client({ node: ctx.infra.esUrl });
  const index = `${ctx.indexPrefix}broadcasts`;

  afterAll(async () => {
    await es.close();
    await ctx.cleanup();
  });

  it('indexes a document with a geo_point and finds it by distance, not a far one', async () => {
    await es.indices.create({
      index,
      mappings: { properties: { title: { type: 'text' }, location: { type: 'geo_point' } } },
    });
    await es.index({ index, id: 'paris', document: { title: 'Live from Paris', location: { lat: 48.8566, lon: 2.3522 } } });
    await es.index({ index, id: 'tokyo', document: { title: 'Live from Tokyo', location: { lat: 35.6762, lon: 139.6503 } } });
    await es.indices.refresh({ index });

    const near = await es.search<{ title: string }>({
      index,
      query: { bool: { filter: { geo_distance: { distance: '50km', location: { lat: 48.86, lon: 2.35 } } } } },
    });
    expect(near.hits.hits.map((h) => h._id)).toEqual(['paris']);

    const box = await es.search({
      index,
      query: { geo_bounding_box: { location: { top_left: { lat: 40, lon: 130 }, bottom_right: { lat: 30, lon: 145 } } } },
    });
    expect(box.hits.hits.map((h) => h._id)).toEqual(['tokyo']);
  });

  it("cleanup() deletes the suite's indices, aliases and templates, and nobody else's", async () => {
    const other = TestContext.create('es_other');
    const mine = TestContext.create('es_mine');
    const theirs = `${other.indexPrefix}kept`;
    await es.indices.create({ index: theirs });
    await es.indices.create({ index: `${mine.indexPrefix}a`, aliases: { [`${mine.indexPrefix}live`]: {} } });
    await es.indices.create({ index: `${mine.indexPrefix}b` });
    await es.indices.putIndexTemplate({ name: `${mine.indexPrefix}template`, index_patterns: [`${mine.indexPrefix}x-*`] });
    expect((await mine.indices()).sort()).toEqual([`${mine.indexPrefix}a`, `${mine.indexPrefix}b`]);

    await mine.cleanup();
    expect(await mine.indices()).toEqual([]);
    expect(await es.indices.existsAlias({ name: `${mine.indexPrefix}live` })).toBe(false);
    expect(await es.indices.existsIndexTemplate({ name: `${mine.indexPrefix}template` })).toBe(false);
    expect(await es.indices.exists({ index: theirs })).toBe(true);
    await other.cleanup();
    expect(await es.indices.exists({ index: theirs })).toBe(false);
  });
});
