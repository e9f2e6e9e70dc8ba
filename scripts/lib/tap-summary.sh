# SPDX-License-Identifier: GPL-2.0
# tap_summary FILE LABEL: prints the counts of a kselftest TAP stream and
# fails when a test failed, or when the stream is cut short (no plan line,
# or fewer test points than planned: the guest died mid-run).
tap_summary() {
	local tap=$1 label=$2
	[ -s "$tap" ] || { echo "$label: no TAP output (the emulated host did not run the tests)"; return 1; }
	awk -v label="$label" '
		/^ok / { if ($0 ~ /# SKIP/) skip++; else pass++; points++ }
		/^not ok / { if ($0 ~ /# TODO/) todo++; else { fail++; failed = failed "\n  " $0 }; points++ }
		/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
		END {
			printf "%s: %d passed, %d failed, %d skipped, %d known failures (baseline)\n",
				label, pass, fail, skip, todo
			if (failed != "") printf "%s failures:%s\n", label, failed
			if (plan == 0) { print label ": no plan line: the run was cut short"; exit 1 }
			if (plan != points) { printf "%s: planned %d, ran %d\n", label, plan, points; exit 1 }
			exit fail > 0
		}' "$tap"
}
