#!/bin/sh
# Before the kiosk .deb's postinst runs: the hall-kiosk user and groups from the package's
# own sysusers.d line (packaging/debian/hall-kiosk.sysusers), with the ids fixed in
# image.conf by an /etc/sysusers.d/hall-kiosk.conf of the same name, which overrides the
# package's file. Left to itself sysusers picks the next free system uid, which can differ
# between two image builds, and the data partition (outbox, token) is shared by every root
# slot ever installed. The package's postinst runs systemd-sysusers again and finds the
# user there.
set -eu
root=$1
. "$IMAGE_DIR/image.conf"
install -d -m 0755 "$root/etc/sysusers.d"
# sysusers creates a user's group only when it picks the ids itself: a fixed gid needs its
# group first ("please create GID 990" otherwise).
{
    echo "g hall-kiosk $kiosk_gid"
    sed "s|^u hall-kiosk - |u hall-kiosk $kiosk_uid:$kiosk_gid |" "$IMAGE_DIR/../debian/hall-kiosk.sysusers"
} >"$root/etc/sysusers.d/hall-kiosk.conf"
grep -q "^u hall-kiosk $kiosk_uid:$kiosk_gid " "$root/etc/sysusers.d/hall-kiosk.conf"
systemd-sysusers --root="$root"
