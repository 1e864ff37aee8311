/** A segment of an HLS playlist with the wall-clock start its EXT-X-PROGRAM-DATE-TIME claims. */
export interface StampedSegment {
  uri: string;
  /** NaN when the segment has no (readable) EXT-X-PROGRAM-DATE-TIME. */
  startMs: number;
  durationMs: number;
}

const PDT = '#EXT-X-PROGRAM-DATE-TIME:';

/** ffmpeg writes `2026-12-05T15:47:45.731+0000`; Date.parse wants the zone as `+00:00`. */
export function parseProgramDateTime(value: string): number {
  return Date.parse(value.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The form ffmpeg writes (in UTC), so that ffmpeg reads it back when it appends to the playlist. */
export function formatProgramDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** Segments in playlist order. ffmpeg puts the stamp between #EXTINF and the URI. */
export function stampedSegments(text: string): StampedSegment[] {
  const segments: StampedSegment[] = [];
  let startMs = NaN;
  let durationMs = NaN;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith(PDT)) startMs = parseProgramDateTime(line.slice(PDT.length));
    else if (line.startsWith('#EXTINF:')) durationMs = Number(/^#EXTINF:([0-9.]+)/.exec(line)?.[1]) * 1000;
    else if (line && !line.startsWith('#')) {
      segments.push({ uri: line, startMs, durationMs });
      startMs = NaN;
      durationMs = NaN;
    }
  }
  return segments;
}

/**
 * The playlist with every segment's EXT-X-PROGRAM-DATE-TIME replaced by `startOf(segment)`;
 * nothing else changes. A segment without a stamp stays without one, and one `startOf` has no
 * time for (NaN) keeps its own.
 */
export function restampPlaylist(text: string, startOf: (segment: StampedSegment) => number): string {
  const lines = text.split('\n');
  const segments = stampedSegments(text);
  let next = 0;
  let stampLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith(PDT)) stampLine = i;
    else if (line && !line.startsWith('#')) {
      const startMs = startOf(segments[next++]);
      if (stampLine >= 0 && Number.isFinite(startMs)) lines[stampLine] = `${PDT}${formatProgramDateTime(startMs)}`;
      stampLine = -1;
    }
  }
  return lines.join('\n');
}
