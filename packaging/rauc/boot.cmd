# hall kiosk: U-Boot boot script choosing the root slot for RAUC (system.conf: bootloader=uboot).
# Made into boot.scr on the boot partition (p1), which U-Boot's distro boot runs:
#     mkimage -A arm64 -T script -C none -n "hall kiosk A/B" -d boot.cmd boot.scr
# The firmware loads U-Boot (config.txt: kernel=u-boot.bin from Debian's u-boot-rpi, rpi_arm64
# build), U-Boot's environment lives in uboot.env on p1 (16 KiB), which Linux reads and writes
# with fw_printenv / fw_setenv (/etc/fw_env.config). RAUC sets:
#     BOOT_ORDER       "A B" or "B A": the primary slot first
#     BOOT_A_LEFT      tries left for slot A (3 when RAUC activates or marks it good, 0 = bad)
#     BOOT_B_LEFT      the same for B
# Each boot takes one try from the first slot in BOOT_ORDER that has one and saves that before
# the kernel runs, so a slot that never reaches `rauc status mark-good` (panic, reset by the
# watchdog, or a reboot because the kiosk never became ready) is left after 3 tries and the
# other slot boots: rollback. Kernel and initrd come from the chosen slot's own ext4 (Debian's
# /vmlinuz and /initrd.img links), the device tree from the Pi firmware (${fdt_addr}).
# Follows RAUC's contrib/uboot.sh. Not yet run on a Raspberry Pi (docs/deployment.md).

test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3
test -n "${devtype}" || setenv devtype mmc
test -n "${devnum}" || setenv devnum 0

setenv rauc_slot
setenv rauc_part
for BOOT_SLOT in "${BOOT_ORDER}"; do
  if test -n "${rauc_slot}"; then
    # a slot is chosen
  elif test "x${BOOT_SLOT}" = "xA"; then
    if test ${BOOT_A_LEFT} -gt 0; then
      setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
      setenv rauc_slot A
      setenv rauc_part 2
    fi
  elif test "x${BOOT_SLOT}" = "xB"; then
    if test ${BOOT_B_LEFT} -gt 0; then
      setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
      setenv rauc_slot B
      setenv rauc_part 3
    fi
  fi
done

if test -z "${rauc_slot}"; then
  echo "hall-kiosk: no root slot has a try left; 3 more for each, then reset"
  setenv BOOT_A_LEFT 3
  setenv BOOT_B_LEFT 3
  saveenv
  reset
fi

# Count the try before the kernel runs.
saveenv
echo "hall-kiosk: booting root slot ${rauc_slot} (partition ${rauc_part}); order ${BOOT_ORDER}; tries left: A ${BOOT_A_LEFT}, B ${BOOT_B_LEFT}"

# The image's cmdline.txt, with the slot's root partition (PARTUUID = MBR id 6b696f73, see
# packaging/image/image.conf) and rauc.slot= so RAUC knows which slot runs; panic=10 turns a
# kernel panic into a reset, i.e. into a used try.
setenv bootargs "console=ttyS1,115200 root=PARTUUID=6b696f73-0${rauc_part} rootfstype=ext4 ro rootwait rauc.slot=${rauc_slot} panic=10 quiet loglevel=3 vt.global_cursor_default=0"

# Debian's arm64 kernel may be gzip-compressed: booti then needs a scratch area.
setenv kernel_comp_addr_r 0x0a000000
setenv kernel_comp_size 0x04000000
if load ${devtype} ${devnum}:${rauc_part} ${kernel_addr_r} /vmlinuz || load ${devtype} ${devnum}:${rauc_part} ${kernel_addr_r} /boot/vmlinuz; then
  if load ${devtype} ${devnum}:${rauc_part} ${ramdisk_addr_r} /initrd.img || load ${devtype} ${devnum}:${rauc_part} ${ramdisk_addr_r} /boot/initrd.img; then
    booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdt_addr}
  fi
fi

# Only reached if the slot has no kernel or it did not start: that try is used, try again.
echo "hall-kiosk: slot ${rauc_slot} did not boot; reset"
reset
