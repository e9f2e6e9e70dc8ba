# SPDX-License-Identifier: GPL-2.0
# tap_summary FILE LABEL: prints the counts of a kselftest TAP stream and
# fails when a test failed, or when the stream is cut short (no plan line,
# or fewer test points than planned: the host died mid-run). The last line
# is "LABEL: N passed, N failed, N skipped"; baseline failures (TODO points,
# the same with and without nestvirt) are counted as neither.
tap_summary() {
	local tap=$1 label=$2
	[ -s "$tap" ] || { echo "$label: no TAP output (the emulated host did not run the tests)"; return 1; }
	awk -v label="$label" '
		/^ok / { if ($0 ~ /# SKIP/) skip++; else pass++; points++ }
		/^not ok / { if ($0 ~ /# TODO/) todo++; else { fail++; failed = failed "\n  " $0 }; points++ }
		/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
		END {
			if (failed != "") printf "%s failures:%s\n", label, failed
			if (todo) printf "%s: %d known failures, as in the baseline without nestvirt\n", label, todo
			if (plan == 0) { print label ": no plan line: the run was cut short"; fail++ }
			else if (plan != points) { printf "%s: planned %d, ran %d\n", label, plan, points; fail++ }
			printf "%s: %d passed, %d failed, %d skipped\n", label, pass, fail, skip
			exit fail > 0
		}' "$tap"
}
