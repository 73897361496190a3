#!/bin/sh
# A/B updates with RAUC (docs/deployment.md, section 5): RAUC's system.conf and the operator's
# CA, the bootloader's environment tool behind a wrapper for the read-only boot partition,
# and the kiosk's update units. The boot files (Pi: u-boot.bin, boot.scr, config.txt's
# kernel=; PC: GRUB's BOOTX64.EFI and grubenv) are made in customize90-finish.sh, once the
# kernel and firmware hooks have run.
set -eu
root=$1
. "$IMAGE_DIR/image.conf"
rauc=$IMAGE_DIR/../rauc
# The Pi: U-Boot and fw_setenv; the PC build: GRUB and grub-editenv.
case "$arch" in
    arm64) conf=system.conf env_tool=fw_setenv ;;
    amd64) conf=system-pc.conf env_tool=grub-editenv ;;
esac
install -D -m 0644 "$rauc/$conf" "$root/etc/rauc/system.conf"
# build-image passes the CA (--rauc-keyring); the image accepts bundles signed under it only.
install -D -m 0644 "$RAUC_KEYRING" "$root/etc/rauc/ca.cert.pem"
[ "$arch" != arm64 ] || install -D -m 0644 "$rauc/fw_env.config" "$root/etc/fw_env.config"
install -D -m 0755 "$rauc/boot-env-writer" "$root/usr/lib/hall-kiosk/rauc/$env_tool"
install -D -m 0644 "$rauc/hawkbit.conf.example" "$root/usr/share/hall-kiosk/rauc-hawkbit-updater.conf.example"
systemctl --root="$root" enable hall-kiosk-update.timer hall-kiosk-mark-good.service >/dev/null 2>&1
