#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The hook series must stay what a KVM maintainer would read: every patch
# of kvm/patches/<series>/ passes the kernel's own checkpatch.pl --strict
# (from the kernel source the build uses) with no error, warning or check.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
checkpatch=$KSRC/scripts/checkpatch.pl
[ -f "$checkpatch" ] || { echo "check-patches: no $checkpatch (run scripts/setup-host.sh)" >&2; exit 1; }
# From the kernel tree: run inside another git tree, checkpatch takes the
# series file itself for a changed source file.
cd "$KSRC" || exit 1
rc=0
for series in "$NESTVIRT_ROOT"/kvm/patches/*/; do
	while read -r patch; do
		case "$patch" in ''|'#'*) continue ;; esac
		out=$(perl "$checkpatch" --strict --no-tree --terse "$series$patch" 2>&1)
		if [ -n "$out" ] && ! echo "$out" | grep -q "total: 0 errors, 0 warnings, 0 checks"; then
			echo "check-patches: $patch:"
			echo "$out"
			rc=1
		else
			echo "check-patches: $(basename "$series")/$patch: checkpatch --strict clean"
		fi
	done <"$series/series"
done
exit $rc
