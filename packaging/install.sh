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

if [ "${1:-}" = "--uninstall" ]; then
    if [ -x "$target/photosearch" ]; then
        "$target/photosearch" --uninstall-desktop-entry
    fi
    rm -f "$bin_dir/photosearch"
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
ln -sf "$target/photosearch" "$bin_dir/photosearch"
"$target/photosearch" --install-desktop-entry
echo "PhotoSearch installed in $target; start it from your menu or with: photosearch"
