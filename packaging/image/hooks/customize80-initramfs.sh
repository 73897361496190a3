#!/bin/sh
# The one initramfs run (see essential20-defer-initramfs.sh); its post-update hook from
# raspi-firmware copies kernel, initrd and device trees to /boot/firmware and writes
# config.txt and cmdline.txt.
set -eu
root=$1
rm -f "$root/usr/sbin/update-initramfs"
chroot "$root" dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.image-build --remove /usr/sbin/update-initramfs
chroot "$root" update-initramfs -c -k all
