#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the emulated KVM host (booted by scripts/lib/qemu-host.sh):
# loads the KVM stack, runs the selected suites and writes kselftest TAP to
# $NV_OUT/results.tap and the kernel log to $NV_OUT/dmesg.txt.
#
# Environment (set by the host side):
#   NV_KBUILD    kernel build dir (bzImage, kvm.ko, irqbypass.ko)
#   NV_MODDIR    dir with nestvirt.ko, kvm-amd.ko (hooked)
#   NV_KSELFTEST dir with the kernel's KVM selftest binaries (x86/...)
#   NV_TESTS     dir with nestvirt's selftest binaries
#   NV_SUITES    space-separated: stock attached nestvirt demo bench
#                (bench is not in the default run: it takes minutes under TCG;
#                boot_amd_host KBUILD MODDIR bench OUTDIR runs it alone, its
#                figures land in OUTDIR/logs/bench.svm_nestvirt_bench.log)
#   NV_OUT       writable results dir (shared with the host)
set -u
out=$NV_OUT
tap=$out/results.tap
: >"$tap"
n=0
exec 3>>"$tap"

emit() { echo "$*" >&3; echo "$*"; }

# Runs one test binary as a TAP test point named SUITE/NAME. EXPECT is the
# result the baseline says the test gives (pass, fail or skip); a result
# other than EXPECT is a failure, an expected failure is a TODO point.
# kselftest exit codes: 0 pass, 4 skip, anything else fail.
run_test() {
	local suite=$1 name=$2 expect=$3 why=$4 bin=$5 log rc got
	n=$((n + 1))
	log=$out/logs/$suite.$name.log
	timeout 300 "$bin" >"$log" 2>&1
	rc=$?
	case $rc in 0) got=pass ;; 4) got=skip ;; *) got=fail ;; esac
	sed 's/^/# /' "$log" | tail -n 40
	if [ "$got" != "$expect" ]; then
		emit "not ok $n $suite/$name # got $got (exit $rc), baseline $expect"
	elif [ "$got" = pass ]; then
		emit "ok $n $suite/$name"
	elif [ "$got" = skip ]; then
		emit "ok $n $suite/$name # SKIP $why"
	else
		emit "not ok $n $suite/$name # TODO baseline failure: $why"
	fi
}

# A check of the host itself, as one TAP test point.
check() {
	local suite=$1 name=$2
	shift 2
	n=$((n + 1))
	if "$@" >"$out/logs/$suite.$name.log" 2>&1; then
		emit "ok $n $suite/$name"
	else
		sed 's/^/# /' "$out/logs/$suite.$name.log"
		emit "not ok $n $suite/$name"
	fi
}

load_kvm_core() {
	insmod "$NV_KBUILD/virt/lib/irqbypass.ko" 2>/dev/null
	insmod "$NV_KBUILD/arch/x86/kvm/kvm.ko"
}

load_stock_kvm_amd() { insmod "$NV_KBUILD/arch/x86/kvm/kvm-amd.ko" nested=1; }
load_hooked_kvm_amd() { insmod "$NV_MODDIR/kvm-amd.ko" nested=1; }
load_nestvirt() { insmod "$NV_MODDIR/nestvirt.ko" "$@"; }
load_nestvirt_enforcing() { load_nestvirt mode=2; }
unload_kvm_amd() { rmmod kvm_amd; }

# refuses ERRNO-TEXT DMESG-TEXT INSMOD-ARGS...: loading must fail with that
# errno and leave that line in the kernel log, and change nothing.
refuses() {
	local want=$1 line=$2 out before
	shift 2
	before=$(dmesg | wc -l)
	if out=$(insmod "$@" 2>&1); then
		echo "insmod $* succeeded"
		rmmod nestvirt
		return 1
	fi
	echo "$out"
	echo "$out" | grep -q "$want" || { echo "want errno '$want'"; return 1; }
	dmesg | tail -n +$((before + 1)) | grep -q "$line" ||
		{ echo "no '$line' in the kernel log"; dmesg | tail; return 1; }
	! grep -q '^nestvirt ' /proc/modules
}
nestvirt_refuses_without_vendor() {
	refuses "No such device" "no hooked KVM vendor module is loaded" "$NV_MODDIR/nestvirt.ko"
}
nestvirt_refuses_foreign_hook_abi() {
	insmod "$NV_MODDIR/nestvirt_fake_target.ko" || return 1
	refuses "Protocol error" \
		"kvm_amd speaks hook ABI [0-9]*, this nestvirt speaks [0-9]*: rebuild them together" \
		"$NV_MODDIR/nestvirt.ko"
	local rc=$?
	rmmod nestvirt_fake_target && return $rc
}
nestvirt_refuses_bad_mode() {
	refuses "Invalid parameters" "mode=7 is not 0 (off), 1 (audit) or 2 (enforce)" \
		"$NV_MODDIR/nestvirt.ko" mode=7
}

kernel_selftests() {
	local suite=$1 name
	local expect why
	while read -r name expect why; do
		case $name in ''|'#'*) continue ;; esac
		run_test "$suite" "$name" "$expect" "$why" "$NV_KSELFTEST/x86/$name"
	done <"$NV_TESTS/kvm_nested_baseline.txt"
}

nestvirt_selftests() {
	local t
	for t in nestvirt_info_test svm_nestvirt_rules_test svm_nestvirt_differential_test \
		 nestvirt_svm_set_state_test \
		 nestvirt_detach_test; do
		run_test nestvirt "$t" pass "" "$NV_TESTS/$t"
	done
}

no_oops() { ! dmesg | grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace' ; }

mkdir -p "$out/logs"
export NESTVIRT_KO=$NV_MODDIR/nestvirt.ko
emit "TAP version 13"
check host kvm_core_loads load_kvm_core
for suite in $NV_SUITES; do
	case $suite in
	stock)
		check stock nestvirt_refuses_without_vendor nestvirt_refuses_without_vendor
		check stock load_stock_kvm_amd load_stock_kvm_amd
		# The stock kvm_amd has no hooks: nestvirt must refuse it too.
		check stock nestvirt_refuses_stock_kvm_amd nestvirt_refuses_without_vendor
		kernel_selftests stock
		check stock unload unload_kvm_amd
		check stock nestvirt_refuses_foreign_hook_abi nestvirt_refuses_foreign_hook_abi
		;;
	attached)
		# Enforce mode: a valid guest must never be rejected.
		check attached load_hooked_kvm_amd load_hooked_kvm_amd
		check attached nestvirt_refuses_bad_mode nestvirt_refuses_bad_mode
		check attached nestvirt_attaches_enforcing load_nestvirt_enforcing
		kernel_selftests attached
		;;
	nestvirt)
		nestvirt_selftests
		;;
	bench)
		# Figures, not a pass/fail of timing: the test fails only if the
		# loop does. Loads the hooked kvm_amd when no suite did.
		grep -q '^kvm_amd ' /proc/modules ||
			check bench load_hooked_kvm_amd load_hooked_kvm_amd
		run_test bench svm_nestvirt_bench pass "" "$NV_TESTS/svm_nestvirt_bench"
		;;
	demo)
		check demo load_hooked_kvm_amd load_hooked_kvm_amd
		check demo nestvirt_attaches load_nestvirt
		run_test demo nestvirt_demo pass "" "$NV_TESTS/nestvirt_demo"
		;;
	esac
done
check host no_oops_or_warnings no_oops
emit "1..$n"
dmesg >"$out/dmesg.txt"
sync
