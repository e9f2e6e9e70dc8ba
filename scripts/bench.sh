#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The hook's cost per nested VMRUN: boots the emulated AMD KVM host and runs
# selftests/svm_nestvirt_bench (an L2 VMMCALL loop, nestvirt detached /
# enforce / off rotated in one boot), then prints its figures; and the
# latency of NESTVIRT_GET_STATE/SET_STATE next to KVM_GET/SET_NESTED_STATE
# (selftests/nestvirt_svm_state_test, its latency part alone).
#
#   scripts/bench.sh            instruction-count clock (the budget figure)
#   scripts/bench.sh --wall     the machine's clock, multi-threaded TCG
#   scripts/bench.sh --intel    VMX: the Bochs Intel host, whose clock also
#                               follows emulated instructions (sync=none),
#                               runs selftests/vmx_nestvirt_bench (it runs
#                               in every Bochs boot of the test command too)
#
# With the instruction-count clock (QEMU -icount shift=0: one guest
# instruction is one nanosecond of guest time, single-threaded TCG) the
# figures count the instructions the host kernel and L1 execute, so they
# repeat to the last digit whatever else the machine runs. QEMU's own
# emulation of VMRUN and #VMEXIT costs no guest time there, so the ratio is
# an upper bound of what the same instructions add on hardware, where each
# world switch costs far more than one instruction. The wall clock under
# TCG swings by tens of percent between rounds on a shared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"

clock=instructions
case ${1:-} in
'') NV_QEMU_EXTRA="-accel tcg,thread=single -icount shift=0,sleep=off" ;;
--wall) clock=wall; NV_QEMU_EXTRA= ;;
--intel) clock=bochs ;;
*) echo "usage: $0 [--wall | --intel]" >&2; exit 2 ;;
esac
export NV_QEMU_EXTRA

vars=$(bash "$here/build.sh")
eval "$vars"

if [ $clock = bochs ]; then
	. "$here/lib/bochs-host.sh"
	out=$NESTVIRT_ROOT/build/results/bench-intel
	echo "booting the emulated Intel host for the VMX benchmark (Bochs, about 1.5 minutes)..."
	boot_intel_host "$KBUILD" "$NV_MODDIR" "$out" || true
	grep -E '^# # (round|vmx )' "$out/console.log" | sed 's/^# # //'
	grep -q '^ok [0-9]* bench/vmx_nestvirt_bench' "$out/results.tap" 2>/dev/null || exit 1
	exit 0
fi
out=$NESTVIRT_ROOT/build/results/bench-$clock
echo "booting the emulated KVM host for the benchmark ($clock clock)..."
rc=0
boot_amd_host "$KBUILD" "$NV_MODDIR" bench "$out" || rc=$?
log=$out/logs/bench.svm_nestvirt_bench.log
[ -s "$log" ] || { echo "no benchmark output (exit $rc); see $out/console.log"; exit 1; }
grep -E '^# (steady|churn) (median|minimum|ratio|per VMRUN|replayed)' "$log" | sed 's/^# //'
sed -n 's/^# state: /state: /p' "$out/logs/bench.nestvirt_svm_state_latency.log" 2>/dev/null
# The VPID/ASID mapping: per K, the switch's cost without and with it, one run.
k='s/^tags: K=\([0-9]*\) .*ns_per_switch=\([0-9]*\).*/\1 \2/p'
paste -d' ' <(sed -n "$k" "$out/logs/bench.tags_off.log" 2>/dev/null) \
	<(sed -n "$k" "$out/logs/bench.tags_on.log" 2>/dev/null) |
	awk -v clock=$clock 'NF == 4 { printf "tags: K=%-2d L1->L2->L1 switch (%s clock): KVM flushing %.1f us, nestvirt tags=8 %.1f us, ratio %.3f\n", $1, clock, $2 / 1000, $4 / 1000, $4 / $2 }'
grep -q '^not ok' "$out/results.tap" && exit 1
exit 0
