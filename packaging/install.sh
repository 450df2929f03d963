#!/bin/sh
# Install PhotoSearch from this unpacked folder for the current user, or remove it.
#
#   ./install.sh                      move (or, across disks, copy) this folder to
#                                     ~/.local/opt/PhotoSearch, add `photosearch` to
#                                     ~/.local/bin and the app to the desktop's menu
#   ./install.sh --uninstall          remove all three (your library stays)
#   ./install.sh --uninstall --purge  also remove your library, models, settings,
#                                     thumbnails and log, after asking
#
# PREFIX (default ~/.local/opt) and BIN_DIR (default ~/.local/bin) can be set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local/opt}
bin_dir=${BIN_DIR:-$HOME/.local/bin}
target="$prefix/PhotoSearch"
link="$bin_dir/photosearch"
data="${XDG_DATA_HOME:-$HOME/.local/share}/PhotoSearch"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/PhotoSearch"
state="${XDG_STATE_HOME:-$HOME/.local/state}/PhotoSearch"

ours() {  # the command in ~/.local/bin is this install's link (not, say, a pip install)
    [ -L "$link" ] && [ "$(readlink "$link")" = "$target/photosearch" ]
}

case "${1:-}${2:+ $2}" in
    "" | "--uninstall" | "--uninstall --purge") ;;
    *) echo "usage: ./install.sh [--uninstall [--purge]]" >&2; exit 2 ;;
esac

if [ "${1:-}" = "--uninstall" ]; then
    if [ -x "$target/photosearch" ]; then
        "$target/photosearch" --uninstall-desktop-entry || true
    fi
    if ours; then rm -f "$link"; fi
    rm -rf "$target" "$target.new"
    if [ "${2:-}" = "--purge" ]; then
        echo "This deletes your PhotoSearch library (catalog, faces, albums), models,"
        echo "settings, thumbnails and log — your photos are not touched:"
        echo "  $data"; echo "  $cache"; echo "  $state"
        printf "Delete them? [y/N] "
        read -r answer || answer=""
        case "$answer" in
            y | Y | yes | YES) rm -rf "$data" "$cache" "$state"; echo "PhotoSearch and its data removed." ;;
            *) echo "PhotoSearch removed; your library was kept." ;;
        esac
        exit 0
    fi
    echo "PhotoSearch removed. Your library, models and settings are kept in $data"
    echo "(thumbnails in $cache, the log in $state); ./install.sh --uninstall --purge"
    echo "removes them too."
    exit 0
fi

if [ ! -x "$here/photosearch" ]; then  # run from anywhere but an unpacked download
    echo "install.sh installs the unpacked PhotoSearch folder it is in; $here is not one." >&2
    exit 1
fi
mkdir -p "$prefix" "$bin_dir"
if [ "$here" != "$target" ]; then
    rm -rf "$target.new"
    # moved, not copied: 4 GB are not needed twice (a copy where it cannot move)
    if ! mv "$here" "$target.new" 2>/dev/null; then
        rm -rf "$target.new"
        cp -a "$here" "$target.new"
    fi
    rm -rf "$target"
    mv "$target.new" "$target"
fi
"$target/photosearch" --install-desktop-entry
if [ ! -e "$link" ] || ours; then
    ln -sf "$target/photosearch" "$link"
    echo "PhotoSearch installed in $target; start it from your menu or with: photosearch"
else
    echo "PhotoSearch installed in $target; start it from your menu or with:"
    echo "  $target/photosearch   ($link is another program and was left alone)"
fi
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "Note: $bin_dir is not on your PATH, so the command \`photosearch\` is not found"
       echo "until it is (log in again, or add it in your shell's profile). Meanwhile start"
       echo "PhotoSearch from your menu, or as $target/photosearch." ;;
esac
