#!/bin/sh
# Last: what only makes sense once all packages are in.
set -eu
root=$1
. "$IMAGE_DIR/image.conf"

# The .deb's postinst enabled the kiosk; an image that does not boot into it is a broken image.
test -L "$root/etc/systemd/system/multi-user.target.wants/hall-kiosk.service"

if [ "$arch" = arm64 ]; then
    # The kernel mounts root read-only and systemd keeps it so (fstab); the raspi-firmware hook
    # always writes "rw".
    test -f "$root/boot/firmware/cmdline.txt"
    sed -i 's/ rw / ro /' "$root/boot/firmware/cmdline.txt"

    # A/B boot (docs/deployment.md, section 5): the firmware starts U-Boot, whose boot.scr picks
    # the root slot and loads that slot's own kernel and initrd; the firmware's kernel= and
    # initramfs lines for the FAT copies give way to it. build-image made boot.scr from
    # packaging/rauc/boot.cmd (mkimage runs on the build host).
    cp "$root/usr/lib/u-boot/rpi_arm64/u-boot.bin" "$root/boot/firmware/u-boot.bin"
    cp "$BOOT_SCR" "$root/boot/firmware/boot.scr"
    sed -i -e 's/^kernel=.*/kernel=u-boot.bin/' -e '/^initramfs /d' "$root/boot/firmware/config.txt"
    grep -qx 'kernel=u-boot.bin' "$root/boot/firmware/config.txt" || echo 'kernel=u-boot.bin' >>"$root/boot/firmware/config.txt"
    test -L "$root/vmlinuz" && test -L "$root/initrd.img"
fi
if [ "$arch" = amd64 ]; then
    # A/B boot on the PC build: GRUB on the ESP (the firmware's removable-media path, so no
    # NVRAM entry is needed) runs packaging/rauc/grub.cfg, embedded in BOOTX64.EFI, which
    # picks the slot from EFI/BOOT/grubenv and starts that slot's own /vmlinuz and /initrd.img.
    test -L "$root/vmlinuz" && test -L "$root/initrd.img"
    mkdir -p "$root/boot/firmware/EFI/BOOT"
    cp "$IMAGE_DIR/../rauc/grub.cfg" "$root/tmp/grub.cfg"
    chroot "$root" grub-mkstandalone --format=x86_64-efi --output=/boot/firmware/EFI/BOOT/BOOTX64.EFI \
        --modules="part_msdos ext2 fat loadenv test echo linux normal" --locales= --fonts= --themes= \
        "boot/grub/grub.cfg=/tmp/grub.cfg"
    # The same script for PCs that start in BIOS mode, and for QEMU/KVM on hosts whose nested
    # KVM cannot run OVMF (scripts/test-image): the MBR's boot.img and a core.img with every
    # module built in, which build-image writes into the gap before partition 1 (as
    # grub-install would, without a loop device); its prefix is the ESP, where it reads
    # grub/grub.cfg.
    mkdir -p "$root/boot/firmware/grub" "$root/usr/lib/hall-kiosk/bios"
    cp "$root/tmp/grub.cfg" "$root/boot/firmware/grub/grub.cfg"
    chroot "$root" grub-mkimage --format=i386-pc --output=/usr/lib/hall-kiosk/bios/core.img \
        --prefix='(hd0,msdos1)/grub' biosdisk part_msdos ext2 fat loadenv test echo linux normal serial terminal
    cp "$root/usr/lib/grub/i386-pc/boot.img" "$root/usr/lib/hall-kiosk/bios/boot.img"
    rm "$root/tmp/grub.cfg"
    # Slot A, as flashed, is good; B is empty until the first update. RAUC keeps these.
    chroot "$root" grub-editenv /boot/firmware/EFI/BOOT/grubenv set ORDER="A B" A_OK=1 B_OK=0 A_TRY=0 B_TRY=0
fi

# Names resolve through systemd-resolved (an /etc/resolv.conf written at run time would need a
# writable /etc).
ln -sf ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"

# The data partition's first contents, made from the root file system's own defaults; the
# mount points underneath keep the factory files as a fallback.
seed="$root/usr/share/hall-kiosk/data-seed"
mkdir -p "$seed/etc/hall-kiosk" "$seed/hall-kiosk" "$seed/timesync" "$seed/rauc"
chmod 0700 "$seed/rauc"  # RAUC's slot status (system.conf data-directory), root's
cp -a "$root/etc/hall-kiosk/." "$seed/etc/hall-kiosk/"
chown "$kiosk_uid:$kiosk_gid" "$seed/hall-kiosk"
chmod 0700 "$seed/hall-kiosk"
ts=$(chroot "$root" id -u systemd-timesync 2>/dev/null || echo 0)
chown "$ts:$ts" "$seed/timesync"
# The journal's own directory on the data partition (journald.conf.d/10-hall-kiosk.conf).
mkdir -p "$seed/journal"
jg=$(chroot "$root" getent group systemd-journal | cut -d: -f3)
chown "0:${jg:-0}" "$seed/journal"
chmod 2755 "$seed/journal"
# The optional journal upload (systemd-journal-upload.service.d/10-hall-kiosk.conf) runs as a
# fixed system user, not Debian's DynamicUser, so that its cursor can live on the data
# partition (the root, and so /var/lib, is read-only).
chroot "$root" getent passwd hall-journal-upload >/dev/null ||
    chroot "$root" useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin hall-journal-upload
mkdir -p "$seed/journal-upload"
ju=$(chroot "$root" id -u hall-journal-upload)
chown "$ju:$ju" "$seed/journal-upload"
chmod 0700 "$seed/journal-upload"

rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/log/"*.log
