import { replayContentType } from '@onair/replay-store';
import { asLivePlaylist, cacheControlOf } from './live-playlist.js';

const HEAD = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
const SEGMENTS = ['#EXT-X-PROGRAM-DATE-TIME:2026-12-05T10:00:00.000+0000', '#EXTINF:2.000000,', 'segment-00000.ts'];

describe('the live playlist', () => {
  it('serves a growing EVENT playlist as it is', () => {
    const event = [...HEAD, '#EXT-X-PLAYLIST-TYPE:EVENT', ...SEGMENTS, ''].join('\n');
    expect(asLivePlaylist(event)).toBe(event);
  });

  it('serves a recording finalised while the broadcast waits for its publisher as still growing', () => {
    const vod = [...HEAD, '#EXT-X-PLAYLIST-TYPE:VOD', ...SEGMENTS, '#EXT-X-ENDLIST', ''].join('\n');
    expect(asLivePlaylist(vod)).toBe([...HEAD, '#EXT-X-PLAYLIST-TYPE:EVENT', ...SEGMENTS, ''].join('\n'));
  });

  it('names content types and cache rules by file', () => {
    expect(replayContentType('index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(replayContentType('segment-00012.ts')).toBe('video/mp2t');
    expect(cacheControlOf('playlist', true)).toBe('public, max-age=1');
    expect(cacheControlOf('segment', true)).toBe('public, max-age=86400, immutable');
    expect(cacheControlOf('segment', false)).toBe('private, max-age=86400, immutable');
  });
});
