#!/bin/sh
# Before the kiosk .deb's postinst runs: the hall-kiosk user and group with the ids fixed in
# image.conf. adduser would pick the next free system uid, which can differ between two image
# builds, and the data partition (outbox, token) is shared by every root slot ever installed.
set -eu
root=$1
. "$IMAGE_DIR/image.conf"
grep -q '^hall-kiosk:' "$root/etc/passwd" && exit 0
days=$(( ${SOURCE_DATE_EPOCH:-$(date +%s)} / 86400 ))
echo "hall-kiosk:x:$kiosk_gid:" >>"$root/etc/group"
echo "hall-kiosk:!::" >>"$root/etc/gshadow"
echo "hall-kiosk:x:$kiosk_uid:$kiosk_gid::/var/lib/hall-kiosk:/usr/sbin/nologin" >>"$root/etc/passwd"
echo "hall-kiosk:!:$days::::::" >>"$root/etc/shadow"
