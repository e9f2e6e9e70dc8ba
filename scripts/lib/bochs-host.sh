# SPDX-License-Identifier: GPL-2.0
# Boots the test kernel under Bochs 2.7 as an emulated Intel KVM host (VMX
# with EPT, VPID, unrestricted guest, shadow VMCS, vNMI; no APICv) and runs
# scripts/bochs/init there: the kernel's nested VMX selftests with the stock
# kvm-intel and again with the hooked kvm-intel + nestvirt, then nestvirt's
# VMX selftests (boot_intel_host). boot_intel_host_tagged boots the same
# disk's "apicv" and "stale" suites under the Bochs 3.0 the project builds
# (scripts/build-bochs.sh) with its VPID-tagged TLB on. Sourced by test.sh,
# after common.sh.
#
# Bochs has no shared filesystem and no isa-debug-exit: everything goes in a
# busybox initramfs on a SYSLINUX disk image, and the results come back as
# kselftest TAP printed between markers on the serial console (a file here).
# The facts behind the choices are in EMULATION.md, "Intel host: Bochs 2.7".

# corei7_skylake_x has the VMX features the VMX baseline was measured with;
# it crashes the 7.3 kernel in fpstate_reset unless the command line says
# noxsave.
BOCHS_CPU=corei7_skylake_x
BOCHS_MEGS=1024
# Emulated instructions per guest second, near what Bochs manages here (50-75
# million a second), so guest time keeps up with wall time outside nested
# guests. Measured: 20M and 150M change a run by a few seconds only.
BOCHS_IPS=60000000
# Wall-time limit of one boot. A run takes 45-60 s on a busy 2-core machine;
# about 24 s of that is the kernel's XZ decompressor (1.4 billion emulated
# instructions, measured with Bochs' instruction counter).
: "${NV_BOCHS_TIMEOUT:=600}"
# panic=0: a panicking kernel halts instead of rebooting into a loop; the
# watchdog in boot_intel_host sees the panic and stops Bochs.
BOCHS_CMDLINE="console=ttyS0,115200 noxsave panic=0 rdinit=/init"
# The markers scripts/bochs/init prints; kept in sync with it.
BOCHS_TAP_BEGIN='=== nestvirt-bochs: TAP begin ==='
BOCHS_TAP_END='=== nestvirt-bochs: TAP end ==='
BOCHS_DMESG='=== nestvirt-bochs: kernel log ==='
BOCHS_POWEROFF='=== nestvirt-bochs: power off ==='

# bochs_initramfs KBUILD MODDIR TESTDIR OUT: an uncompressed cpio with
# busybox, the KVM modules (stock and hooked kvm-intel side by side), the
# static tests and /init. Uncompressed because that boots fastest (measured:
# gzip and zstd -19 both cost the emulated CPU more to unpack than the extra
# 5-7 MB cost to read). gen_init_cpio, from the kernel build, writes
# /dev/console without needing mknod.
bochs_initramfs() {
	local kbuild=$1 moddir=$2 testdir=$3 out=$4 d t
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		for d in /bin /proc /sys /tmp /nv /nv/modules /nv/modules/stock /nv/modules/hooked /nv/tests; do
			echo "dir $d 0755 0 0"
		done
		echo "file /bin/busybox /bin/busybox 0755 0 0"
		echo "slink /bin/sh busybox 0777 0 0"
		echo "file /init $NESTVIRT_ROOT/scripts/bochs/init 0755 0 0"
		echo "file /nv/modules/irqbypass.ko $kbuild/virt/lib/irqbypass.ko 0644 0 0"
		echo "file /nv/modules/kvm.ko $kbuild/arch/x86/kvm/kvm.ko 0644 0 0"
		echo "file /nv/modules/stock/kvm-intel.ko $kbuild/arch/x86/kvm/kvm-intel.ko 0644 0 0"
		echo "file /nv/modules/hooked/kvm-intel.ko $moddir/kvm-intel.ko 0644 0 0"
		echo "file /nv/modules/nestvirt.ko $moddir/nestvirt.ko 0644 0 0"
		echo "file /bin/nestvirtctl $(bochs_nestvirtctl) 0755 0 0"
		for t in "$testdir"/*; do
			echo "file /nv/tests/${t##*/} $t 0755 0 0"
		done
	} >"$out.list"
	"$kbuild/usr/gen_init_cpio" -t 0 -o "$out" "$out.list"
}

