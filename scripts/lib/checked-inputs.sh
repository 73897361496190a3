# Shared by scripts/ci-arm and scripts/test-image (sourced, not run): a slow check that CI
# runs only when its inputs changed since it last passed here, recorded in a file under .ci/.
#     checked_inputs INPUT...            sets $fingerprint and $have (the inputs committed)
#     checked_unchanged STATE            true when STATE holds that fingerprint
#     checked_record STATE WHO           writes STATE after a successful run (commit it)
checked_inputs() {
    local i
    have=()
    for i in "$@"; do git cat-file -e "HEAD:$i" 2>/dev/null && have+=("$i"); done
    # Git's object ids of the committed inputs: a changed file anywhere below one changes it.
    fingerprint=$(for i in "${have[@]}"; do echo "$i $(git rev-parse "HEAD:$i")"; done | sha256sum | cut -c1-16)
    if [ -n "$(git status --porcelain -- "${have[@]}")" ]; then
        echo "$(basename "$0"): note: uncommitted changes in the inputs are used but not in the fingerprint" >&2
    fi
}
checked_unchanged() {
    [ -f "$1" ] && [ "$(sed -n 's/^fingerprint //p' "$1")" = "$fingerprint" ]
}
checked_date() { sed -n 's/^date //p' "$1"; }
checked_record() {
    mkdir -p "$(dirname "$1")"
    {
        echo "# Written by $2 --record after a successful run; commit it."
        echo "fingerprint $fingerprint"
        echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
        echo "commit $(git rev-parse --short HEAD)"
        echo "inputs ${have[*]}"
    } >"$1"
    echo "$(basename "$0"): recorded $fingerprint in $1"
}
