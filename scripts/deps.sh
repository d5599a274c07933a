#!/usr/bin/env bash
# Installs the Debian packages flue's build, tests and proofs need, if missing.
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail

pkgs=(
  make cmake gcc clang                       # host build (gcc and clang)
  lld wabt                                   # wasm32 guests (clang + wasm-ld), wasm2c for flue-build
  pkgconf                                    # the install test checks flue.pc
  libcmocka-dev                              # host unit tests
  gcc-arm-none-eabi binutils-arm-none-eabi   # Cortex-M3/M33 cross build
  libnewlib-arm-none-eabi                    # semihosted printf/exit on target
  qemu-system-arm                            # runs the target tests (mps2-an385)
  valgrind                                   # make bench's host profile (scripts/bench_profile.sh)
  python3 gcovr                              # shape check; branch-coverage gate (scripts/coverage.sh)
  frama-c-base why3 z3 cvc4                  # proofs (Frama-C WP)
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "flue needs these Debian packages: ${missing[*]}" >&2
    echo "run as root:  $cmd" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# why3 must know the provers once per user.
if [ ! -f "$HOME/.why3.conf" ]; then
  why3 config detect >/dev/null
fi
