# SPDX-License-Identifier: GPL-2.0
# Boots the test kernel under QEMU TCG -cpu max (an AMD host with SVM and
# NPT) with virtme-ng, sharing the host's root read-only, and runs
# selftests/run-in-guest.sh there. Sourced by run.sh and test.sh.
#
# virtme-ng hides /tmp and /var/cache behind tmpfs mounts and mounts its
# read-write directories before its read-only ones, so: the work tree and
# the cache are passed back in read-only, and the guest writes its results
# to a scratch directory of its own, copied to OUTDIR afterwards.

# boot_amd_host KBUILD MODDIR SUITES OUTDIR: results land in OUTDIR
# (results.tap, dmesg.txt, logs/, console.log). Returns 0 when the guest
# ran to the end of run-in-guest.sh, else vng's status.
# NV_QEMU_EXTRA: more QEMU options (the bench's instruction-count clock).
# NV_DKMS_ROOT: the module tree of the dkms suite (scripts/dkms-check.sh).
# NV_KERNEL_APPEND: more kernel command line (the debug kernel's checkers).
boot_amd_host() {
	local kbuild=$1 moddir=$2 suites=$3 outdir=$4 run rc=0
	rm -rf "$outdir" && mkdir -p "$outdir"
	run=$(mktemp -d /tmp/nestvirt-host.XXXXXX)
	# -cpu max under TCG is what vng --disable-kvm passes; say it anyway so
	# the host CPU model does not depend on virtme-ng's defaults.
	timeout 1800 vng --run "$kbuild" --disable-kvm --force-9p -m 4G --cpus 2 \
		--qemu-opts="-cpu max ${NV_QEMU_EXTRA:-}" \
		${NV_KERNEL_APPEND:+--append "$NV_KERNEL_APPEND"} \
		--rodir "$NESTVIRT_ROOT" --rodir "$NESTVIRT_CACHE" --rwdir "$run" \
		--exec "env NV_KBUILD=$kbuild NV_MODDIR=$moddir \
			NV_KSELFTEST=$kbuild/kselftest/kvm NV_TESTS=$NESTVIRT_ROOT/build/selftests \
			NV_CTL=$NESTVIRT_ROOT/tools/nestvirtctl/target/release/nestvirtctl \
			NV_DKMS_ROOT=${NV_DKMS_ROOT:-} \
			NV_SUITES='$suites' NV_OUT=$run \
			bash $NESTVIRT_ROOT/selftests/run-in-guest.sh" \
		</dev/null >"$outdir/console.log" 2>&1 || rc=$?
	cp -r "$run"/. "$outdir"/
	rm -rf "$run"
	# vng's own status is 255 even when the guest script ran to its end:
	# under TCG the virtio-serial ports that carry the script's exit status
	# appear after virtme-ng-init looked for them ("cannot find script I/O
	# ports"), so it falls back to the console and the status is lost. The
	# guest's last act is to write run-complete; that says it finished.
	[ -f "$outdir/run-complete" ] && return 0
	echo "the emulated host did not finish its run (vng exited with $rc)" >&2
	return $rc
}
