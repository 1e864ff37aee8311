#!/bin/sh
# mmdebstrap --extract-hook for the images' base layer ($1: the extracted root). The extract
# variant runs no maintainer scripts (and skips --customize-hook), so this writes what they
# would: the account files with the app user, the CA bundle, the library cache, alternatives.
set -eu
r=$1
cp "$r/usr/share/base-passwd/passwd.master" "$r/etc/passwd"
cp "$r/usr/share/base-passwd/group.master" "$r/etc/group"
echo 'onair:x:10001:10001:OnAir:/nonexistent:/usr/sbin/nologin' >>"$r/etc/passwd"
echo 'onair:x:10001:' >>"$r/etc/group"
mkdir -p "$r/tmp" "$r/var/lib/onair" "$r/etc/ssl/certs"
chmod 1777 "$r/tmp"
chown 10001:10001 "$r/var/lib/onair"
# update-ca-certificates' bundle: every certificate Debian ships, in a fixed order.
find "$r/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat >"$r/etc/ssl/certs/ca-certificates.crt"
# BLAS/LAPACK (ffmpeg's libavfilter) are reached through update-alternatives links.
for d in blas lapack; do
  for f in "$r"/usr/lib/x86_64-linux-gnu/$d/lib*.so.3; do
    [ -e "$f" ] && ln -sf "$d/$(basename "$f")" "$r/usr/lib/x86_64-linux-gnu/$(basename "$f")"
  done
done
# Libraries in folders named by /etc/ld.so.conf.d (e.g. pulseaudio's) are found through the cache.
ldconfig -r "$r"
