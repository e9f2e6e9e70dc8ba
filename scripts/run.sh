#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: boots the emulated AMD KVM host (our kernel under QEMU TCG),
# loads the hooked kvm-amd and nestvirt, runs an L1 hypervisor with an L2
# guest, and prints what nestvirt saw. Installs and builds what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"

vars=$(bash "$here/build.sh")
eval "$vars"
out=$NESTVIRT_ROOT/build/results/demo
echo "booting the emulated KVM host (QEMU TCG, -cpu max: AMD with SVM and NPT)..."
rc=0
boot_amd_host "$KBUILD" "$NV_MODDIR" demo "$out" || rc=$?
grep -h -E '^(ok|not ok)|nestvirt|L1 ran' "$out/logs/demo.nestvirt_demo.log" "$out/results.tap" 2>/dev/null |
	grep -v '^#' || true
echo "--- nestvirtctl status (in the emulated host, after the demo):"
cat "$out/logs/demo.nestvirtctl_status.log" 2>/dev/null || true
echo "--- nestvirtctl rules --failed:"
cat "$out/logs/demo.nestvirtctl_rules_failed.log" 2>/dev/null || true
echo "--- kernel log (nestvirt, kvm_amd):"
grep -E '\] (nestvirt|kvm_amd): ' "$out/dmesg.txt" 2>/dev/null || echo "(no kernel log: see $out/console.log)"
grep -q '^not ok' "$out/results.tap" 2>/dev/null && exit 1
[ -s "$out/results.tap" ] || { echo "the emulated host produced no results (exit $rc); see $out/console.log"; exit 1; }
exit 0
