#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# migration.sh PAYLOAD EXPECT N OUTDIR [ACCEL]: live migration of an L1
# hypervisor with a running L2. QEMU (-accel kvm by default) boots PAYLOAD
# (l1_payload.c: a bare-metal L1 that runs an L2 computing a known value
# in stages); as soon as L2 reports its first stage, the VM is migrated to
# a new QEMU (started beforehand with -incoming; QMP "migrate" over a unix
# socket), N times in a row, each time once L2 has reported progress on
# the new side. The last
# QEMU must print EXPECT (l2_expect's RESULT line). Prints, per migration,
# QEMU's downtime and total time (ms) and the L2 stage it was in, as
#   migration K: downtime D ms, total T ms, after stage S
# and exits non-zero on any failure.
set -uo pipefail
payload=$1 expect=$2 n=$3 dir=$4 accel=${5:-kvm}
here=$(cd "$(dirname "$0")" && pwd)
qmp() { python3 "$here/qmp.py" "$@"; }
mkdir -p "$dir" && rm -f "$dir"/vm*.serial "$dir"/*.sock

boot() { # boot K [QEMU ARGS]: VM K in the background
	local k=$1
	shift
	qemu-system-x86_64 -accel "$accel" -cpu "$([ "$accel" = kvm ] && echo host || echo max)" \
		-m 32 -display none -nodefaults -no-reboot \
		-serial "file:$dir/vm$k.serial" -device isa-debug-exit,iobase=0xf4,iosize=1 \
		-kernel "$payload" -qmp "unix:$dir/vm$k.qmp.sock,server=on,wait=off" "$@" \
		>"$dir/vm$k.log" 2>&1 &
	echo $! >"$dir/vm$k.pid"
}
# The last stage VM K reported, 0 if none yet.
stage_of() { sed -n 's/^L2 stage \([0-9]\) .*/\1/p' "$dir/vm$1.serial" 2>/dev/null | tail -1; }
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds (polled 5 times a second)
	local t=$(($1 * 5))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}
# Whether VM K's L2 reported a stage (or its result); ends the script when
# VM K's QEMU is gone without one (a triple fault ends it: -no-reboot).
progressed() {
	[ -n "$(stage_of "$1")" ] || grep -q '^RESULT' "$dir/vm$1.serial" 2>/dev/null && return 0
	kill -0 "$(cat "$dir/vm$1.pid")" 2>/dev/null && return 1
	echo "VM $1: QEMU exited; its serial port said:"
	cat "$dir/vm$1.serial" "$dir/vm$1.log"
	exit 1
}
sock_up() { [ -S "$dir/vm$1.qmp.sock" ]; }

# The destinations first, waiting for their incoming migration: starting
# QEMU takes longer than an L2 stage.
for k in $(seq 1 "$n"); do
	boot "$k" -incoming "unix:$dir/mig$k.sock"
done
for k in $(seq 1 "$n"); do
	wait_for 120 sock_up "$k" || { echo "VM $k: no QMP"; cat "$dir/vm$k.log"; exit 1; }
done
boot 0
wait_for 120 progressed 0 || { echo "VM 0: L2 reported nothing"; cat "$dir/vm0.log"; exit 1; }
for k in $(seq 1 "$n"); do
	prev=$((k - 1))
	stage=$(stage_of $prev)
	grep -q '^RESULT' "$dir/vm$prev.serial" && { echo "L2 finished before migration $k"; exit 1; }
	qmp "$dir/vm$prev.qmp.sock" migrate "{\"uri\": \"unix:$dir/mig$k.sock\"}" >/dev/null || exit 1
	for _ in $(seq 1 300); do
		st=$(qmp "$dir/vm$prev.qmp.sock" query-migrate) || exit 1
		case $st in *'"status": "completed"'*|*'"status": "failed"'*) break ;; esac
		sleep 0.2
	done
	echo "$st" >"$dir/migrate$k.json"
	python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
if s.get("status") != "completed":
    sys.exit("migration %s: %s" % (sys.argv[2], s))
print("migration %s: downtime %s ms, total %s ms, after stage %s" %
      (sys.argv[2], s["downtime"], s["total-time"], sys.argv[3] or 0))' "$dir/migrate$k.json" "$k" "$stage" || exit 1
	qmp "$dir/vm$prev.qmp.sock" quit >/dev/null 2>&1
	wait_for 60 progressed "$k" || { echo "VM $k: L2 made no progress after migration $k"; cat "$dir/vm$k.log"; exit 1; }
done
wait_for 300 grep -q '^RESULT' "$dir/vm$n.serial" || { echo "VM $n: no RESULT"; exit 1; }
got=$(grep '^RESULT' "$dir/vm$n.serial")
echo "L2 after $n migrations: $got (expected $expect)"
[ "$got" = "$expect" ]
