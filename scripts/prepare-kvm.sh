#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-kvm.sh KSRC OUTDIR: lay out the hooked vendor-module build tree.
#
# Copies arch/x86/kvm (headers, svm/, vmx/, kvm-asm-offsets.c, Makefile)
# from the pristine kernel source KSRC into OUTDIR, applies the hook patch
# series for that kernel version, adds nestvirt's glue and writes the
# tree's Kbuild from KVM's own (patched) Makefile: kvm/Kbuild.nestvirt,
# then the Makefile without kvm.ko's parts, so the object lists, flags and
# KVM's export check follow the kernel version instead of a hand copy. Re-run whenever
# the source, the series or the glue changes: the tree is rebuilt from
# scratch in a temporary directory (a half-applied series never survives)
# and only files whose content changed are copied over, so make rebuilds
# only what changed.
set -euo pipefail

ksrc=${1:?usage: prepare-kvm.sh KSRC OUTDIR}
out=${2:?usage: prepare-kvm.sh KSRC OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)

[ -f "$ksrc/arch/x86/kvm/svm/nested.c" ] ||
	{ echo "prepare-kvm: $ksrc has no arch/x86/kvm (need the full kernel source, e.g. linux-source)" >&2; exit 1; }
version=$(awk '/^VERSION =/ {v = $3} /^PATCHLEVEL =/ {p = $3} /^SUBLEVEL =/ {s = $3}
	END {print v "." p "." s}' "$ksrc/Makefile")
series_dir=$root/kvm/patches/${version%.*}
[ -f "$series_dir/series" ] ||
	{ echo "prepare-kvm: no hook series for Linux $version (have: $(ls "$root/kvm/patches" | tr '\n' ' '))" >&2; exit 1; }

tmp=$out.tmp
rm -rf "$tmp" && mkdir -p "$tmp/arch/x86/kvm"
src=$ksrc/arch/x86/kvm
# Every header (the vendor code includes "../x86.h", "mmu/spte.h", ...), the
# vendor directories whole, and the asm-offsets source.
rsync -r --include='*/' --include='*.h' --exclude='*' "$src/" "$tmp/arch/x86/kvm/"
cp -r "$src/svm" "$src/vmx" "$src/kvm-asm-offsets.c" "$src/Makefile" "$tmp/arch/x86/kvm/"
while read -r patch; do
	case "$patch" in ''|'#'*) continue ;; esac
	patch -s -p1 -d "$tmp" --no-backup-if-mismatch <"$series_dir/$patch" ||
		{ echo "prepare-kvm: $patch does not apply to Linux $version" >&2; exit 1; }
done <"$series_dir/series"
cp "$root"/kvm/nestvirt_glue* "$tmp/arch/x86/kvm/"
"$root"/scripts/derive-kvm-kbuild.sh "$tmp/arch/x86/kvm/Makefile" "$root/kvm/Kbuild.nestvirt" \
	>"$tmp/arch/x86/kvm/Kbuild" || { echo "prepare-kvm: cannot derive Kbuild from KVM's Makefile of Linux $version" >&2; exit 1; }
echo "$version" >"$tmp/.nestvirt-kernelversion"
mkdir -p "$out"
rsync -r --checksum "$tmp/" "$out/"
rm -rf "$tmp"
