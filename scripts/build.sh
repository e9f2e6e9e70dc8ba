#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build everything the emulated-host tests need, installing what is missing:
# toolchain (setup-host.sh), test kernel and its KVM selftests
# (build-kernel.sh), nestvirt.ko and the hooked kvm-amd/kvm-intel (make), and
# nestvirt's selftests, also linked static for the Bochs host's initramfs.
# Prints the variables the runners use, as KEY=VALUE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

timed() { local t0=$SECONDS; "$@"; echo "phase: $1 $((SECONDS - t0)) s" >&2; }

timed bash "$here/setup-host.sh" >&2
KBUILD=$(timed bash "$here/build-kernel.sh")
timed make -s -C "$NESTVIRT_ROOT" KDIR="$KBUILD" KSRC="$KSRC" BUILD="$NESTVIRT_ROOT/build" \
	"${KMAKE_RUST[@]}" modules test-modules >&2
timed make -s -C "$NESTVIRT_ROOT/selftests" KSRC="$KSRC" KBUILD="$KBUILD" \
	OUTPUT="$NESTVIRT_ROOT/build/selftests" all static >&2

echo "KBUILD=$KBUILD"
echo "NV_MODDIR=$NESTVIRT_ROOT/build/modules"
