#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Mutation testing of the engine's check modules with cargo-mutants
# (installed into the cache on first use). Prints cargo-mutants' summary
# and the score: caught / (caught + missed), timeouts counted as caught.
# With --state, the migration-state decoder and checks instead
# (src/state, src/bytes.rs, vmx/l1_env.rs; a few minutes); with --tags,
# the VPID/ASID mapping (src/tags; a few minutes); with --apic, the VMX
# APIC-virtualization model (src/apic; a few minutes).
#
# cargo-mutants walks the module tree from lib.rs and cannot follow the
# #[path] that lets nestvirt.ko include the same engine sources, so it runs
# on a copy laid out without it (src/engine/: every module); the tests
# that read files outside the crate (layout, generated docs, the glue image)
# are left out of that copy: they test no check logic. About 25 minutes on
# two cores.
#
#   scripts/mutants.sh [--state | --tags | --apic] [OUT-DIR]   (default build/mutants)
set -euo pipefail
set_=checks
case ${1:-} in
--state | --tags | --apic)
	set_=${1#--}
	shift
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
out=$(realpath -m "${1:-$NESTVIRT_ROOT/build/mutants}")
tools=$NESTVIRT_CACHE/tools/mutants
version=27.1.0

if ! "$tools/bin/cargo-mutants" mutants --version 2>/dev/null | grep -q "$version"; then
	cargo install --locked --quiet "cargo-mutants@$version" --root "$tools"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
engine=$NESTVIRT_ROOT/rust/engine
mkdir -p "$work/src/engine" "$work/tests"
# Every module engine.rs declares (all of src/ but the crate roots and the
# binary), so that a new one needs no change here.
for f in "$engine"/src/*; do
	case ${f##*/} in
	lib.rs | engine.rs | bin) ;;
	*) cp -r "$f" "$work/src/engine/" ;;
	esac
done
cp "$engine/src/engine.rs" "$work/src/engine.rs"
cp -r "$engine/tests/common" "$work/tests/"
if [ $set_ = state ]; then
	tests=(state_container state_kvm state_check)
elif [ $set_ = apic ]; then
	tests=(apic_model)
elif [ $set_ = tags ]; then
	tests=(tags_model)
	# state_container reads the named fuzz seeds (written from the
	# specification, or captured in the emulated host) from the crate's
	# directory.
	mkdir -p "$work/fuzz/corpus/state_decode"
	cp "$engine"/fuzz/corpus/state_decode/{svm-*,vmx-*,captured-*} \
		"$work/fuzz/corpus/state_decode/"
else
	tests=(svm_rules svm_props vmx_rules vmx_props vmx_baseline)
fi
for t in "${tests[@]}"; do
	cp "$engine/tests/$t.rs" "$work/tests/"
done
cat >"$work/src/lib.rs" <<'EOF'
// The engine laid out for cargo-mutants: the same files, no #[path].
#![no_std]
#![forbid(unsafe_code)]
pub mod engine;
pub use engine::*;
EOF
# The manifest without the binary, the benchmarks and criterion.
awk '/^\[\[(bin|bench)\]\]/ { skip = 1; next } /^\[/ { skip = 0 }
	!skip && !/^criterion/' "$engine/Cargo.toml" >"$work/Cargo.toml"
cp "$engine/Cargo.lock" "$work/" 2>/dev/null || true

files=()
if [ $set_ = state ]; then
	modules=(state/container state/kvm state/check state/crc32c bytes vmx/l1_env)
elif [ $set_ = tags ]; then
	modules=(tags/map tags/svm tags/vmx)
elif [ $set_ = apic ]; then
	modules=(apic/page apic/virt apic/access apic/posted)
else
	modules=(svm/check_controls svm/check_save svm/vmcb02 svm/entry svm/validate
		vmx/check_controls vmx/check_guest vmx/check_guest_seg vmx/check_host
		vmx/check_msr_list vmx/segment vmx/entry vmx/validate)
fi
for f in "${modules[@]}"; do
	files+=(-f "src/engine/$f.rs")
done
rm -rf "$out"
mkdir -p "$out"
(cd "$work" && "$tools/bin/cargo-mutants" mutants -j 1 --timeout 120 "${files[@]}" \
	--output "$out") | tail -n 3 || true
m=$out/mutants.out
caught=$(wc -l <"$m/caught.txt")
missed=$(wc -l <"$m/missed.txt")
timeout=$(wc -l <"$m/timeout.txt")
unviable=$(wc -l <"$m/unviable.txt")
echo "mutants: $caught caught, $missed missed, $timeout timed out, $unviable unviable"
echo "score: $(( 100 * (caught + timeout) / (caught + timeout + missed) ))% of viable mutants killed"
echo "missed: $m/missed.txt"
