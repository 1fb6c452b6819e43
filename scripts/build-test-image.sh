#!/usr/bin/env bash
# Builds the local busybox image that Docker tests run (berth-test/busybox:latest).
# No registry is reachable in CI, so the image is made from the host's static busybox
# with `docker import`; nothing is ever pulled. Re-running is a no-op while the
# image carries the same fingerprint (busybox binary + this script).
#
# Usage: scripts/build-test-image.sh [--force]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images_ts="$repo_root/test/support/images.ts"
fingerprint_label="io.berth.test-image.fingerprint"

now_ms() { date +%s%3N; }
started_ms="$(now_ms)"
elapsed() { echo "$(( $(now_ms) - started_ms )) ms"; }
die() { echo "build-test-image: $*" >&2; exit 1; }

# The image name lives only in test/support/images.ts, which the tests import.
image="$(sed -n "s/^export const TEST_IMAGE = '\([^']*\)';\$/\1/p" "$images_ts")"
[[ -n "$image" && "$image" != *$'\n'* ]] || die "cannot read TEST_IMAGE from $images_ts"

force=0
[[ "${1:-}" == "--force" ]] && force=1

busybox="${BUSYBOX:-$(command -v busybox || true)}"
[[ -n "$busybox" && -x "$busybox" ]] || die "busybox not found (apt-get install busybox-static)"
busybox="$(readlink -f "$busybox")"
# A dynamically linked busybox (Debian's 'busybox' package) cannot run in an empty rootfs.
ldd_out="$(ldd "$busybox" 2>&1 || true)"
if [[ "$ldd_out" != *"not a dynamic executable"* ]]; then
  die "$busybox is dynamically linked; install busybox-static"
fi

docker version >/dev/null 2>&1 || die "no Docker engine answers (start one: bash .ci/run, or dockerd &)"

fingerprint="$(cat "$busybox" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
current="$(docker image inspect --format "{{ index .Config.Labels \"$fingerprint_label\" }}" "$image" 2>/dev/null || true)"
old_id="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
if [[ $force -eq 0 && "$current" == "$fingerprint" ]]; then
  echo "build-test-image: $image is up to date (checked in $(elapsed))"
  exit 0
fi

rootfs="$(mktemp -d "${TMPDIR:-/tmp}/berth-test-rootfs.XXXXXX")"
trap 'rm -rf "$rootfs"' EXIT

mkdir -p "$rootfs"/{bin,etc,root,tmp,proc,sys,dev}
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
# One symlink per applet, all in /bin (it is on every container's default PATH).
while read -r applet; do
  [[ -z "$applet" || "$applet" == "busybox" ]] && continue
  ln -s busybox "$rootfs/bin/$applet"
done < <("$busybox" --list)

cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP

tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    --change "LABEL $fingerprint_label=$fingerprint" \
    --message "berth test image from $busybox" \
    - "$image" >/dev/null

# The replaced image would linger as <none>; it stays only if a container still uses it.
if [[ -n "$old_id" ]]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi

applets="$(find "$rootfs/bin" -type l | wc -l)"
echo "build-test-image: built $image ($applets applets, $("$busybox" | head -n1 | cut -d' ' -f1-2)) in $(elapsed)"
