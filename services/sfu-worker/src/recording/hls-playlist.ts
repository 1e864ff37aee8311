/** What a recording's playlist holds, read back from the file ffmpeg wrote. */
export interface PlaylistSummary {
  segments: number;
  durationMs: number;
  ended: boolean;
}

export function summarizePlaylist(text: string): PlaylistSummary {
  let segments = 0;
  let seconds = 0;
  for (const line of text.split('\n')) {
    const m = /^#EXTINF:([0-9.]+)/.exec(line.trim());
    if (m) {
      segments++;
      seconds += Number(m[1]);
    }
  }
  return { segments, durationMs: Math.round(seconds * 1000), ended: /^#EXT-X-ENDLIST\s*$/m.test(text) };
}

/**
 * ffmpeg records an EVENT playlist (playable while it grows); once the recording stops it
 * becomes a VOD playlist: type VOD, and #EXT-X-ENDLIST even if ffmpeg was killed before
 * writing its trailer.
 */
export function finalizePlaylist(text: string): string {
  let out = text.replace(/^#EXT-X-PLAYLIST-TYPE:EVENT\s*$/m, '#EXT-X-PLAYLIST-TYPE:VOD');
  if (!/^#EXT-X-PLAYLIST-TYPE:/m.test(out)) out = out.replace(/^#EXTM3U\s*$/m, '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD');
  if (!/^#EXT-X-ENDLIST\s*$/m.test(out)) out = `${out.replace(/\n*$/, '\n')}#EXT-X-ENDLIST\n`;
  return out;
}
