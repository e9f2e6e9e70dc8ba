#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build everything the emulated-host tests need, installing what is missing:
# toolchain (setup-host.sh), test kernel and its KVM selftests
# (build-kernel.sh), nestvirt.ko and the hooked kvm-amd/kvm-intel (make), and
# nestvirt's selftests, also linked static for the Bochs host's initramfs,
# and nestvirtctl.
# Prints the variables the runners use, as KEY=VALUE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

# timed LABEL COMMAND...: runs COMMAND, then reports how long it took.
timed() {
	local label=$1 t0=$SECONDS
	shift
	"$@"
	echo "build phase: $label $((SECONDS - t0)) s" >&2
}

timed "setup (packages, kernel source, tools)" bash "$here/setup-host.sh" >&2
KBUILD=$(timed "test kernel and KVM selftests" bash "$here/build-kernel.sh")
timed "nestvirt.ko, hooked kvm-amd/kvm-intel" make -s -C "$NESTVIRT_ROOT" KDIR="$KBUILD" KSRC="$KSRC" BUILD="$NESTVIRT_ROOT/build" \
	"${KMAKE_RUST[@]}" modules test-modules >&2
timed "nestvirt selftests" make -s -C "$NESTVIRT_ROOT/selftests" KSRC="$KSRC" KBUILD="$KBUILD" \
	OUTPUT="$NESTVIRT_ROOT/build/selftests" all static >&2

timed "nestvirtctl" cargo build --quiet --release --locked \
	--manifest-path "$NESTVIRT_ROOT/tools/nestvirtctl/Cargo.toml" >&2
# The Bochs Intel host's initramfs has no libc: nestvirtctl linked static
# there. --target keeps the flags off the build scripts and proc macros.
timed "nestvirtctl, static" \
	env RUSTFLAGS="-C target-feature=+crt-static -C strip=symbols" cargo build --quiet --release --locked --target x86_64-unknown-linux-gnu \
	--manifest-path "$NESTVIRT_ROOT/tools/nestvirtctl/Cargo.toml" \
	--target-dir "$NESTVIRT_ROOT/build/nestvirtctl-static" >&2

echo "KBUILD=$KBUILD"
echo "NV_MODDIR=$NESTVIRT_ROOT/build/modules"
