#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything nestvirt needs on a fresh Debian bookworm machine.
# Idempotent: a second run only checks. Run as root.
#
# Sources: bookworm, bookworm-security, bookworm-backports. The kernel source
# (linux-source-7.3) alone comes from trixie-backports, pinned at priority 1 so
# apt never upgrades the system from it; it is fetched with `apt-get download`
# and unpacked, never installed.
set -Eeuo pipefail
# A failing step says which; errexit alone would end setup without a word.
trap 'echo "setup: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

BINDGEN_VERSION=0.73.2
VIRTME_NG_VERSION=1.42

log() { printf 'setup: %s\n' "$*"; }

[ "$(id -u)" = 0 ] || die "setup-host.sh installs packages: run it as root"

# add_source SUITE: a deb822 source for SUITE of the Debian archive, once.
# Returns 0 when it added one (apt needs an update).
add_source() {
	local file=/etc/apt/sources.list.d/nestvirt-$1.sources
	grep -rqs "Suites:.* $1\b\|^deb .* $1 " /etc/apt/sources.list /etc/apt/sources.list.d/ && return 1
	printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: $1" \
		"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$file"
}

add_apt_sources() {
	local changed=0
	add_source bookworm-backports && changed=1
	add_source trixie-backports && changed=1
	# Priority 1: visible for `apt-get download`, never chosen for an install
	# or upgrade (trixie's libc would replace bookworm's).
	if [ ! -f /etc/apt/preferences.d/nestvirt-trixie-backports ]; then
		printf '%s\n' "Package: *" "Pin: release n=trixie-backports" "Pin-Priority: 1" \
			>/etc/apt/preferences.d/nestvirt-trixie-backports
		changed=1
	fi
	if [ $changed = 1 ] || [ ! -f "$NESTVIRT_CACHE/.apt-updated" ]; then
		log "apt-get update"
		apt-get update -qq
		touch "$NESTVIRT_CACHE/.apt-updated"
	fi
}

BOOKWORM_PKGS=(
	build-essential flex bison bc kmod cpio rsync xz-utils zstd
	libelf-dev libssl-dev libclang-19-dev clang-19 lld-19 llvm-19
	rustc-web rust-web-src
	python3-venv python3-pip
	busybox-static
	bochs bochs-term bochsbios seabios syslinux syslinux-common mtools dosfstools
	bsdextrautils uuid-dev
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian patch curl ca-certificates
)

install_packages() {
	local missing=() p
	for p in "${BOOKWORM_PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi
	# QEMU 10 is in bookworm-backports only.
	if ! qemu_ok; then
		log "installing qemu-system-x86 from bookworm-backports"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			-t bookworm-backports qemu-system-x86 qemu-utils ovmf- 
	fi
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null &&
		qemu-system-x86_64 --version | grep -qE 'version (9|1[0-9])\.'
}

fetch_kernel_source() {
	[ -f "$KSRC/Makefile" ] && [ -f "$KSRC/.nestvirt-pristine" ] && return 0
	log "fetching linux-source-$KERNEL_SERIES from trixie-backports"
	local dl="$NESTVIRT_CACHE/dl"
	mkdir -p "$dl"
	(cd "$dl" && rm -f linux-source-*.deb &&
		apt-get download -t trixie-backports "linux-source-$KERNEL_SERIES")
	rm -rf "$dl/pkg" && dpkg-deb -x "$dl"/linux-source-*.deb "$dl/pkg"
	local tarball
	tarball=$(ls "$dl"/pkg/usr/src/linux-source-*.tar.*)
	rm -rf "$KSRC.tmp" && mkdir -p "$KSRC.tmp"
	tar -xf "$tarball" -C "$KSRC.tmp" --strip-components=1
	rm -rf "$dl/pkg"
	rm -rf "$KSRC" && mv "$KSRC.tmp" "$KSRC"
	make -s -C "$KSRC" kernelversion >"$KSRC/.nestvirt-pristine"
	log "kernel source $(cat "$KSRC/.nestvirt-pristine") in $KSRC"
}

install_bindgen() {
	if [ -x "$NESTVIRT_TOOLS/bin/bindgen" ] &&
		"$NESTVIRT_TOOLS/bin/bindgen" --version | grep -q "$BINDGEN_VERSION"; then
		return 0
	fi
	log "cargo install bindgen-cli $BINDGEN_VERSION"
	LIBCLANG_PATH=/usr/lib/llvm-19/lib cargo install --locked --root "$NESTVIRT_TOOLS" \
		bindgen-cli --version "$BINDGEN_VERSION"
}

install_virtme_ng() {
	# Not `pip show | grep -q`: grep's early exit fails pip with SIGPIPE,
	# and pipefail made every run reinstall. `|| true`: on a fresh machine
	# there is no pip yet, and errexit would end setup here, silently.
	local have
	have=$("$NESTVIRT_VENV/bin/pip" show virtme-ng 2>/dev/null | sed -n 's/^Version: //p' || true)
	if [ -x "$NESTVIRT_VENV/bin/vng" ] && [ "$have" = "$VIRTME_NG_VERSION" ]; then
		return 0
	fi
	log "installing virtme-ng $VIRTME_NG_VERSION into $NESTVIRT_VENV"
	python3 -m venv "$NESTVIRT_VENV"
	"$NESTVIRT_VENV/bin/pip" install -q "virtme-ng==$VIRTME_NG_VERSION"
}

mkdir -p "$NESTVIRT_CACHE" "$NESTVIRT_TOOLS"
add_apt_sources
install_packages
fetch_kernel_source
install_bindgen
install_virtme_ng
# After the packages: it needs gcc, make, patch and curl.
log "Bochs 3.0: $(bash "$here/build-bochs.sh")"
log "done: kernel source $KSRC, tools in $NESTVIRT_TOOLS"
