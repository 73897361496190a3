# Shared by scripts/test-deb and scripts/build-image (sourced, not run): installing host
# packages, running arm64 chroots through qemu-user-static, and mounts that are undone on
# any exit, so a failed run never leaves /proc or /dev mounted inside a tree under /tmp.

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Debian 12's own mirrors, the only ones a build machine or CI reaches.
DEBIAN_MIRRORS=(
    "deb http://deb.debian.org/debian bookworm main"
    "deb http://deb.debian.org/debian bookworm-updates main"
    "deb http://deb.debian.org/debian-security bookworm-security main"
)

# need_packages PKG...: apt-get installs the ones that are missing, nothing else.
need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "$(basename "$0"): installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Undo stack: every mount or temporary tree pushes its own undo, run newest first on exit.
_UNDO=()
undo_push() { _UNDO+=("$1"); }
undo_all() {
    local i
    for ((i = ${#_UNDO[@]} - 1; i >= 0; i--)); do
        eval "${_UNDO[i]}" || echo "$(basename "$0"): cleanup failed: ${_UNDO[i]}" >&2
    done
    _UNDO=()
}
trap undo_all EXIT
trap 'exit 130' INT TERM

# need_binfmt ARCH: a foreign chroot runs through the kernel's binfmt_misc and qemu-user-static
# (registered with the F flag, so nothing has to be copied into the chroot). On machines
# without systemd's automount, binfmt_misc is not even mounted; unmounting it again drops the
# registrations, so that happens only at the very end.
need_binfmt() {
    local arch=$1
    [ "$arch" = "$(dpkg --print-architecture)" ] && return 0
    local q
    case "$arch" in
        arm64) q=aarch64 ;;
        armhf) q=arm ;;
        *) echo "no qemu for $arch" >&2; return 1 ;;
    esac
    need_packages qemu-user-static binfmt-support arch-test
    if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
        $SUDO mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
        undo_push "$SUDO umount /proc/sys/fs/binfmt_misc"
    fi
    if ! arch-test "$arch" >/dev/null 2>&1; then
        $SUDO update-binfmts --enable "qemu-$q" >/dev/null 2>&1 || true
    fi
    arch-test "$arch" >/dev/null || { echo "binfmt for $arch not working (qemu-$q)" >&2; return 1; }
}

# chroot_mounts ROOT: what apt and maintainer scripts need inside; undone on exit.
chroot_mounts() {
    local root=$1
    $SUDO mount -t proc proc "$root/proc"
    undo_push "$SUDO umount -l '$root/proc'"
    $SUDO mount --bind /dev "$root/dev"
    undo_push "$SUDO umount -l '$root/dev'"
    $SUDO mount --bind /dev/pts "$root/dev/pts"
    undo_push "$SUDO umount -l '$root/dev/pts'"
    $SUDO mount -t tmpfs tmpfs "$root/run"
    undo_push "$SUDO umount -l '$root/run'"
}

# in_root ROOT CMD...: runs CMD in the chroot with a clean environment.
in_root() {
    local root=$1
    shift
    $SUDO chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
}

# base_tarball ARCH TAR [VARIANT] [INCLUDE]: a minimal Debian 12 made by mmdebstrap, kept as
# TAR and made again only when older than a week (security updates), so reruns take seconds.
base_tarball() {
    local arch=$1 tar=$2 variant=${3:-apt} include=${4:-}
    if [ -s "$tar" ] && [ -n "$(find "$tar" -mtime -7)" ]; then
        return 0
    fi
    need_packages mmdebstrap
    need_binfmt "$arch"
    mkdir -p "$(dirname "$tar")"
    echo "$(basename "$0"): making the $arch base ($variant) with mmdebstrap: $tar" >&2
    local args=(--quiet --mode=root --format=tar --variant="$variant" --architectures="$arch")
    [ -n "$include" ] && args+=(--include="$include")
    $SUDO mmdebstrap "${args[@]}" bookworm "$tar.part" "${DEBIAN_MIRRORS[@]}"
    mv "$tar.part" "$tar"
}

# elapsed START: seconds since START (date +%s), for the timings the scripts print.
elapsed() { echo "$(($(date +%s) - $1)) s"; }
