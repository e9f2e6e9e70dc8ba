#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-kvm-kbuild.sh KBUILD: the hooked vendor modules' Kbuild is KVM's
# own Makefile (scripts/derive-kvm-kbuild.sh), and KVM's export check in
# it runs on nestvirt's tree:
#   1. every vendor-module line of the pristine arch/x86/kvm/Makefile is in
#      the derived Kbuild, unchanged;
#   2. an export the series does not allow stops the build with KVM's own
#      message (the glue's two exports pass only because patch 0001 names
#      them in KVM's allow-list);
#   3. a Makefile without the hook series is refused, not built without
#      the glue.
# Run after `make modules` prepared build/kvm (scripts/build.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
kbuild=${1:?usage: check-kvm-kbuild.sh KBUILD}
tree=$NESTVIRT_ROOT/build/kvm/arch/x86/kvm
pristine=$KSRC/arch/x86/kvm/Makefile
[ -f "$tree/Kbuild" ] || { echo "check-kvm-kbuild: no $tree/Kbuild (run make modules)" >&2; exit 1; }
rc=0
say() { echo "check-kvm-kbuild: $*"; }

# 1. Logical lines (continuations joined) assigning to the vendor modules.
logical() { sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | grep -E '^(kvm-(amd|intel)|obj-\$\(CONFIG_KVM_(AMD|INTEL)\))'; }
missing=$(comm -23 <(logical "$pristine" | sort) <(logical "$tree/Kbuild" | sort))
if [ -z "$missing" ] && [ "$(logical "$pristine" | wc -l)" -gt 5 ]; then
	say "all $(logical "$pristine" | wc -l) vendor-module lines of KVM's Makefile are in the derived Kbuild"
else
	say "lines of KVM's Makefile missing from the derived Kbuild:"; echo "$missing"; rc=1
fi

# 2. KVM's export check stops a build that exports what it does not allow.
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cp -r "$tree/." "$tmp/"
echo 'EXPORT_SYMBOL_GPL(nestvirt_not_allowed);' >>"$tmp/nestvirt_glue_svm.c"
out=$(make -s -C "$kbuild" M="$tmp" NESTVIRT_INCLUDE="$NESTVIRT_ROOT/include" "${KMAKE_RUST[@]}" modules 2>&1)
if [ $? != 0 ] && grep -q "unwanted occurrences of EXPORT_SYMBOL_GPL" <<<"$out" &&
	grep -q "nestvirt_not_allowed" <<<"$out"; then
	say "KVM's export check stops an export the series does not allow"
else
	say "an export outside KVM's allow-list was not stopped:"; echo "$out" | tail -5; rc=1
fi

# 3. Without the series, the derivation refuses the Makefile.
if out=$("$here/derive-kvm-kbuild.sh" "$pristine" "$NESTVIRT_ROOT/kvm/Kbuild.nestvirt" 2>&1 >/dev/null); then
	say "the unpatched Makefile was accepted"; rc=1
else
	say "the unpatched Makefile is refused: ${out#derive-kvm-kbuild: }"
fi
exit $rc
