import { parseTopicList } from './topic-list';

describe('parseTopicList', () => {
  it('reads name:partitions entries separated by commas or lines', () => {
    expect(parseTopicList(' a.v1:6,\n b-c.dlq:24 ,\n')).toEqual([
      { name: 'a.v1', partitions: 6 },
      { name: 'b-c.dlq', partitions: 24 },
    ]);
  });

  it('accepts the same topic twice with the same partitions', () => {
    expect(parseTopicList('a:6,a:6')).toEqual([{ name: 'a', partitions: 6 }]);
  });

  it.each([
    ['', /no topics/],
    ['a', /not <topic>:<partitions>/],
    ['a:x', /not <topic>:<partitions>/],
    ['a b:3', /not <topic>:<partitions>/],
    ['a:0', /at least 1/],
    ['a:6,a:12', /listed with 6 and 12/],
  ])('refuses %j', (text, error) => {
    expect(() => parseTopicList(text)).toThrow(error);
  });
});
