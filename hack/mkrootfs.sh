#!/usr/bin/env bash
# Build a test bundle's root filesystem: hack/mkrootfs.sh DIR creates DIR/rootfs
# holding Debian's static busybox (/bin/busybox and one symlink per applet),
# /etc/passwd and /etc/group (root, user 1000, nobody), /tmp (1777), empty
# /proc /sys /dev mount points, and build/probe as /bin/probe when it is built.
# Everything is owned by root. Running it again refreshes the same tree.
set -euo pipefail

die() {
	echo "mkrootfs: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 DIR"
[ "$(id -u)" -eq 0 ] || die "run as root (the rootfs must be owned by root)"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bundle=$1
rootfs=$bundle/rootfs

# Debian's busybox-static; with merged /usr it also answers at /usr/bin.
bb=
for c in /bin/busybox /usr/bin/busybox; do
	if [ -x "$c" ] && dpkg -S "$c" 2>/dev/null | grep -q '^busybox-static:'; then
		bb=$c
		break
	fi
done
[ -n "$bb" ] || die "busybox-static is not installed (run hack/deps.sh)"
# A dynamic busybox would need the host's libc inside the rootfs.
if readelf -l "$bb" | grep -q 'INTERP'; then
	die "$bb is not statically linked"
fi

mkdir -p "$rootfs"
for d in bin etc root home/user proc sys dev tmp; do
	mkdir -p "$rootfs/$d"
done
chmod 0755 "$rootfs" "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
chmod 0700 "$rootfs/root"
chmod 1777 "$rootfs/tmp"

install -m 0755 "$bb" "$rootfs/bin/busybox.new"
mv -f "$rootfs/bin/busybox.new" "$rootfs/bin/busybox"
# Relative links: they resolve the same inside the container and from the host.
for applet in $("$rootfs/bin/busybox" --list); do
	[ "$applet" = busybox ] && continue
	ln -sfn busybox "$rootfs/bin/$applet"
done

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
EOF
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"

if [ -x "$here/build/probe" ]; then
	install -m 0755 "$here/build/probe" "$rootfs/bin/probe"
fi

chown -R 0:0 "$rootfs"
chown 1000:1000 "$rootfs/home/user"