# bochs_disk KBUILD INITRD IMG: a FAT disk image without a partition table
# that SYSLINUX boots into the kernel. Whole cylinders of 16 heads x 63
# sectors, so the geometry in the bochsrc is exact.
bochs_disk() {
	local kbuild=$1 initrd=$2 img=$3 cyl bytes
	bytes=$(($(stat -c %s "$kbuild/arch/x86/boot/bzImage") + $(stat -c %s "$initrd") + 4 * 1024 * 1024))
	cyl=$(((bytes + 16 * 63 * 512 - 1) / (16 * 63 * 512)))
	rm -f "$img"
	mkfs.fat -C -F 16 -n NESTVIRT -S 512 -h 0 "$img" $((cyl * 16 * 63 / 2)) >/dev/null
	syslinux --install "$img"
	cat >"$img.cfg" <<-EOF
	DEFAULT nestvirt
	PROMPT 0
	TIMEOUT 0
	LABEL nestvirt
	  LINUX bzImage
	  INITRD initrd
	  APPEND $BOCHS_CMDLINE
	EOF
	# The image is a plain file: mtools need not check it is a real disk.
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img" "$img.cfg" ::syslinux.cfg
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img" "$kbuild/arch/x86/boot/bzImage" ::bzImage
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img" "$initrd" ::initrd
	rm -f "$img.cfg"
}

# The static nestvirtctl scripts/build.sh makes for the initramfs.
bochs_nestvirtctl() {
	echo "$NESTVIRT_ROOT/build/nestvirtctl-static/x86_64-unknown-linux-gnu/release/nestvirtctl"
}

