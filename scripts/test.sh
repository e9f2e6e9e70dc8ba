#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every nestvirt test, installing what is missing first:
#   1. host: the engine's cargo tests and clippy, the rule catalogue check;
#   2. builds: test kernel, hooked kvm-amd/kvm-intel, nestvirt.ko, selftests;
#   3. the emulated AMD KVM host (QEMU TCG): the kernel's nested selftests
#      with the stock kvm-amd and again with nestvirt attached (same results
#      required), then nestvirt's own selftests.
# Prints kselftest TAP, a summary and the phase timings. Exits non-zero when
# anything fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu-host.sh"
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

host_tests() {
	(cd "$NESTVIRT_ROOT/rust/engine" &&
		cargo test --quiet 2>&1 | tail -n 40 &&
		cargo clippy --quiet --all-targets -- -D warnings &&
		"$here/check-rules-doc.sh")
}

build_all() {
	local vars
	vars=$(bash "$here/build.sh") || return 1
	eval "$vars"
}

amd_host_tests() {
	local out=$NESTVIRT_ROOT/build/results/amd
	boot_amd_host "$KBUILD" "$NV_MODDIR" "stock attached nestvirt" "$out"
	echo "emulated host exited with $? (console: $out/console.log)"
	cat "$out/results.tap" 2>/dev/null
	tap_summary "$out/results.tap" "emulated AMD host"
}

phase "host: engine tests" host_tests
phase "build: kernel, modules, selftests" build_all &&
	phase "emulated AMD host" amd_host_tests

echo
echo "=== phase timings"
printf '%s\n' "${phases[@]}"
printf '%-28s %5d s\n' "total" $((SECONDS - t_start))
if [ $failed = 0 ]; then echo "nestvirt tests: PASS"; else echo "nestvirt tests: FAIL"; fi
exit $failed
