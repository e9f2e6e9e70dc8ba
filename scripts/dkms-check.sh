#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh KBUILD: installs the packages scripts/package.sh built, as an
# operator would (`apt-get install`, which registers nestvirt with DKMS),
# then has DKMS build and install nestvirt for the test kernel in KBUILD from
# the installed linux-source-7.3 package, and checks that modprobe prefers
# what DKMS installed under updates/dkms to the in-tree kvm-amd/kvm-intel.
# Also checks that the DKMS build fails clearly without a kernel source, for
# a kernel with no hook series and for a source of another version.
#
# The test kernel's own modules go to /lib/modules/<release> first, as an
# installed kernel's would (this machine never runs that kernel). The module
# tree is then copied to build/dkms-root for the emulated host (virtme-ng
# hides the host's /lib/modules); prints that root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
kbuild=${1:?usage: dkms-check.sh KBUILD}
log() { printf 'dkms-check: %s\n' "$*" >&2; }

version=$(dpkg-parsechangelog -l "$NESTVIRT_ROOT/debian/changelog" -S Version)
pkgs=$NESTVIRT_ROOT/build/packages
kver=$(make -s -C "$kbuild" kernelrelease)
series=$(make -s -C "$kbuild" kernelversion | cut -d. -f1-2)

# Negative cases first, on a copy of the sources: each must fail with its
# message and build nothing.
neg=$(mktemp -d)
trap 'rm -rf "$neg"' EXIT
cp -r "$NESTVIRT_ROOT/scripts" "$NESTVIRT_ROOT/kvm" "$neg/"
mkdir -p "$neg/empty" "$neg/kdir-6.1" "$neg/src-7.3.1/arch/x86/kvm/svm"
printf 'kernelversion:\n\t@echo 6.1.99\n' >"$neg/kdir-6.1/Makefile"
printf 'VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 1\n' >"$neg/src-7.3.1/Makefile"
touch "$neg/src-7.3.1/arch/x86/kvm/svm/nested.c"
# expect_failure MESSAGE ENV... : dkms-make.sh for KBUILD must fail saying it.
expect_failure() {
	local want=$1 got
	shift
	if got=$(cd "$neg" && env "$@" bash scripts/dkms-make.sh "$kver" "${KDIR:-$kbuild}" 2>&1); then
		log "dkms-make.sh succeeded with $*"; return 1
	fi
	echo "$got" | grep -q "$want" || { log "want '$want', got: $got"; return 1; }
	[ ! -e "$neg/build/modules" ] || { log "built modules although it failed"; return 1; }
	log "refuses as it should: $(echo "$got" | tail -n 1)"
}
expect_failure "no source for Linux .*: install linux-source-$series" NESTVIRT_SRC_DIR="$neg/empty"
KDIR=$neg/kdir-6.1 expect_failure "no hook series for Linux 6.1 (kernel $kver)"
expect_failure "is Linux 7.3.1, the target kernel $kver is" NESTVIRT_KSRC="$neg/src-7.3.1"

# The kernel source package, as an operator installs it (setup-host.sh
# downloaded it from trixie-backports; a local .deb ignores the pin).
if ! dpkg-query -W -f='${Status}' "linux-source-$series" 2>/dev/null | grep -q 'install ok installed'; then
	log "installing linux-source-$series"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$NESTVIRT_CACHE"/dl/linux-source-"$series"_*.deb >&2
fi

# A reinstall starts from nothing: purging runs DKMS's removal of every
# build. The test kernel is not installed yet, so the package's postinst
# (DKMS autoinstall) builds nothing: the build below is DKMS's, for a kernel
# other than the running one.
dpkg --purge nestvirt-dkms nestvirt-tools >/dev/null 2>&1 || true
rm -rf "/lib/modules/$kver"
log "apt-get install nestvirt-dkms nestvirt-tools $version"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"$pkgs/nestvirt-dkms_${version}_all.deb" "$pkgs/nestvirt-tools_${version}_amd64.deb" >&2
dkms status -m nestvirt >&2

# The test kernel's own modules: kernel/arch/x86/kvm/kvm-amd.ko and friends.
make -s -C "$KSRC" O="$kbuild" "${KMAKE_RUST[@]}" INSTALL_MOD_PATH=/ modules_install >&2
t0=$SECONDS
dkms build -m nestvirt -v "$version" -k "$kver" --kernelsourcedir "$kbuild" >&2 ||
	{ cat /var/lib/dkms/nestvirt/"$version"/{build,"$kver"/*/log}/make.log >&2 2>/dev/null; exit 1; }
dkms install -m nestvirt -v "$version" -k "$kver" --kernelsourcedir "$kbuild" >&2
log "dkms build and install for $kver: $((SECONDS - t0)) s"
dkms status -m nestvirt >&2
for m in nestvirt kvm-amd kvm-intel; do
	[ -f "/lib/modules/$kver/updates/dkms/$m.ko" ] || { log "no updates/dkms/$m.ko"; exit 1; }
done
dkms status -m nestvirt -k "$kver" | grep -q ': installed$' ||
	{ log "dkms does not say installed (or warns): $(dkms status -m nestvirt -k "$kver")"; exit 1; }
# depmod's order: updates/ before the in-tree kernel/ module of that name.
modprobe -S "$kver" --show-depends kvm_amd >&2
modprobe -S "$kver" --show-depends kvm_amd | tail -n 1 | grep -q "/updates/dkms/kvm-amd.ko" ||
	{ log "modprobe does not pick updates/dkms/kvm-amd.ko"; exit 1; }
[ -f "/lib/modules/$kver/kernel/arch/x86/kvm/kvm-amd.ko" ] ||
	{ log "no in-tree kvm-amd.ko to prefer ours to"; exit 1; }

root=$NESTVIRT_ROOT/build/dkms-root
rm -rf "$root" && mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$kver" "$root/lib/modules/"
echo "$root"
