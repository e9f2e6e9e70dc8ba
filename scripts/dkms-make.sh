#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-make.sh KERNELVER KDIR: the MAKE command of dkms.conf. Finds the full
# source of the target kernel (see dkms.conf for where it looks), checks it
# is the target's version and that a hook series exists for it, and builds
# nestvirt.ko, kvm-amd.ko and kvm-intel.ko into build/modules/.
#
# RUSTC, RUSTDOC and BINDGEN default to Debian's rustc-web (/usr/bin/rustc)
# and bindgen on PATH; the kernel's Rust must be built by the same compiler.
set -euo pipefail
kver=${1:?usage: dkms-make.sh KERNELVER KDIR}
kdir=${2:?usage: dkms-make.sh KERNELVER KDIR}
cd "$(dirname "$0")/.."

fail() { echo "nestvirt-dkms: $*" >&2; exit 1; }

[ -f "$kdir/Makefile" ] || fail "no kernel build tree at $kdir (install the headers of $kver)"
target=$(make -s -C "$kdir" kernelversion 2>/dev/null) ||
	fail "cannot read the kernel version of $kdir"
series=$(echo "$target" | cut -d. -f1-2)
[ -f "kvm/patches/$series/series" ] ||
	fail "no hook series for Linux $series (kernel $kver); this nestvirt has: $(ls kvm/patches | tr '\n' ' ')"

# source_version DIR: VERSION.PATCHLEVEL.SUBLEVEL of the source in DIR.
source_version() {
	awk '/^VERSION =/ {v = $3} /^PATCHLEVEL =/ {p = $3} /^SUBLEVEL =/ {s = $3}
		END {print v "." p "." s}' "$1/Makefile"
}

ksrc=${NESTVIRT_KSRC:-}
[ -n "$ksrc" ] || [ ! -f /etc/nestvirt/ksrc ] || ksrc=$(cat /etc/nestvirt/ksrc)
if [ -z "$ksrc" ] && [ -f "${NESTVIRT_SRC_DIR:-/usr/src}/linux-source-$series/Makefile" ]; then
	ksrc=${NESTVIRT_SRC_DIR:-/usr/src}/linux-source-$series
fi
if [ -z "$ksrc" ]; then
	# NESTVIRT_SRC_DIR: where distributions put kernel sources (tests only).
	tarball=$(ls "${NESTVIRT_SRC_DIR:-/usr/src}"/linux-source-"$series".tar.* 2>/dev/null | head -n 1 || true)
	[ -n "$tarball" ] || fail "no source for Linux $target: install linux-source-$series, or set NESTVIRT_KSRC (or /etc/nestvirt/ksrc) to the source tree $kver was built from"
	ksrc=$PWD/build/ksrc
	rm -rf "$ksrc" && mkdir -p "$ksrc"
	echo "nestvirt-dkms: unpacking arch/x86/kvm of $tarball"
	tar -xf "$tarball" -C "$ksrc" --strip-components=1 --wildcards --no-wildcards-match-slash \
		'*/Makefile' '*/arch/x86/kvm/*'
fi
[ -f "$ksrc/arch/x86/kvm/svm/nested.c" ] || fail "$ksrc is not a full kernel source (no arch/x86/kvm)"
have=$(source_version "$ksrc")
[ "$have" = "$target" ] || fail "the source in $ksrc is Linux $have, the target kernel $kver is $target"

make KDIR="$kdir" KSRC="$ksrc" BUILD="$PWD/build" \
	RUSTC="${RUSTC:-/usr/bin/rustc}" RUSTDOC="${RUSTDOC:-/usr/bin/rustdoc}" \
	BINDGEN="${BINDGEN:-bindgen}" modules
