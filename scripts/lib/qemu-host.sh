# SPDX-License-Identifier: GPL-2.0
# Boots the test kernel under QEMU TCG -cpu max (an AMD host with SVM and
# NPT) with virtme-ng, sharing the host's root read-only, and runs
# selftests/run-in-guest.sh there. Sourced by run.sh and test.sh.
# virtme-ng hides /var/cache behind a tmpfs: the cache is passed back in
# with --rodir.

# boot_amd_host KBUILD MODDIR SUITES OUTDIR: results land in OUTDIR
# (results.tap, dmesg.txt, logs/). Returns vng's exit status.
boot_amd_host() {
	local kbuild=$1 moddir=$2 suites=$3 outdir=$4
	rm -rf "$outdir" && mkdir -p "$outdir"
	# -cpu max under TCG is what vng --disable-kvm passes; say it anyway so
	# the host CPU model does not depend on virtme-ng's defaults.
	timeout 1800 vng --run "$kbuild" --disable-kvm --force-9p -m 4G --cpus 2 \
		--qemu-opts="-cpu max" \
		--rwdir "$outdir" --rodir "$NESTVIRT_CACHE" \
		--exec "env NV_KBUILD=$kbuild NV_MODDIR=$moddir \
			NV_KSELFTEST=$kbuild/kselftest/kvm NV_TESTS=$NESTVIRT_ROOT/build/selftests \
			NV_SUITES='$suites' NV_OUT=$outdir \
			bash $NESTVIRT_ROOT/selftests/run-in-guest.sh" \
		</dev/null >"$outdir/console.log" 2>&1
}
