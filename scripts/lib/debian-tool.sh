# Shared by scripts/check-monitoring and scripts/fleet-sim (sourced, not run): a program from a
# Debian package without installing the package (no postinst, no service started), unpacked
# once into a cache.
#     tool=$(debian_tool prometheus usr/bin/promtool) || exit 1
# On PATH already: that one. Needs apt-get (and root for a first `apt-get update`).
debian_tool() {
    local package=$1 path=$2 name cache dl log
    name=$(basename "$path")
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return
    fi
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/hall-kiosk/$package
    if [ -x "$cache/$path" ]; then
        echo "$cache/$path"
        return
    fi
    echo "$(basename "$0"): $name not found: unpacking it from Debian's $package package" >&2
    command -v apt-get >/dev/null || { echo "$(basename "$0"): no apt-get: install $package by hand" >&2; return 1; }
    dl=$(mktemp -d)
    log=$dl/apt.log
    mkdir -p "$cache"
    if ! (cd "$dl" && apt-get download "$package" >"$log" 2>&1); then
        # An old or empty package list: refresh it once (root only) and try again.
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >"$log" 2>&1 || true
            (cd "$dl" && apt-get download "$package" >>"$log" 2>&1) || { cat "$log" >&2; rm -rf "$dl"; return 1; }
        else
            cat "$log" >&2
            echo "$(basename "$0"): run 'apt-get update' as root, or install $package" >&2
            rm -rf "$dl"
            return 1
        fi
    fi
    dpkg-deb --fsys-tarfile "$dl/${package}"_*.deb | tar -x -C "$cache" "./$path"
    rm -rf "$dl"
    [ -x "$cache/$path" ] || { echo "$(basename "$0"): the $package package has no $path" >&2; return 1; }
    echo "$cache/$path"
}
