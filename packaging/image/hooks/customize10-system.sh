#!/bin/sh
# The read-only kiosk system: mounts, volatile logs, network, no login on the screen.
# See docs/deployment.md for the partition layout these files assume.
set -eu
root=$1
. "$IMAGE_DIR/image.conf"
id=$(printf '%08x' "$disk_id")

cp -r --no-preserve=ownership "$IMAGE_DIR/overlay/." "$root/"

# Root is mounted read-only; everything that must change lives on the data partition
# (bind-mounted into place) or in RAM.
cat >"$root/etc/fstab" <<FSTAB
# <file system>             <mount point>              <type> <options>                                    <dump> <pass>
PARTUUID=$id-02              /                          ext4   ro,noatime,errors=remount-ro                  0 1
PARTUUID=$id-01              /boot/firmware             vfat   ro,noatime,umask=0077,fmask=0177,dmask=0077   0 2
PARTUUID=$id-04              /data                      ext4   rw,noatime,nosuid,nodev,noexec,commit=5       0 2
/data/hall-kiosk             /var/lib/hall-kiosk        none   bind,x-systemd.requires-mounts-for=/data      0 0
/data/etc/hall-kiosk         /etc/hall-kiosk            none   bind,x-systemd.requires-mounts-for=/data      0 0
/data/timesync               /var/lib/systemd/timesync  none   bind,x-systemd.requires-mounts-for=/data      0 0
/data/journal                /var/log/journal           none   bind,x-systemd.requires-mounts-for=/data,x-systemd.requires-mounts-for=/var/log 0 0
tmpfs                        /tmp                       tmpfs  mode=1777,nosuid,nodev,size=64M               0 0
tmpfs                        /var/tmp                   tmpfs  mode=1777,nosuid,nodev,size=16M               0 0
tmpfs                        /var/log                   tmpfs  mode=0755,nosuid,nodev,noexec,size=16M        0 0
FSTAB
# Every mount point must exist in the image: the root is read-only, so systemd cannot make
# one at boot, and a missing one stops the boot in emergency mode.
mkdir -p "$root/data" "$root/boot/firmware" "$root/var/lib/hall-kiosk" "$root/etc/hall-kiosk" \
    "$root/var/lib/systemd/timesync"

echo "$hostname" >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' "$hostname" >"$root/etc/hosts"
ln -sf "/usr/share/zoneinfo/$timezone" "$root/etc/localtime"
echo "$timezone" >"$root/etc/timezone"

systemctl --root="$root" enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service >/dev/null 2>&1
# The screen belongs to the kiosk: no login prompt on tty1, no spare consoles.
systemctl --root="$root" mask getty@tty1.service autovt@tty1.service >/dev/null 2>&1
# Nothing updates in place on a read-only root; updates are whole images (docs/deployment.md).
systemctl --root="$root" mask apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service e2scrub_all.timer e2scrub_reap.service >/dev/null 2>&1
# No remote shell by default: ssh is not in the package list; if a hook or dependency ever
# brings it in, it stays off.
for u in ssh.service ssh.socket sshd.service; do
    [ -e "$root/lib/systemd/system/$u" ] && systemctl --root="$root" disable --now "$u" >/dev/null 2>&1 || true
done

# The journal upload to the hall's collector is optional and off until hall IT sets its URL
# and keys; the remote receiver the same package brings is never wanted on a kiosk.
systemctl --root="$root" disable systemd-journal-upload.service >/dev/null 2>&1 || true
systemctl --root="$root" mask systemd-journal-remote.service systemd-journal-remote.socket >/dev/null 2>&1 || true
mkdir -p "$root/data"
# The doctor's report on the serial console after each boot (no shell needed to read it).
systemctl --root="$root" enable hall-kiosk-report.service >/dev/null 2>&1

if [ "$arch" = arm64 ]; then
    # The Pi firmware's kernel hook writes cmdline.txt and config.txt from these.
    cat >"$root/etc/default/raspi-firmware" <<RASPI
# The kiosk image: root by partition UUID, serial console only (tty1 shows the kiosk).
ROOTPART=PARTUUID=$id-02
CONSOLES="serial0,115200"
RASPI
    # Appended to cmdline.txt: no boot messages or cursor on the kiosk's screen.
    echo "quiet loglevel=3 vt.global_cursor_default=0" >"$root/etc/default/raspi-extra-cmdline"
fi
