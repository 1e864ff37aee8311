/**
 * The recording's playlist as a live player must see it. Between the publisher leaving and the
 * broadcast ending (the grace in which they may come back), the SFU has already finalised the
 * recording (VOD, #EXT-X-ENDLIST); while the broadcast is live it is served as a growing EVENT
 * playlist still, so players keep polling rather than stop at an end that may not be one.
 */
export function asLivePlaylist(text: string): string {
  return text.replace(/^#EXT-X-PLAYLIST-TYPE:VOD[ \t]*$/m, '#EXT-X-PLAYLIST-TYPE:EVENT').replace(/^#EXT-X-ENDLIST[ \t]*\r?\n?/gm, '');
}


/**
 * What a cache may do with a live file. The playlist changes every segment (~2 s): a second at
 * most. A segment never changes once its name is listed (the recorder renames it into place
 * complete): a day, immutable. Shared caches (a CDN) only for public broadcasts; the others'
 * answers depend on who asks.
 */
export function cacheControlOf(file: 'playlist' | 'segment', isPublic: boolean): string {
  const scope = isPublic ? 'public' : 'private';
  return file === 'playlist' ? `${scope}, max-age=1` : `${scope}, max-age=86400, immutable`;
}
