#!/bin/sh
# A/B updates with RAUC (docs/deployment.md, section 5): RAUC's system.conf and the operator's
# CA, U-Boot's environment tools, the fw_setenv wrapper for the read-only boot partition, and
# the kiosk's update units. The boot files (u-boot.bin, boot.scr, config.txt's kernel=) are
# set in customize90-finish.sh, after the firmware hook wrote config.txt.
set -eu
root=$1
rauc=$IMAGE_DIR/../rauc
install -D -m 0644 "$rauc/system.conf" "$root/etc/rauc/system.conf"
# build-image passes the CA (--rauc-keyring); the image accepts bundles signed under it only.
install -D -m 0644 "$RAUC_KEYRING" "$root/etc/rauc/ca.cert.pem"
install -D -m 0644 "$rauc/fw_env.config" "$root/etc/fw_env.config"
install -D -m 0755 "$rauc/fw_setenv" "$root/usr/lib/hall-kiosk/rauc/fw_setenv"
install -D -m 0644 "$rauc/hawkbit.conf.example" "$root/usr/share/hall-kiosk/rauc-hawkbit-updater.conf.example"
systemctl --root="$root" enable hall-kiosk-update.timer hall-kiosk-mark-good.service >/dev/null 2>&1
