#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: boots the emulated KVM hosts, attaches nestvirt to the
# hooked vendor module, runs nested guests and prints what nestvirt saw.
# Installs and builds what is missing.
#
#   AMD host (QEMU TCG, SVM): the hooked kvm-amd and nestvirt, an L1
#   hypervisor with an L2 guest (nestvirt_demo), a save/restore of its
#   nested state through /dev/nestvirt with L2 running, an L1 switching
#   between L2s with and without nestvirt's ASID mapping, nestvirtctl.
#   Intel host (Bochs 2.7, VMX): the hooked kvm-intel with nestvirt in
#   enforce mode, the kernel's nested VMX selftests, nestvirt's live VMX
#   rule test (each rule in enforce, audit and off), an L1 switching
#   between L2s with and without nestvirt's VPID mapping, nestvirtctl;
#   then, under Bochs 3.0 (APICv, a VPID-tagged TLB), the kernel's APIC
#   selftests stock and attached, and the mapping's staleness test (and the
#   stale reads it catches when the flushes are skipped).
#
# run.sh [--amd | --intel]: both hosts by default, or one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"
. "$here/lib/bochs-host.sh"

case ${1:-} in
'') hosts="amd intel" ;;
--amd) hosts=amd ;;
--intel) hosts=intel ;;
*) die "usage: run.sh [--amd | --intel]" ;;
esac

vars=$(bash "$here/build.sh")
eval "$vars"

# results_ok OUT RC: the host ran to the end and no test failed.
results_ok() {
	local out=$1 rc=$2
	[ -s "$out/results.tap" ] ||
		{ echo "the emulated host produced no results (exit $rc); see $out/console.log"; return 1; }
	! grep -q '^not ok' "$out/results.tap"
}

# tags_table OFF_LOG ON_LOG CLOCK: one line per K from the tag switch tests'
# "tags:" lines, without the mapping (stock, or tags=0) and with it (tags=8).
tags_table() {
	local k='s/^tags: K=\([0-9]*\) .*per_1000_switches=\([0-9]*\) ns_per_switch=\([0-9]*\).*tag_flushes=\([0-9]*\) evictions=\([0-9]*\).*/\1 \2 \3 \4 \5/p'
	paste -d' ' <(sed -n "$k" "$1") <(sed -n "$k" "$2") | awk -v clock="$3" '
		NF == 10 { printf "tags: K=%-2d KVM flushes: without the mapping %d, with it (tags=8) %d; host tags nestvirt flushed %d (evictions %d); %.1f vs %.1f us per switch (%s)\n",
			$1, $2, $7, $9, $10, $3 / 1000, $8 / 1000, clock; n++ }
		END { exit n == 0 }'
}

run_amd() {
	local out=$NESTVIRT_ROOT/build/results/demo rc=0
	echo "=== AMD: booting the emulated KVM host (QEMU TCG, -cpu max: AMD with SVM and NPT)..."
	boot_amd_host "$KBUILD" "$NV_MODDIR" demo "$out" || rc=$?
	grep -h -E '^(ok|not ok)|nestvirt|L1 ran' "$out/logs/demo.nestvirt_demo.log" "$out/results.tap" 2>/dev/null |
		grep -v '^#' || true
	echo "--- migration: NESTVIRT_GET_STATE/SET_STATE with L2 running (restores into fresh VMs, 1000 round trips):"
	sed -n 's/^# state: /state: /p' "$out/logs/demo.nestvirt_svm_state_test.log" 2>/dev/null || true
	echo "--- ASID mapping (SVM): an L1 switching between K L2s (an ASID each), KVM's TLB flushes per 1000 switches:"
	tags_table "$out/logs/demo.tags_off.log" "$out/logs/demo.tags_on.log" "wall clock" || true
	echo "--- nestvirtctl tags (after the mapped run):"
	cat "$out/logs/demo.nestvirtctl_tags.log" 2>/dev/null || true
	echo "--- nestvirtctl status (in the emulated host, after the demo):"
	cat "$out/logs/demo.nestvirtctl_status.log" 2>/dev/null || true
	echo "--- nestvirtctl rules --failed:"
	cat "$out/logs/demo.nestvirtctl_rules_failed.log" 2>/dev/null || true
	echo "--- kernel log (nestvirt, kvm_amd):"
	grep -E '\] (nestvirt|kvm_amd): ' "$out/dmesg.txt" 2>/dev/null || echo "(no kernel log: see $out/console.log)"
	results_ok "$out" "$rc"
}

