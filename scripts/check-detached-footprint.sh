#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-detached-footprint.sh KBUILD: how much larger the hooked vendor
# modules' vCPUs are than stock KVM's. Compiles one probe against the
# pristine arch/x86/kvm and one against the prepared (patched) tree, reads
# sizeof(struct vcpu_svm) and sizeof(struct vcpu_vmx) from the compiler,
# prints both and fails unless the growth is what the admin guide
# ("Detached") documents. The kvm_vcpu slab cache, which would show it
# live, is merged with others on the test kernel.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
kbuild=${1:?usage: check-detached-footprint.sh KBUILD}
# The growth Documentation/nestvirt/admin-guide.rst states.
declare -A documented=([vcpu_svm]=32 [vcpu_vmx]=64)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# sizes TREE: "vcpu_svm N" and "vcpu_vmx N" for the arch/x86/kvm at TREE.
sizes() {
	local dir=$tmp/$(basename "$1")-$RANDOM
	mkdir -p "$dir" && cp -r "$1/." "$dir/" && rm -f "$dir/Makefile"
	cat >"$dir/probe.c" <<'C'
#include <linux/kvm_host.h>
#include "vmx/vmx.h"
#include "svm/svm.h"
/* Each initializer is a type error whose message spells out the size. */
char (*probe_vcpu_svm)[sizeof(struct vcpu_svm)] = 1;
char (*probe_vcpu_vmx)[sizeof(struct vcpu_vmx)] = 1;
C
	printf 'ccflags-y += -I$(src) -I%s\nobj-m := probe.o\n' "$NESTVIRT_ROOT/include" >"$dir/Kbuild"
	local out var line
	out=$(make -s -C "$kbuild" M="$dir" "${KMAKE_RUST[@]}" probe.o 2>&1)
	for var in vcpu_svm vcpu_vmx; do
		line=$(grep -n "probe_$var" "$dir/probe.c" | cut -d: -f1)
		echo "$var $(sed -n "s/^probe\.c:$line:.*char (\*)\[\([0-9]*\)\].*/\1/p" <<<"$out" | head -n 1)"
	done
}
stock=$(sizes "$KSRC/arch/x86/kvm")
hooked=$(sizes "$NESTVIRT_ROOT/build/kvm/arch/x86/kvm")
rc=0
for s in vcpu_svm vcpu_vmx; do
	a=$(awk -v s=$s '$1 == s { print $2 }' <<<"$stock")
	b=$(awk -v s=$s '$1 == s { print $2 }' <<<"$hooked")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "check-detached-footprint: could not read sizeof(struct $s) (stock '$a', hooked '$b')"; rc=1; continue
	fi
	echo "check-detached-footprint: struct $s: stock $a bytes, hooked $b bytes (+$((b - a)))"
	[ $((b - a)) = "${documented[$s]}" ] ||
		{ echo "check-detached-footprint: the admin guide says +${documented[$s]}: update one of them"; rc=1; }
done
exit $rc
