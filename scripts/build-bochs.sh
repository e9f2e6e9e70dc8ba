#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds Bochs 3.0 from Debian's source tarball (checksum pinned) with the
# patches in scripts/bochs/patches/3.0 (series order): the three emulator
# bugs that keep KVM's APICv from working under vanilla 3.0, and the
# VPID-tagged TLB the staleness test needs (BOCHS_TAGGED_TLB). Facts in
# EMULATION.md, "Intel host with APICv: Bochs 3.0 built from source".
#
# Idempotent: the result, $NESTVIRT_TOOLS/bochs-3.0/bin/bochs, is rebuilt only
# when the tarball, a patch or the configure flags change. Prints its path.
# Needs gcc 12 (bookworm's; gcc 15 builds miscompute IDIV) and make.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

BOCHS3_TARBALL=bochs_3.0+dfsg.orig.tar.xz
BOCHS3_URL=http://deb.debian.org/debian/pool/main/b/bochs/$BOCHS3_TARBALL
BOCHS3_SHA256=78f6c73d4a6472d5130a87ab9dc306d02c7c71ed8e25b3a8ef642e2a7acd282b
# No GUI, no debugger, no sound, USB or NICs: what a headless KVM host
# needs. --disable-show-ips: its timer can deadlock Bochs while it logs.
BOCHS3_CONFIGURE=(--enable-x86-64 --enable-cpu-level=6 --enable-vmx=2 --enable-smp --enable-avx
	--enable-evex --enable-cet --enable-protection-keys --enable-all-optimizations --enable-pci
	--enable-a20-pin --disable-show-ips --with-nogui --disable-plugins --disable-debugger
	--disable-sound --disable-usb --disable-ne2000 --disable-e1000 --disable-pnic)

patches=$NESTVIRT_ROOT/scripts/bochs/patches/3.0
prefix=$NESTVIRT_TOOLS/bochs-3.0
dl=$NESTVIRT_CACHE/dl

# What the binary is built from: a change in any of it rebuilds.
stamp=$({
	echo "$BOCHS3_SHA256" "${BOCHS3_CONFIGURE[*]}"
	while read -r p; do sha256sum <"$patches/$p"; done <"$patches/series"
} | sha256sum | cut -c1-16)

if [ -x "$prefix/bin/bochs" ] && [ "$(cat "$prefix/.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$prefix/bin/bochs"
	exit 0
fi

log() { printf 'bochs-3.0: %s\n' "$*" >&2; }
mkdir -p "$dl"
if ! echo "$BOCHS3_SHA256  $dl/$BOCHS3_TARBALL" | sha256sum -c --quiet 2>/dev/null; then
	log "fetching $BOCHS3_URL"
	curl -fsSL --retry 3 -o "$dl/$BOCHS3_TARBALL.part" "$BOCHS3_URL"
	mv "$dl/$BOCHS3_TARBALL.part" "$dl/$BOCHS3_TARBALL"
	echo "$BOCHS3_SHA256  $dl/$BOCHS3_TARBALL" | sha256sum -c --quiet ||
		die "bochs-3.0: $BOCHS3_TARBALL does not match its pinned sha256"
fi

src=$NESTVIRT_CACHE/bochs-3.0-src
rm -rf "$src" && mkdir -p "$src"
tar -xf "$dl/$BOCHS3_TARBALL" -C "$src" --strip-components=1
while read -r p; do
	log "applying $p"
	patch -s -p1 -d "$src" <"$patches/$p"
done <"$patches/series"

log "configure and make (about a minute on 2 cores)"
(cd "$src" && ./configure -q --prefix="$prefix" "${BOCHS3_CONFIGURE[@]}" >configure.out 2>&1) ||
	{ tail -20 "$src/configure.out" >&2; die "bochs-3.0: configure failed"; }
make -s -C "$src" -j"$(nproc)" >"$src/make.out" 2>&1 ||
	{ tail -30 "$src/make.out" >&2; die "bochs-3.0: make failed"; }
rm -rf "$prefix" && mkdir -p "$prefix/bin"
install -m 0755 "$src/bochs" "$prefix/bin/bochs"
echo "$stamp" >"$prefix/.stamp"
rm -rf "$src"
log "built $prefix/bin/bochs"
echo "$prefix/bin/bochs"
