#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel (and the kernel's own KVM selftests) from the pristine
# source fetched by setup-host.sh, into $NESTVIRT_CACHE/kbuild-<hash>.
# The hash covers the config fragments and the source version, so the kernel
# is rebuilt only when one of them changes. Prints the build directory.
#
# NESTVIRT_KERNEL=debug builds the debug test kernel instead: the same
# fragment plus kconfig/nestvirt-debug.config (KASAN, UBSAN, lockdep,
# kmemleak, KFENCE), into $NESTVIRT_CACHE/kbuild-debug-<hash>; each flavour
# keeps its own newest build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

[ -f "$KSRC/.nestvirt-pristine" ] || die "no kernel source in $KSRC: run scripts/setup-host.sh"
fragments=("$here/kconfig/nestvirt-test.config")
prefix=kbuild-
case "${NESTVIRT_KERNEL:-test}" in
test) ;;
debug)
	fragments+=("$here/kconfig/nestvirt-debug.config")
	prefix=kbuild-debug-
	;;
*) die "NESTVIRT_KERNEL=$NESTVIRT_KERNEL: not test or debug" ;;
esac
key=$( (cat "$KSRC/.nestvirt-pristine" "${fragments[@]}") | sha256sum | cut -c1-12)
KBUILD=$NESTVIRT_CACHE/$prefix$key
jobs=$(nproc)

log() { printf 'build-kernel: %s\n' "$*" >&2; }

if [ ! -f "$KBUILD/.nestvirt-done" ]; then
	mkdir -p "$KBUILD"
	kmake=(make -s -C "$KSRC" O="$KBUILD" "${KMAKE_RUST[@]}" -j"$jobs")
	log "configuring $KBUILD (tinyconfig + ${fragments[*]##*/})"
	"${kmake[@]}" tinyconfig >/dev/null
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" "$KBUILD/.config" "${fragments[@]}" >/dev/null
	"${kmake[@]}" olddefconfig >/dev/null
	# A fragment option that did not stick is a silent misconfiguration.
	bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$KBUILD/.config" && { log "$opt should be off"; bad=1; }
		else
			grep -qx "$opt=$val" "$KBUILD/.config" || { log "$opt=$val did not stick"; bad=1; }
		fi
	done < <(cat "${fragments[@]}")
	[ $bad = 0 ] || die "config fragment not satisfied (see above)"
	log "building bzImage and modules"
	"${kmake[@]}" bzImage modules >"$KBUILD/build.log" 2>&1 || { tail -40 "$KBUILD/build.log" >&2; die "kernel build failed"; }
	touch "$KBUILD/.nestvirt-done"
	# Keep one kernel per flavour: drop builds of older fragments or sources.
	for old in "$NESTVIRT_CACHE/$prefix"*; do
		case ${old#"$NESTVIRT_CACHE/$prefix"} in ????????????) ;; *) continue ;; esac
		[ "$old" = "$KBUILD" ] || [ -L "$old" ] || rm -rf "$old"
	done
fi

if [ ! -f "$KBUILD/.nestvirt-selftests-done" ]; then
	log "building KVM selftests"
	make -s -C "$KSRC" O="$KBUILD" headers_install INSTALL_HDR_PATH="$KBUILD/usr" >/dev/null
	make -C "$KSRC/tools/testing/selftests/kvm" OUTPUT="$KBUILD/kselftest/kvm" \
		KHDR_INCLUDES="-isystem $KBUILD/usr/include" -j"$jobs" >"$KBUILD/selftests.log" 2>&1 ||
		{ tail -40 "$KBUILD/selftests.log" >&2; die "KVM selftests build failed"; }
	touch "$KBUILD/.nestvirt-selftests-done"
fi
echo "$KBUILD"
