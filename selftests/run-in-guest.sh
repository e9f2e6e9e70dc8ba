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
#   NV_CTL       nestvirtctl binary (the one built in the work tree)
#   NV_DKMS_ROOT root of a module tree (lib/modules/<release>) holding the
#                test kernel's modules and what `dkms install` put under
#                updates/dkms (suite dkms)
#   NV_SUITES    space-separated: stock attached nestvirt nestvirtctl tags dkms demo bench
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
load_nestvirt_enforcing() { load_nestvirt mode=enforce; }
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
# A target without detach: nestvirt could attach but never leave safely,
# so it refuses before attaching, and releases the target (rmmod works).
nestvirt_refuses_target_without_detach() {
	insmod "$NV_MODDIR/nestvirt_fake_target_no_detach.ko" || return 1
	refuses "Protocol error" "kvm_amd lacks a hook ABI [0-9]* callback" \
		"$NV_MODDIR/nestvirt.ko"
	local rc=$?
	rmmod nestvirt_fake_target_no_detach && return $rc
}
nestvirt_refuses_bad_mode() {
	refuses "Invalid parameters" "mode=7 is not off, audit or enforce (or 0, 1, 2)" \
		"$NV_MODDIR/nestvirt.ko" mode=7 &&
	refuses "Invalid parameters" "mode=strict is not off, audit or enforce (or 0, 1, 2)" \
		"$NV_MODDIR/nestvirt.ko" mode=strict &&
	refuses "Invalid parameters" "hardening=on is not off, audit or enforce (or 0, 1, 2)" \
		"$NV_MODDIR/nestvirt.ko" hardening=on
}
# modinfo documents the names; each name and number loads with that mode.
nestvirt_mode_names() {
	local m want
	modinfo -p "$NV_MODDIR/nestvirt.ko" | grep -x 'mode:.*off, audit .*or enforce .*0, 1, 2 also accepted.*' ||
		{ echo "modinfo does not document mode's names:"; modinfo -p "$NV_MODDIR/nestvirt.ko"; return 1; }
	for m in off audit enforce 0 1 2; do
		case $m in off|0) want=off ;; audit|1) want=audit ;; *) want=enforce ;; esac
		insmod "$NV_MODDIR/nestvirt.ko" mode=$m || return 1
		grep -qx "$want" /sys/module/nestvirt/parameters/mode ||
			{ echo "mode=$m: sysfs says $(cat /sys/module/nestvirt/parameters/mode)"; rmmod nestvirt; return 1; }
		dmesg | tail -n 3 | grep -q "validation mode: $want" ||
			{ echo "mode=$m: no 'validation mode: $want' in dmesg"; rmmod nestvirt; return 1; }
		rmmod nestvirt || return 1
	done
	nestvirt_hardening_param
}
# hardening= sets the hardening classes; not given, they follow mode= but
# never beyond audit, so mode=enforce fails exactly what hardware fails.
nestvirt_hardening_param() {
	local args want_arch want_hard got
	modinfo -p "$NV_MODDIR/nestvirt.ko" | grep -x 'hardening:.*stricter than the APM/SDM.*never beyond audit.*' ||
		{ echo "modinfo does not document hardening:"; modinfo -p "$NV_MODDIR/nestvirt.ko"; return 1; }
	while read -r args want_arch want_hard; do
		# shellcheck disable=SC2086
		insmod "$NV_MODDIR/nestvirt.ko" ${args//,/ } || return 1
		got=$(ctl --json status | python3 -c 'import json,sys
s = json.load(sys.stdin)
m = {c["name"]: c["mode"] for c in s["classes"]}
hard = {"forced", "hardening"}
arch = set(m[n] for n in m if n not in hard)
print(",".join(sorted(arch)), ",".join(sorted(set(m[n] for n in m if n in hard))))')
		rmmod nestvirt || return 1
		[ "$got" = "$want_arch $want_hard" ] ||
			{ echo "$args: classes $got, want $want_arch $want_hard"; return 1; }
	done <<-EOF
		mode=enforce enforce audit
		mode=audit audit audit
		mode=off off off
		mode=enforce,hardening=enforce enforce enforce
		mode=off,hardening=audit off audit
		hardening=off audit off
	EOF
}

# nestvirt's VPID/ASID mapping: the switch test, its "tags:" figures copied into
# the TAP output as comments (SUITE: the row of the flush table it gives).
tags_test() {
	local suite=$1 name=$2
	run_test "$suite" "$name" pass "" "$NV_TESTS/nestvirt_svm_tags_test"
	sed -n "s/^tags: /# tags, $suite: /p" "$out/logs/$suite.$name.log" >&3
}
# tags= is documented, bounded and refused with a message past its bound;
# a good value shows in sysfs and in nestvirtctl tags.
nestvirt_tags_param() {
	modinfo -p "$NV_MODDIR/nestvirt.ko" | grep -x 'tags:.*0 (off, the default) to 16.*' ||
		{ echo "modinfo does not document tags:"; modinfo -p "$NV_MODDIR/nestvirt.ko"; return 1; }
	refuses "Invalid parameters" "tags=17 is not a number of host tags from 0 (off) to 16" \
		"$NV_MODDIR/nestvirt.ko" tags=17 || return 1
	insmod "$NV_MODDIR/nestvirt.ko" tags=4 || return 1
	grep -qx 4 /sys/module/nestvirt/parameters/tags &&
		ctl tags | tee /dev/stderr | grep -q '^VPID/ASID mapping: on, 4 host tags per vCPU$'
	local rc=$?
	rmmod nestvirt && return $rc
}
load_nestvirt_tags() { load_nestvirt mode=enforce "tags=$1"; }

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
		 nestvirt_svm_set_state_test nestvirt_svm_state_test \
		 nestvirt_svm_state_storm_test \
		 nestvirt_detach_test; do
		run_test nestvirt "$t" pass "" "$NV_TESTS/$t"
	done
}

# Live migration of an L1 with a running L2 (selftests/migration/): QEMU on
# this host's KVM, migrated three times; the modules loaded decide whose
# KVM_SET_NESTED_STATE restores it. With nestvirt attached, every restore
# passes its KVM_SET_NESTED_STATE hook: the counters must show each one
# checked and none refused.
migrate_l1() {
	local tag=$1 before after
	local dir=$NV_TESTS/migration
	local res rc
	before=$(ctl --json status 2>/dev/null)
	res=$("$dir/migration.sh" "$dir/l1_payload.elf" "$(cat "$dir/expected.txt")" 3 \
		"$out/migration-$tag")
	rc=$?
	echo "$res"
	# The figures, in the TAP output whatever the outcome.
	echo "$res" | sed "s/^/# migration, $tag: /" >&3
	[ $rc = 0 ] || return 1
	[ "$tag" = attached ] || return 0
	after=$(ctl --json status) || return 1
	python3 -c 'import json,sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
d = {k: a[k] - b[k] for k in ("set_state_entries", "nestvirt_rejected", "kvm_rejected")}
print("nestvirt counters over the migrations:", d)
sys.exit(d["set_state_entries"] < 3 or d["nestvirt_rejected"] != 0)' "$before" "$after"
}

# nestvirtctl against counters a selftest knows: a fresh nestvirt (counters
# at zero) sees exactly nestvirt_demo's 1000 VMRUNs, 999 of them replayed.
ctl() { "$NV_CTL" "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
fresh_nestvirt() { rmmod nestvirt 2>/dev/null; load_nestvirt "$@"; }
# The hooked kvm-amd without nestvirt against the stock one: the same loop
# (svm_nestvirt_bench -k), each module loaded in turn; prints both medians
# and their ratio per workload. Leaves the hooked kvm-amd loaded.
detached_vs_stock() {
	local w s h
	rmmod nestvirt 2>/dev/null
	unload_kvm_amd && load_stock_kvm_amd || return 1
	"$NV_TESTS/svm_nestvirt_bench" -k >"$out/logs/bench.kvm-only-stock.log" 2>&1
	unload_kvm_amd && load_hooked_kvm_amd || return 1
	"$NV_TESTS/svm_nestvirt_bench" -k >"$out/logs/bench.kvm-only-hooked.log" 2>&1 || return 1
	for w in steady churn; do
		s=$(awk -v w=$w '$2 == "kvm-only" && $3 == w { print $5 }' "$out/logs/bench.kvm-only-stock.log")
		h=$(awk -v w=$w '$2 == "kvm-only" && $3 == w { print $5 }' "$out/logs/bench.kvm-only-hooked.log")
		[ -n "$s" ] && [ -n "$h" ] || { cat "$out/logs/bench.kvm-only-"*.log; return 1; }
		awk -v w=$w -v s="$s" -v h="$h" 'BEGIN { printf "detached/stock %s: stock %.6f s, hooked detached %.6f s, ratio %.4f\n", w, s, h, h / s }'
	done
}
ctl_status_counts_demo() {
	local js
	fresh_nestvirt mode=audit || return 1
	"$NV_TESTS/nestvirt_demo" || return 1
	ctl status || return 1
	js=$(ctl --json status) || return 1
	echo "$js"
	[ "$(echo "$js" | json_field backend)" = svm ] &&
	[ "$(echo "$js" | json_field nested_entries)" = 1000 ] &&
	[ "$(echo "$js" | json_field replayed_entries)" = 999 ] &&
	[ "$(echo "$js" | json_field vmcb02_checks)" = 1000 ] &&
	[ "$(echo "$js" | json_field kvm_rejected)" = 0 ] &&
	[ "$(echo "$js" | json_field nestvirt_rejected)" = 0 ] &&
	[ "$(echo "$js" | json_field default_mode)" = audit ]
}
# watch's deltas, summed over its intervals, are the demo's 1000 VMRUNs.
ctl_watch_sums_deltas() {
	local sum
	fresh_nestvirt || return 1
	ctl --json watch --interval 0.25 --count 40 >"$out/logs/watch.jsonl" &
	sleep 1
	"$NV_TESTS/nestvirt_demo" >/dev/null || return 1
	wait $! || return 1
	sum=$(python3 -c 'import json,sys
print(sum(json.loads(l)["nested_entries"] for l in open(sys.argv[1]) if l.strip()))' "$out/logs/watch.jsonl")
	echo "sum of nested_entries deltas: $sum"
	[ "$sum" = 1000 ]
}
# mode sets one class or all; GET_MODE (through status) agrees; a bad class
# is a usage error that changes nothing.
ctl_mode_round_trip() {
	local js
	fresh_nestvirt mode=audit || return 1
	ctl mode controls enforce || return 1
	js=$(ctl --json status) || return 1
	echo "$js" | python3 -c 'import json,sys
c = {x["name"]: x["mode"] for x in json.load(sys.stdin)["classes"]}
print(c)
assert c["controls"] == "enforce", c
assert all(m == "audit" for n, m in c.items() if n != "controls"), c' || return 1
	ctl mode no_such_class off && { echo "a bad class was accepted"; return 1; }
	ctl mode all off || return 1
	ctl --json status | python3 -c 'import json,sys
c = [x["mode"] for x in json.load(sys.stdin)["classes"]]
assert c and all(m == "off" for m in c), c'
}
# rules lists the whole SVM catalogue; after the rules test (audit and
# enforce), --failed lists exactly the rules whose counter is nonzero.
ctl_rules_after_rules_test() {
	local js svm_rules
	# The catalogue page is generated from the engine (check-rules-doc.sh).
	svm_rules=$(grep -c '^   \* - ``SVM-' "$(dirname "$0")/../Documentation/nestvirt/rules.rst")
	fresh_nestvirt mode=audit || return 1
	"$NV_TESTS/svm_nestvirt_rules_test" >/dev/null
	ctl rules --failed || return 1
	js=$(ctl --json rules) || return 1
	echo "$js" | python3 -c 'import json,sys
rules = json.load(sys.stdin)
failed = [r for r in rules if r["failures"] > 0]
print(len(rules), "rules,", len(failed), "failed")
assert len(rules) == int(sys.argv[1]), len(rules)
assert len(failed) > 10, failed
assert all(r["id"].startswith("SVM-") for r in rules)' "$svm_rules" || return 1
	[ "$(ctl --json rules --failed | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = \
	  "$(echo "$js" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["failures"]))')" ]
}
# Every class off: the hooks are off as if detached, nestvirt sees no
# entry; loaded with mode=off, the same; a class back on, it sees them
# (the workload: the kernel's svm_vmcall_test, whose own checks pass
# whatever nestvirt sees; nestvirt_demo asserts it sees every VMRUN).
ctl_off_sees_nothing() {
	local n vmcall=$NV_KSELFTEST/x86/svm_vmcall_test
	fresh_nestvirt mode=off || return 1
	"$vmcall" >/dev/null || return 1
	n=$(ctl --json status | json_field nested_entries)
	[ "$n" = 0 ] || { echo "loaded with mode=off: $n entries seen"; return 1; }
	ctl mode controls audit || return 1
	"$vmcall" >/dev/null || return 1
	n=$(ctl --json status | json_field nested_entries)
	[ "$n" -gt 0 ] || { echo "one class on: no entry seen"; return 1; }
	ctl mode all off || return 1
	"$vmcall" >/dev/null || return 1
	[ "$(ctl --json status | json_field nested_entries)" = "$n" ] ||
		{ echo "every class off again: entries moved from $n"; return 1; }
}
# A vCPU whose per-vCPU nestvirt state could not be allocated (forced with
# kvm_amd's test-only nestvirt_test_fail_alloc): while a class enforces,
# each of its nested entries fails (no check is left undone), in audit it
# runs; state_missing counts each entry either way.
fail_closed_without_state() {
	local knob=/sys/module/kvm_amd/parameters/nestvirt_test_fail_alloc
	local vmcall=$NV_KSELFTEST/x86/svm_vmcall_test n
	[ -w "$knob" ] || { echo "no $knob"; return 1; }
	fresh_nestvirt mode=enforce || return 1
	echo 1 >"$knob"
	if "$vmcall" >/dev/null 2>&1; then
		echo "enforce: L2 ran on a vCPU without nestvirt's state"
		return 1
	fi
	[ "$(cat "$knob")" = 0 ] || { echo "the failing allocation was not made"; return 1; }
	n=$(ctl --json status | json_field state_missing)
	[ "$n" -gt 0 ] || { echo "enforce: state_missing $n"; return 1; }
	"$vmcall" >/dev/null || { echo "enforce: a vCPU with state failed"; return 1; }
	ctl mode all audit >/dev/null || return 1
	echo 1 >"$knob"
	"$vmcall" >/dev/null || { echo "audit: svm_vmcall_test failed"; return 1; }
	[ "$(ctl --json status | json_field state_missing)" -gt "$n" ] ||
		{ echo "audit: state_missing did not grow from $n"; return 1; }
	echo "state_missing after enforce $n, after audit $(ctl --json status | json_field state_missing)"
}
# Detached, the hooked kvm-amd allocates no nestvirt state: the first
# nested entry nestvirt checks does (the test-only allocation knob shows
# each attempt). A vCPU that ran detached gets its state when nestvirt
# attaches.
detached_allocates_nothing() {
	local knob=/sys/module/kvm_amd/parameters/nestvirt_test_fail_alloc
	local vmcall=$NV_KSELFTEST/x86/svm_vmcall_test
	[ -w "$knob" ] || { echo "no $knob"; return 1; }
	rmmod nestvirt 2>/dev/null
	echo 1 >"$knob"
	"$vmcall" >/dev/null || { echo "detached: svm_vmcall_test failed"; return 1; }
	[ "$(cat "$knob")" = 1 ] || { echo "detached: a nested entry allocated nestvirt state"; return 1; }
	fresh_nestvirt mode=audit || return 1
	"$vmcall" >/dev/null || { echo "attached: svm_vmcall_test failed"; return 1; }
	[ "$(cat "$knob")" = 0 ] || { echo "attached: no nested entry allocated nestvirt state"; return 1; }
	echo "detached: no allocation attempted; attached: the first entry allocated"
}
# The tracepoint: one line per counted failure, the rule ID whole and
# nothing after it; the ID is a dynamic string in the record (no fixed
# array with bytes past the NUL left unset).
trace_rule_failed() {
	local t=/sys/kernel/tracing ev=events/nestvirt/nestvirt_rule_failed bad
	[ -d $t/events ] || mount -t tracefs nodev $t || return 1
	grep -q '__data_loc char\[\] id' $t/$ev/format ||
		{ echo "the ID is not a dynamic string:"; cat $t/$ev/format; return 1; }
	fresh_nestvirt mode=audit || return 1
	: >$t/trace
	echo 1 >$t/$ev/enable
	"$NV_TESTS/svm_nestvirt_rules_test" >/dev/null
	echo 0 >$t/$ev/enable
	grep nestvirt_rule_failed: $t/trace >"$out/logs/trace.txt"
	echo "$(wc -l <"$out/logs/trace.txt") trace lines, e.g.:"; head -n 3 "$out/logs/trace.txt"
	[ -s "$out/logs/trace.txt" ] || return 1
	bad=$(grep -vcE 'nestvirt_rule_failed: svm vcpu [0-9]+ state 0x[0-9a-f]+ rule [0-9]+ SVM-[A-Z0-9-]+( \(enforced\))?$' \
		"$out/logs/trace.txt")
	[ "$bad" = 0 ] || { echo "$bad malformed lines"; return 1; }
}
# Each error its exit code: 3 no device, 4 permission denied.
ctl_errors() {
	local rc
	rmmod nestvirt || return 1
	ctl status; rc=$?
	[ $rc = 3 ] || { echo "without the module: exit $rc, want 3"; return 1; }
	load_nestvirt || return 1
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NV_CTL" status; rc=$?
	[ $rc = 4 ] || { echo "as nobody: exit $rc, want 4"; return 1; }
	# Root without CAP_SYS_ADMIN opens the device and reads, but changes no
	# mode: SET_MODE answers EPERM, and the mode stays.
	"$NV_CTL" mode all audit || return 1
	setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$NV_CTL" status >/dev/null || return 1
	setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$NV_CTL" mode all enforce; rc=$?
	[ $rc = 4 ] || { echo "without CAP_SYS_ADMIN: mode exit $rc, want 4"; return 1; }
	ctl --json status | grep -q '"mode": "enforce"' && { echo "a refused mode change took effect"; return 1; }
	return 0
}

# DKMS: the modules `dkms install` put under updates/dkms are the ones
# modprobe picks, and they work: attach, and the kernel's selftests.
dkms_modprobe() { modprobe -d "$NV_DKMS_ROOT" "$@"; }
dkms_prefers_updates() {
	local m path
	for m in kvm_amd kvm_intel nestvirt; do
		path=$(modinfo -b "$NV_DKMS_ROOT" -n $m) || return 1
		echo "$m: $path"
		case $path in */updates/dkms/*) ;; *) echo "$m is not the DKMS one"; return 1 ;; esac
	done
}
dkms_loads() {
	dkms_modprobe kvm_amd nested=1 &&
	dkms_modprobe nestvirt mode=enforce &&
	/usr/bin/nestvirtctl status | grep -q 'backend: *svm'
}
dkms_unload() { rmmod nestvirt && rmmod kvm_amd; }

# Every report the debug kernel's checkers print starts with one of these
# (lockdep and DEBUG_ATOMIC_SLEEP: WARNING:/BUG:, UBSAN: UBSAN:, KFENCE and
# SLUB_DEBUG: BUG:); the test kernel prints none of them either.
no_oops() { ! dmesg | grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace|UBSAN:|KFENCE:' ; }

# The debug kernel's kmemleak (scripts/test-debug.sh): forget what boot
# left, then after the suites unload every module and scan; anything
# reported since was leaked during the run.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_clear() {
	[ -w "$kmemleak" ] || { echo "no $kmemleak: not the debug kernel?"; return 1; }
	echo clear >"$kmemleak"
}
kmemleak_after_unload() {
	local leaks
	rmmod nestvirt 2>/dev/null
	grep -q '^kvm_amd ' /proc/modules && unload_kvm_amd
	grep -q '^kvm ' /proc/modules && rmmod kvm
	# An object is reported once it has been unreferenced for a scan or two.
	echo scan >"$kmemleak"; sleep 6; echo scan >"$kmemleak"
	leaks=$(cat "$kmemleak")
	[ -z "$leaks" ] && { echo "kmemleak: nothing since the start of the run"; return 0; }
	echo "$leaks" | head -60
	return 1
}

mkdir -p "$out/logs"
export NESTVIRT_KO=$NV_MODDIR/nestvirt.ko
# Real nested-state containers and KVM blobs the state tests save, for the
# host tests and the fuzz corpus.
export NV_STATE_CAPTURE=$out/state
mkdir -p "$NV_STATE_CAPTURE"
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
		# The flush table's stock row: KVM's own flushes.
		tags_test stock nestvirt_svm_tags_test
		check stock unload unload_kvm_amd
		check stock nestvirt_refuses_foreign_hook_abi nestvirt_refuses_foreign_hook_abi
		check stock nestvirt_refuses_target_without_detach nestvirt_refuses_target_without_detach
		;;
	attached)
		# Enforce mode: a valid guest must never be rejected.
		check attached load_hooked_kvm_amd load_hooked_kvm_amd
		check attached nestvirt_refuses_bad_mode nestvirt_refuses_bad_mode
		check attached nestvirt_mode_names nestvirt_mode_names
		check attached nestvirt_attaches_enforcing load_nestvirt_enforcing
		kernel_selftests attached
		;;
	nestvirt)
		# Needs the hooked kvm_amd and nestvirt: loads them when no
		# suite did (a run of this suite alone).
		grep -q '^kvm_amd ' /proc/modules ||
			check nestvirt load_hooked_kvm_amd load_hooked_kvm_amd
		grep -q '^nestvirt ' /proc/modules ||
			check nestvirt nestvirt_attaches_enforcing load_nestvirt_enforcing
		nestvirt_selftests
		;;
	tags)
		# nestvirt's ASID mapping (Documentation/nestvirt/tags.rst):
		# the switch test with 8 host tags per vCPU (K = 16 evicts), the
		# kernel's nested selftests and detach under a running L2 with the
		# mapping on, then the switch test with 4.
		rmmod nestvirt 2>/dev/null
		grep -q '^kvm_amd ' /proc/modules ||
			check tags load_hooked_kvm_amd load_hooked_kvm_amd
		check tags tags_param nestvirt_tags_param
		check tags nestvirt_attaches_tags_8 load_nestvirt_tags 8
		tags_test tags nestvirt_svm_tags_test
		kernel_selftests tags
		# Detach and reattach under a running L2 with the mapping on.
		NESTVIRT_PARAMS="mode=enforce tags=8" run_test tags nestvirt_detach_test pass "" \
			"$NV_TESTS/nestvirt_detach_test"
		rmmod nestvirt
		check tags nestvirt_attaches_tags_4 load_nestvirt_tags 4
		tags_test tags-4 nestvirt_svm_tags_test
		rmmod nestvirt
		;;
	migration)
		# Stock kvm-amd first, then the hooked one with nestvirt
		# enforcing: the same payload, the same three migrations.
		rmmod nestvirt 2>/dev/null
		grep -q '^kvm_amd ' /proc/modules && check migration unload unload_kvm_amd
		check migration load_stock_kvm_amd load_stock_kvm_amd
		check migration qemu_stock_kvm_amd migrate_l1 stock
		check migration unload_stock unload_kvm_amd
		check migration load_hooked_kvm_amd load_hooked_kvm_amd
		check migration nestvirt_attaches_enforcing load_nestvirt_enforcing
		check migration qemu_nestvirt_enforcing migrate_l1 attached
		;;
	bench)
		# Figures, not a pass/fail of timing: the test fails only if the
		# loop does. Loads the hooked kvm_amd when no suite did.
		grep -q '^kvm_amd ' /proc/modules ||
			check bench load_hooked_kvm_amd load_hooked_kvm_amd
		run_test bench svm_nestvirt_bench pass "" "$NV_TESTS/svm_nestvirt_bench"
		grep -q '^nestvirt ' /proc/modules ||
			check bench nestvirt_attaches_enforcing load_nestvirt_enforcing
		NV_STATE_LATENCY_ONLY=1 run_test bench nestvirt_svm_state_latency pass "" \
			"$NV_TESTS/nestvirt_svm_state_test"
		check bench detached_vs_stock detached_vs_stock
		# The ASID mapping's round trip: the same switches with KVM's
		# flushes (tags=0) and mapped (tags=8).
		rmmod nestvirt 2>/dev/null
		check bench nestvirt_attaches_tags_0 load_nestvirt_tags 0
		run_test bench tags_off pass "" "$NV_TESTS/nestvirt_svm_tags_test"
		rmmod nestvirt
		check bench nestvirt_attaches_tags_8 load_nestvirt_tags 8
		run_test bench tags_on pass "" "$NV_TESTS/nestvirt_svm_tags_test"
		rmmod nestvirt
		;;
	nestvirtctl)
		# Needs the hooked kvm_amd: loads it when no suite did.
		grep -q '^kvm_amd ' /proc/modules ||
			check nestvirtctl load_hooked_kvm_amd load_hooked_kvm_amd
		check nestvirtctl status_counts_demo ctl_status_counts_demo
		check nestvirtctl watch_sums_deltas ctl_watch_sums_deltas
		check nestvirtctl mode_round_trip ctl_mode_round_trip
		check nestvirtctl rules_after_rules_test ctl_rules_after_rules_test
		check nestvirtctl trace_rule_failed trace_rule_failed
		check nestvirtctl off_sees_nothing ctl_off_sees_nothing
		check nestvirtctl fail_closed_without_state fail_closed_without_state
		check nestvirtctl detached_allocates_nothing detached_allocates_nothing
		check nestvirtctl errors ctl_errors
		rmmod nestvirt 2>/dev/null
		;;
	dkms)
		# The vendor module of the earlier suites goes first.
		rmmod nestvirt 2>/dev/null
		grep -q '^kvm_amd ' /proc/modules && unload_kvm_amd
		check dkms prefers_updates dkms_prefers_updates
		check dkms modprobe_attaches dkms_loads
		kernel_selftests dkms
		run_test dkms nestvirt_info_test pass "" "$NV_TESTS/nestvirt_info_test"
		check dkms unload dkms_unload
		;;
	stress)
		# scripts/test-debug.sh: on the debug kernel, after the suites above.
		grep -q '^kvm_amd ' /proc/modules ||
			check stress load_hooked_kvm_amd load_hooked_kvm_amd
		grep -q '^nestvirt ' /proc/modules || check stress nestvirt_attaches load_nestvirt
		run_test stress nestvirt_stress_test pass "" "$NV_TESTS/nestvirt_stress_test"
		rmmod nestvirt 2>/dev/null
		;;
	kmemleak-start)
		check debug kmemleak_clear kmemleak_clear
		;;
	kmemleak-end)
		check debug kmemleak_after_unload kmemleak_after_unload
		;;
	demo)
		check demo load_hooked_kvm_amd load_hooked_kvm_amd
		check demo nestvirt_attaches load_nestvirt
		run_test demo nestvirt_demo pass "" "$NV_TESTS/nestvirt_demo"
		# Migration: save/restore round trips with L2 running.
		run_test demo nestvirt_svm_state_test pass "" "$NV_TESTS/nestvirt_svm_state_test"
		check demo nestvirtctl_status ctl status
		check demo nestvirtctl_rules_failed ctl rules --failed
		# The VPID/ASID mapping: the same L2 switches with KVM's flushes
		# (tags=0, the default) and mapped (tags=8).
		rmmod nestvirt
		check demo nestvirt_attaches_tags_0 load_nestvirt_tags 0
		run_test demo tags_off pass "" "$NV_TESTS/nestvirt_svm_tags_test"
		rmmod nestvirt
		check demo nestvirt_attaches_tags_8 load_nestvirt_tags 8
		run_test demo tags_on pass "" "$NV_TESTS/nestvirt_svm_tags_test"
		check demo nestvirtctl_tags ctl tags
		;;
	esac
done
check host no_oops_or_warnings no_oops
emit "1..$n"
dmesg >"$out/dmesg.txt"
# The host's sign that this script ran to its end (see qemu-host.sh).
echo complete >"$out/run-complete"
sync