run_intel() {
	local out=$NESTVIRT_ROOT/build/results/run-intel rc=0
	echo "=== Intel: booting the emulated KVM host (Bochs 2.7: VMX with EPT, VPID, shadow VMCS; about a minute)..."
	boot_intel_host "$KBUILD" "$NV_MODDIR" "$out" || rc=$?
	echo "--- tests in the emulated host (TAP):"
	grep -E '^(ok|not ok)' "$out/results.tap" 2>/dev/null || true
	echo "--- the live VMX rule test, row by row (enforce, audit, off):"
	grep -E '^# (ok|not ok) [0-9]+ [a-z_0-9]+/(enforce|audit|off)' "$out/console.log" 2>/dev/null |
		sed 's/^# //' || true
	echo "--- VPID mapping: an L1 switching between K L2s (a VPID each), KVM's TLB flushes per 1000 switches:"
	tags_table <(sed -n 's/^# tags, stock: /tags: /p' "$out/console.log") \
		<(sed -n 's/^# tags, tags: /tags: /p' "$out/console.log") "Bochs clock" || true
	sed -n 's/^# ctl-tags: //p' "$out/console.log" 2>/dev/null || true
	echo "--- nestvirtctl in the emulated host, after the tests:"
	sed -n 's/^# ctl: //p' "$out/console.log" 2>/dev/null || true
	echo "--- kernel log (nestvirt, kvm_intel):"
	grep -E '\] (nestvirt|kvm_intel): ' "$out/dmesg.txt" 2>/dev/null || echo "(no kernel log: see $out/console.log)"
	local ok=0
	results_ok "$out" "$rc" || ok=1
	run_intel_tagged || ok=1
	return "$ok"
}

# The VPID mapping's staleness test, under the Bochs 3.0 the setup builds
# with a TLB tagged by VPID and EPTP (a missing flush shows as a stale read).
run_intel_tagged() {
	local out=$NESTVIRT_ROOT/build/results/run-intel-tagged rc=0
	echo "=== Intel: Bochs 3.0 (APICv, a VPID-tagged TLB): the kernel's APIC selftests and the VPID mapping's staleness test (about a minute)..."
	boot_intel_host_tagged "$KBUILD" "$NV_MODDIR" "$out" || rc=$?
	echo "--- the kernel's APIC selftests, kvm-intel with enable_apicv=Y, stock and with nestvirt enforcing:"
	grep -E '^(ok|not ok) [0-9]+ apicv-[a-z]+/[a-z_0-9]+_test' "$out/results.tap" 2>/dev/null || true
	echo "--- nestvirt's APIC-virtualization rule rows (enforce, audit, off; L1 offered APICv by KVM here):"
	sed -n 's/^# apicv-rules: //p' "$out/console.log" 2>/dev/null || true
	echo "--- 4 L2s, VPIDs 1-4, one virtual address on two pages; switches and each INVVPID type of a moved mapping:"
	grep -E '^(ok|not ok) [0-9]+ stale' "$out/results.tap" 2>/dev/null || true
	sed -n 's/^# \(stale-[a-z0-9]*\): stale: /\1: /p' "$out/console.log" 2>/dev/null || true
	sed -n 's/^# stale-broken: /flushes skipped on purpose (tags_break_flush=1), caught: /p' \
		"$out/console.log" 2>/dev/null || true
	results_ok "$out" "$rc"
}

failed=0
for host in $hosts; do
	"run_$host" || failed=1
	echo
done
exit $failed
