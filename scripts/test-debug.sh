#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs nestvirt's AMD-host suites on the debug test kernel: the test kernel
# plus UBSAN, lockdep (PROVE_LOCKING, PROVE_RCU), DEBUG_ATOMIC_SLEEP,
# kmemleak, SLUB_DEBUG and KFENCE (scripts/kconfig/nestvirt-debug.config;
# no KASAN, which Rust allows only in a clang-built kernel). The hooked
# kvm-amd and nestvirt.ko are built for it from a copy of the tree; the
# suites are the attached kernel selftests, nestvirt's selftests, the
# nestvirtctl checks and the stress test (nestvirt_stress_test), between
# a kmemleak clear and a kmemleak scan after every module is unloaded.
# Passes when every test passes, no checker reported anything (the no_oops
# check) and kmemleak found nothing.
#
# Not part of the test command (the debug kernel is another ~15-minute
# build and the run is slower); run it as root from the repository root:
#   ./scripts/test-debug.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"
. "$here/lib/tap-summary.sh"

t0=$SECONDS
# The test command's build: selftests and nestvirtctl run unchanged on the
# debug kernel (same source, same uapi).
vars=$(bash "$here/build.sh") || exit 1
eval "$vars"
dbg=$(NESTVIRT_KERNEL=debug bash "$here/build-kernel.sh") || exit 1
echo "debug kernel: $dbg ($((SECONDS - t0)) s so far)"

# Out-of-tree modules build in their source directory: a copy keeps the
# debug kernel's objects apart from the test kernel's.
src=$NESTVIRT_ROOT/build/debug/src
mkdir -p "$src"
(cd "$NESTVIRT_ROOT" && git ls-files -z | tar --null -T - -cf - | tar -C "$src" -xf -) ||
	die "cannot copy the tree to $src"
make -s -C "$src" KDIR="$dbg" KSRC="$KSRC" BUILD="$NESTVIRT_ROOT/build/debug" \
	"${KMAKE_RUST[@]}" modules test-modules || die "modules for the debug kernel"

out=$NESTVIRT_ROOT/build/results/amd-debug
NV_KERNEL_APPEND="slub_debug=FZPU" boot_amd_host "$dbg" "$NESTVIRT_ROOT/build/debug/modules" \
	"kmemleak-start attached nestvirt nestvirtctl stress kmemleak-end" "$out"
echo "emulated host exited with $? (console: $out/console.log)"
cat "$out/results.tap" 2>/dev/null
tap_summary "$out/results.tap" amd-debug
rc=$?
echo "debug kernel run: $((SECONDS - t0)) s"
exit $rc
