#!/bin/sh
# Under qemu, mkinitramfs takes 10-20 minutes, and every package that triggers it (the kernel,
# udev, kmod, ...) would run it again. update-initramfs is diverted to a no-op while packages
# install, and run once at the end (customize80-initramfs.sh).
set -eu
root=$1
chroot "$root" dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.image-build --add /usr/sbin/update-initramfs
mkdir -p "$root/usr/sbin"
printf '#!/bin/sh\necho "update-initramfs: deferred to the end of the image build" >&2\n' >"$root/usr/sbin/update-initramfs"
chmod 0755 "$root/usr/sbin/update-initramfs"
