#!/usr/bin/env bash
# install.out_of_tree: install flue from <build dir> into a fresh prefix,
# then build and run a project outside the tree against it, through the
# CMake package (flue::flue, flue_add_program) and through pkg-config.
# Usage: run.sh <flue build dir> <flue source dir> <work dir>
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/flue-build"
cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
      -DFLUE_EXAMPLES="$src/examples" >/dev/null
cmake --build "$work/consumer" -j2 >/dev/null
"$work/consumer/plain"
"$work/consumer/driver/driver"
# pkg-config: the same plain program, compiled by hand.
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" cc -std=c11 -o "$work/plain-pc" "$src/tests/install/plain.c" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs --static flue)
"$work/plain-pc"
echo "install.out_of_tree: ok"
