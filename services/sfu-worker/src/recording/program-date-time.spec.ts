import { formatProgramDateTime, parseProgramDateTime, restampPlaylist, stampedSegments } from './program-date-time.js';

const FFMPEG = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT',
  '#EXT-X-INDEPENDENT-SEGMENTS', '#EXT-X-DISCONTINUITY',
  '#EXTINF:2.000000,', '#EXT-X-PROGRAM-DATE-TIME:2026-12-05T15:47:45.731+0000', 'segment-00000.ts',
  '#EXTINF:1.566667,', '#EXT-X-PROGRAM-DATE-TIME:2026-12-05T15:47:47.731+0000', 'segment-00001.ts', ''].join('\n');

describe('EXT-X-PROGRAM-DATE-TIME of a recording', () => {
  it('reads and writes the stamps in the form ffmpeg writes and reads', () => {
    const ms = Date.UTC(2026, 11, 5, 15, 47, 45, 731);
    expect(parseProgramDateTime('2026-12-05T15:47:45.731+0000')).toBe(ms);
    expect(parseProgramDateTime('2026-12-05T16:47:45.731+0100')).toBe(ms);
    expect(formatProgramDateTime(ms)).toBe('2026-12-05T15:47:45.731+0000');
  });

  it('lists each segment with its stamped start and duration', () => {
    expect(stampedSegments(FFMPEG)).toEqual([
      { uri: 'segment-00000.ts', startMs: Date.UTC(2026, 11, 5, 15, 47, 45, 731), durationMs: 2000 },
      { uri: 'segment-00001.ts', startMs: Date.UTC(2026, 11, 5, 15, 47, 47, 731), durationMs: expect.closeTo(1566.667, 6) },
    ]);
    expect(stampedSegments('#EXTM3U\n#EXTINF:2,\na.ts\n')[0].startMs).toBeNaN();
  });

  it('replaces only the stamps', () => {
    const out = restampPlaylist(FFMPEG, (s) => (s.uri === 'segment-00000.ts' ? s.startMs : s.startMs - 1450));
    expect(out).toBe(FFMPEG.replace('15:47:47.731', '15:47:46.281'));
    expect(restampPlaylist('#EXTM3U\n#EXTINF:2,\na.ts\n', () => 0)).toBe('#EXTM3U\n#EXTINF:2,\na.ts\n');
    expect(restampPlaylist(FFMPEG, () => NaN)).toBe(FFMPEG);
  });
});
