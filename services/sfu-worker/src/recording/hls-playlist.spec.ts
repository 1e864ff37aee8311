import { finalizePlaylist, summarizePlaylist } from './hls-playlist.js';

const EVENT = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT',
  '#EXTINF:2.000000,', 'seg-00000.ts', '#EXTINF:2.000000,', 'seg-00001.ts', '#EXTINF:1.480000,', 'seg-00002.ts', ''].join('\n');

describe('HLS playlist of a recording', () => {
  it('sums segment durations and counts segments', () => {
    expect(summarizePlaylist(EVENT)).toEqual({ segments: 3, durationMs: 5480, ended: false });
  });

  it('turns a growing EVENT playlist into a VOD playlist with an end', () => {
    const vod = finalizePlaylist(EVENT);
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(vod).not.toContain('EVENT');
    expect(vod.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(summarizePlaylist(vod)).toEqual({ segments: 3, durationMs: 5480, ended: true });
    expect(finalizePlaylist(vod)).toBe(vod);
  });

  it('keeps the wall-clock stamps of the live playlist in the replay', () => {
    const live = EVENT.replace('#EXTINF:2.000000,\nseg-00000.ts', '#EXT-X-PROGRAM-DATE-TIME:2026-12-05T10:00:00.000+0000\n#EXTINF:2.000000,\nseg-00000.ts');
    expect(finalizePlaylist(live)).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-12-05T10:00:00.000+0000\n#EXTINF:2.000000,\nseg-00000.ts');
    expect(summarizePlaylist(finalizePlaylist(live)).segments).toBe(3);
  });

  it('adds the playlist type when ffmpeg wrote none', () => {
    expect(finalizePlaylist('#EXTM3U\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n')).toBe('#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n');
  });
});
