#!/bin/sh
# Install PhotoSearch from this unpacked folder for the current user, or remove it.
#
#   ./install.sh              copy to ~/.local/opt/PhotoSearch, add `photosearch` to
#                             ~/.local/bin and the app to the desktop's menu
#   ./install.sh --uninstall  remove all three (your catalog, models and settings stay)
#
# PREFIX (default ~/.local/opt) and BIN_DIR (default ~/.local/bin) can be set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local/opt}
bin_dir=${BIN_DIR:-$HOME/.local/bin}
target="$prefix/PhotoSearch"
link="$bin_dir/photosearch"

ours() {  # the command in ~/.local/bin is this install's link (not, say, a pip install)
    [ -L "$link" ] && [ "$(readlink "$link")" = "$target/photosearch" ]
}

if [ "${1:-}" = "--uninstall" ]; then
    if [ -x "$target/photosearch" ]; then
        "$target/photosearch" --uninstall-desktop-entry || true
    fi
    if ours; then rm -f "$link"; fi
    rm -rf "$target"
    echo "PhotoSearch removed. Your library (catalog, models, settings) is kept."
    exit 0
fi

mkdir -p "$prefix" "$bin_dir"
if [ "$here" != "$target" ]; then
    rm -rf "$target.new"
    cp -a "$here" "$target.new"
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
