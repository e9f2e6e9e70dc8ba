#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every nestvirt test, installing what is missing first:
#   0. setup: packages, kernel source and tools (scripts/setup-host.sh), before
#      anything that needs them (the engine's layout tests read the source);
#   1. host: the engine's and nestvirtctl's cargo tests and clippy, the rule
#      catalogue check, checkpatch.pl --strict on the hook series;
#   2. builds: test kernel, hooked kvm-amd/kvm-intel, nestvirt.ko, selftests,
#      nestvirtctl; then the Debian packages (lintian) and a DKMS build and
#      install of them for the test kernel;
#   3. the emulated AMD KVM host (QEMU TCG): the kernel's nested selftests
#      with the stock kvm-amd and again with nestvirt attached (same results
#      required), then nestvirt's own selftests, nestvirtctl against counters
#      the selftests know, and the modules DKMS installed (modprobe);
#   4. the emulated Intel KVM host (Bochs 2.7, VMX): the kernel's nested VMX
#      selftests with the stock kvm-intel and again with nestvirt attached,
#      then nestvirt's VMX selftests;
#   5. Bochs 3.0 (built by the setup, APICv and a VPID-tagged TLB): the
#      kernel's APIC selftests stock and attached, and the VPID mapping's
#      staleness test (it must fail when the mapping's flushes are skipped).
# Prints kselftest TAP, a summary and the phase timings. Exits non-zero when
# anything fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"
. "$here/lib/bochs-host.sh"
. "$here/lib/tap-summary.sh"

failed=0
t_start=$SECONDS
phases=()
phase() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== $name"
	"$@"
	rc=$?
	phases+=("$(printf '%-28s %5d s  %s' "$name" $((SECONDS - t0)) "$([ $rc = 0 ] && echo ok || echo FAILED)")")
	[ $rc = 0 ] || failed=1
	return $rc
}

# Counts of every runner, added up for the closing line.
total_pass=0 total_fail=0 total_skip=0
add_counts() {
	local line
	line=$(grep -E '^[A-Za-z-]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$1" | tail -n 1)
	[ -n "$line" ] || return 0
	set -- $(echo "$line" | grep -oE '[0-9]+')
	total_pass=$((total_pass + $1)) total_fail=$((total_fail + $2)) total_skip=$((total_skip + $3))
}

# cargo_tests LABEL DIR: a crate's tests (one failing test binary must not
# hide the others), clippy and rustfmt; prints "LABEL: N passed, ..." and adds
# the counts.
cargo_tests() {
	local label=$1 dir=$2 log=$NESTVIRT_ROOT/build/results/cargo-test-$1.log rc
	mkdir -p "$(dirname "$log")"
	(cd "$dir" && KSRC=$KSRC cargo test --no-fail-fast 2>&1) >"$log"
	rc=$?
	grep -E '^test result|FAILED|panicked' "$log"
	awk -v label="$label" '/^test result:/ { p += $4; f += $6; s += $8 }
		END { printf "%s: %d passed, %d failed, %d skipped\n", label, p, f, s }' "$log" | tee -a "$log"
	add_counts "$log"
	[ $rc = 0 ] || return 1
	(cd "$dir" && cargo clippy --quiet --all-targets -- -D warnings && cargo fmt --check)
}

host_tests() {
	local rc=0
	cargo_tests engine "$NESTVIRT_ROOT/rust/engine" || rc=1
	cargo_tests nestvirtctl "$NESTVIRT_ROOT/tools/nestvirtctl" || rc=1
	rustfmt --check "$NESTVIRT_ROOT"/rust/*.rs && "$here/check-rules-doc.sh" || rc=1
	"$here/check-patches.sh" || rc=1
	return $rc
}

build_all() {
	local vars
	vars=$(bash "$here/build.sh") || return 1
	eval "$vars"
	"$here/check-kvm-kbuild.sh" "$KBUILD" && "$here/check-detached-footprint.sh" "$KBUILD"
}

# emulated_host LABEL BOOT-FUNCTION ARGS...: boots an emulated host with
# BOOT-FUNCTION (its last argument is the results dir), prints its TAP and
# summary, and adds its counts.
emulated_host() {
	local label=$1 out=${!#} rc
	shift
	"$@"
	echo "emulated host exited with $? (console: $out/console.log)"
	cat "$out/results.tap" 2>/dev/null
	tap_summary "$out/results.tap" "$label" | tee "$out/summary.txt"
	rc=${PIPESTATUS[0]}
	add_counts "$out/summary.txt"
	return "$rc"
}

# The Debian packages (built and linted), then DKMS building nestvirt for
# the test kernel from the installed packages; sets NV_DKMS_ROOT for the
# emulated host's dkms suite.
packages() {
	bash "$here/package.sh" && NV_DKMS_ROOT=$(bash "$here/dkms-check.sh" "$KBUILD")
}

amd_host_tests() {
	local rc=0
	NV_DKMS_ROOT=$NV_DKMS_ROOT emulated_host emulated-amd boot_amd_host "$KBUILD" "$NV_MODDIR" \
		"stock attached nestvirt nestvirtctl tags migration${NV_DKMS_ROOT:+ dkms}" \
		"$NESTVIRT_ROOT/build/results/amd" || rc=1
	# The dkms suite ran the packaged nestvirtctl; leave the machine as found.
	dpkg --purge nestvirt-dkms nestvirt-tools >/dev/null 2>&1
	return $rc
}

intel_host_tests() {
	emulated_host emulated-intel boot_intel_host "$KBUILD" "$NV_MODDIR" \
		"$NESTVIRT_ROOT/build/results/intel"
}

# The staleness test under Bochs 3.0 with its VPID-tagged TLB.
intel_tagged_host_tests() {
	emulated_host emulated-intel-tagged boot_intel_host_tagged "$KBUILD" "$NV_MODDIR" \
		"$NESTVIRT_ROOT/build/results/intel-tagged"
}

setup() { bash "$here/setup-host.sh"; }

if phase "setup: packages, source, tools" setup; then
	phase "host: engine tests" host_tests
	if phase "build: kernel, modules, selftests" build_all; then
		NV_DKMS_ROOT=
		phase "packages: .deb, lintian, DKMS" packages
		phase "emulated AMD host" amd_host_tests
		phase "emulated Intel host (Bochs)" intel_host_tests
		phase "emulated Intel, tagged TLB" intel_tagged_host_tests
	fi
fi

echo
echo "=== phase timings"
printf '%s\n' "${phases[@]}"
printf '%-28s %5d s\n' "total" $((SECONDS - t_start))
if [ $failed = 0 ]; then echo "nestvirt tests: PASS"; else echo "nestvirt tests: FAIL"; fi
# A phase that failed without counting a test still fails the run.
[ $failed = 0 ] || [ $total_fail -gt 0 ] || total_fail=1
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped"
exit $failed
