// A person's picture, or the first letter of their name in a circle when they have none. The
// alt text is empty: the name is always written next to it, so reading it twice adds nothing.
export function ProfileAvatar({ src, name, size = 'medium' }: { src: string | null | undefined; name: string; size?: 'medium' | 'large' }) {
  return src ? (
    <img class={`avatar avatar-${size}`} src={src} alt="" width={size === 'large' ? 96 : 64} height={size === 'large' ? 96 : 64} />
  ) : (
    <span class={`avatar avatar-${size} avatar-initial`} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}

/** The avatar's URL made new after an upload: identity lets caches keep an image for a minute. */
export const freshAvatarUrl = (url: string | null, version: number) => (url && version ? `${url}?v=${version}` : url);