# bochs_inputs KBUILD MODDIR TESTDIR: the files the disk image is made of
# (and this script), one per line.
bochs_inputs() {
	local kbuild=$1 moddir=$2 testdir=$3
	printf '%s\n' "${BASH_SOURCE[0]}" "$NESTVIRT_ROOT/scripts/bochs/init" /bin/busybox \
		"$kbuild/arch/x86/boot/bzImage" "$kbuild/usr/gen_init_cpio" \
		"$kbuild/virt/lib/irqbypass.ko" "$kbuild/arch/x86/kvm/kvm.ko" \
		"$kbuild/arch/x86/kvm/kvm-intel.ko" "$moddir/kvm-intel.ko" "$moddir/nestvirt.ko" \
		"$(bochs_nestvirtctl)" "$testdir"/*
}

# bochs_cached_disk KBUILD MODDIR TESTDIR CACHEDIR: prints the path of a disk
# image made of these inputs, rebuilt only when the hash of their contents
# changed (hashing them takes a fraction of a second; building, about one).
bochs_cached_disk() {
	local kbuild=$1 moddir=$2 testdir=$3 cache=$4 key f tmp
	mkdir -p "$cache"
	while read -r f; do
		[ -f "$f" ] || die "bochs host: missing $f (run scripts/build.sh)"
	done < <(bochs_inputs "$kbuild" "$moddir" "$testdir")
	key=$({
		echo "$BOCHS_CMDLINE"
		bochs_inputs "$kbuild" "$moddir" "$testdir" | xargs -d '\n' sha256sum
	} | sha256sum | cut -c1-16)
	if [ "$(cat "$cache/disk.key" 2>/dev/null)" != "$key" ]; then
		# Built aside and renamed, so a concurrent run never boots half a disk.
		tmp=$(mktemp -d "$cache/tmp.XXXXXX")
		bochs_initramfs "$kbuild" "$moddir" "$testdir" "$tmp/initrd" >&2 &&
			bochs_disk "$kbuild" "$tmp/initrd" "$tmp/disk.img" >&2 &&
			mv -f "$tmp/disk.img" "$cache/disk.img" &&
			echo "$key" >"$cache/disk.key"
		f=$?
		rm -rf "$tmp"
		[ $f = 0 ] || die "bochs host: building the disk image failed"
	fi
	echo "$cache/disk.img"
}

# bochs_rc IMG SERIAL LOG [VERSION]: the bochsrc, for Bochs 2.7 (bookworm's,
# with the term display) or 3.0 (ours: no display, no sound driver).
bochs_rc() {
	local img=$1 serial=$2 log=$3 version=${4:-2.7}
	cat <<-EOF
	# Written by scripts/lib/bochs-host.sh.
	megs: $BOCHS_MEGS
	cpu: model=$BOCHS_CPU, count=1, ips=$BOCHS_IPS
	romimage: file=/usr/share/seabios/bios.bin
	vgaromimage: file=/usr/share/seabios/vgabios-stdvga.bin
	pci: enabled=1, chipset=i440fx
	display_library: $([ "$version" = 3.0 ] && echo nogui || echo term)
	clock: sync=none, time0=local
	boot: disk
	ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
	ata0-master: type=disk, path="$img", mode=flat, cylinders=$(($(stat -c %s "$img") / (16 * 63 * 512))), heads=16, spt=63
	com1: enabled=1, mode=file, dev="$serial"
	mouse: enabled=0
	# No sound: Bochs would open an ALSA device the machine may not have.
	speaker: enabled=0
	$([ "$version" = 3.0 ] || echo "sound: driver=dummy")
	log: $log
	panic: action=fatal
	error: action=report
	info: action=report
	debug: action=ignore
	EOF
}

# bochs_watch PID SERIAL: waits for the Bochs run PID to end. Stops it early
# when the guest kernel panicked, or when the guest said it powers off but
# Bochs is still there ten seconds later.
bochs_watch() {
	local pid=$1 serial=$2 grace=
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if [ -z "$grace" ] && grep -qaF -e 'Kernel panic - not syncing' -e "$BOCHS_POWEROFF" "$serial" 2>/dev/null; then
			grace=$((SECONDS + 10))
		fi
		if [ -n "$grace" ] && [ $SECONDS -ge $grace ]; then
			kill "$pid" 2>/dev/null
			break
		fi
	done
	wait "$pid"
}

# boot_intel_host KBUILD MODDIR OUTDIR: results land in OUTDIR (results.tap,
# console.log, dmesg.txt, bochs.log, bochsrc). Returns 0 when the guest
# printed its whole TAP block (the TAP says which tests passed), 1 otherwise.
boot_intel_host() {
	bochs_boot 2.7 default "$@"
}

# boot_intel_host_tagged KBUILD MODDIR OUTDIR: the "apicv" and "stale"
# suites of scripts/bochs/init under Bochs 3.0, where kvm-intel has APICv,
# with BOCHS_TAGGED_TLB (translations tagged by VPID and EPTP survive VM
# entries and exits, as on hardware), so that a missing TLB flush shows as
# a stale read. As boot_intel_host.
boot_intel_host_tagged() {
	bochs_boot 3.0 apicv,stale "$@"
}

# bochs_boot VERSION SUITES KBUILD MODDIR OUTDIR: boots Bochs VERSION (2.7,
# bookworm's, or 3.0, scripts/build-bochs.sh's) on the disk whose /init
# runs SUITES (init's "nvsuites", from the kernel command line).
bochs_boot() {
	local version=$1 suites=$2 kbuild=$3 moddir=$4 outdir=$5
	local testdir=$NESTVIRT_ROOT/build/selftests/static cache=$NESTVIRT_ROOT/build/bochs/${suites//,/-}
	local img rc=0 t0=$SECONDS pid bochs3
	local BOCHS_CMDLINE="$BOCHS_CMDLINE nvsuites=$suites"
	rm -rf "$outdir" && mkdir -p "$outdir"
	img=$(bochs_cached_disk "$kbuild" "$moddir" "$testdir" "$cache") || return 1
	# A private copy: Bochs locks (and may write) its image, and the copy
	# lets runs share the cache. A killed run leaves IMAGE.lock behind;
	# -unlock and the rm below make sure none stops this one.
	cp "$img" "$outdir/disk.img"
	rm -f "$outdir"/*.lock
	bochs_rc "$outdir/disk.img" "$outdir/serial.txt" "$outdir/bochs.log" "$version" >"$outdir/bochsrc"
	if [ "$version" = 3.0 ]; then
		bochs3=$(bash "$NESTVIRT_ROOT/scripts/build-bochs.sh") || return 1
		# No display, no debugger: it needs no tty. 16 tagged contexts:
		# L0, L1 and every L2 VPID the stale test uses, with room.
		(cd "$outdir" && BOCHS_TAGGED_TLB=${NV_BOCHS_TAGGED_TLB-16} exec timeout -k 10 "$NV_BOCHS_TIMEOUT" \
			"$bochs3" -q -f bochsrc -unlock) </dev/null >"$outdir/bochs-tty.log" 2>&1 &
	else
		# bochs-bin is built with the debugger: -rc runs "c" (continue) at
		# once, and "quit" should the simulation ever stop into the
		# debugger. The term display wants a tty, which script(1) gives
		# it, and a terminal type, which CI jobs may not set (then curses
		# fails: "Error opening terminal").
		printf 'c\nquit\n' >"$outdir/debugger.rc"
		(cd "$outdir" && TERM=xterm exec timeout -k 10 "$NV_BOCHS_TIMEOUT" \
			script -qfec "bochs -f bochsrc -rc debugger.rc -unlock" /dev/null) \
			</dev/null >"$outdir/bochs-tty.log" 2>&1 &
	fi
	pid=$!
	bochs_watch "$pid" "$outdir/serial.txt" || rc=$?
	# Bochs exits with 1 after the guest's ACPI power-off; 124 is the limit.
	echo "bochs exited with $rc after $((SECONDS - t0)) s$([ $rc = 124 ] &&
		echo ", killed at the $NV_BOCHS_TIMEOUT s limit")" | tee -a "$outdir/bochs-tty.log"
	tr -d '\r' <"$outdir/serial.txt" >"$outdir/console.log" 2>/dev/null
	rm -f "$outdir/disk.img"
	bochs_extract "$outdir"
}

# bochs_captures OUTDIR: the files the guest captured (NV_STATE_CAPTURE,
# base64 after dmesg) into OUTDIR/state, each checked against its size.
bochs_captures() {
	local outdir=$1 name size
	rm -rf "$outdir/state"
	mkdir -p "$outdir/state"
	while read -r name size; do
		awk -v n="$name" '$1 == "nv-capture-begin" { on = ($2 == n); next }
			$0 == "nv-capture-end" { on = 0 } on { print }' "$outdir/console.log" |
			base64 -d >"$outdir/state/$name" &&
			[ "$(wc -c <"$outdir/state/$name")" = "$size" ] ||
			{ echo "bochs: capture $name is damaged" >&2; rm -f "$outdir/state/$name"; }
	done < <(awk '$1 == "nv-capture-begin" { print $2, $3 }' "$outdir/console.log")
}

# bochs_extract OUTDIR: results.tap and dmesg.txt from console.log. Without
# the closing marker (the guest died or hung) it takes the TAP lines printed
# as they happened, and tap_summary reports the missing plan.
bochs_extract() {
	local outdir=$1 log=$1/console.log
	if grep -qxF "$BOCHS_TAP_END" "$log" 2>/dev/null; then
		awk -v b="$BOCHS_TAP_BEGIN" -v e="$BOCHS_TAP_END" \
			'$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$log" >"$outdir/results.tap"
		awk -v b="$BOCHS_DMESG" -v e="$BOCHS_POWEROFF" \
			'$0 == e { on = 0 } /^nv-capture-begin / { on = 0 } on { print } $0 == b { on = 1 }' \
			"$log" >"$outdir/dmesg.txt"
		bochs_captures "$outdir"
		return 0
	fi
	grep -aE '^(TAP version|ok |not ok |1\.\.)' "$log" >"$outdir/results.tap" 2>/dev/null
	return 1
}
