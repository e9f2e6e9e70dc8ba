#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# derive-kvm-kbuild.sh MAKEFILE HEADER: print the Kbuild that builds the
# hooked kvm-amd.ko and kvm-intel.ko out of tree from arch/x86/kvm/Makefile
# (with the hook series applied): HEADER (kvm/Kbuild.nestvirt), then the
# Makefile with only what belongs to kvm.ko taken out —
#   * include $(srctree)/virt/kvm/Makefile.kvm (kvm.ko's common objects),
#   * every kvm-y / kvm-$(CONFIG_...) assignment, continuation lines
#     included, and obj-$(CONFIG_KVM_X86),
# and $(srctree)/arch/x86/kvm read as this tree ($(src)): the copied tree
# is the source, and KVM's export check then scans it, glue included.
# virt/kvm is not part of it (kvm.ko is not rebuilt). Everything else —
# the vendor object lists, flags, the asm-offsets rule, the export check —
# is KVM's own, as that kernel version has it. Fails if the result still
# names the kernel source tree or lost a vendor module, so a Makefile that
# changed shape is noticed instead of silently built wrong.
set -euo pipefail
makefile=${1:?usage: derive-kvm-kbuild.sh MAKEFILE HEADER}
header=${2:?usage: derive-kvm-kbuild.sh MAKEFILE HEADER}

derived=$(awk '
	# A logical line is dropped or kept whole, continuation lines included.
	!cont {
		drop = ($0 ~ /^include[ \t]+\$\(srctree\)\/virt\/kvm\/Makefile\.kvm[ \t]*$/ ||
			$0 ~ /^kvm-(y|\$\([A-Z0-9_]+\))[ \t]*[+:]?=/ ||
			$0 ~ /^obj-\$\(CONFIG_KVM_X86\)[ \t]*[+:]?=/)
	}
	{ cont = ($0 ~ /\\$/); if (!drop) print }
' "$makefile" | sed -e '/^\$\$(newline)[ \t]*\$(srctree)\/virt\/kvm\\$/d' \
		  -e 's| \$(srctree)/virt/kvm||g' \
		  -e 's|\$(srctree)/arch/x86/kvm|$(src)|g')

fail() { echo "derive-kvm-kbuild: $*" >&2; exit 1; }
! grep -q 'srctree' <<<"$derived" ||
	fail "$makefile still names \$(srctree) after derivation: $(grep -n srctree <<<"$derived" | head -3)"
for module in kvm-amd kvm-intel; do
	grep -q "^obj-\$(CONFIG_KVM_[A-Z]*)[[:space:]]*+= $module.o" <<<"$derived" ||
		fail "$makefile builds no $module.o"
	grep -q "^$module-y[[:space:]].*nestvirt_glue_" <<<"$derived" ||
		fail "$makefile does not link nestvirt's glue into $module (hook series not applied?)"
done
grep -q 'check_kvm_exports' <<<"$derived" || fail "$makefile has no export check any more: review the derivation"

cat "$header"
echo
echo "# ---- arch/x86/kvm/Makefile, as derived by scripts/derive-kvm-kbuild.sh ----"
echo
printf '%s\n' "$derived"
