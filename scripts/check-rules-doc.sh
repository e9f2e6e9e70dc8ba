#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The rule catalogue in Documentation/ is generated from the engine; fail
# when the committed page differs from what the engine generates now.
# With --update, rewrite it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
doc=$root/Documentation/nestvirt/rules.rst
gen=$(cd "$root/rust/engine" && cargo run --quiet --bin nestvirt-rules rst)
if [ "${1:-}" = --update ]; then
	printf '%s\n' "$gen" >"$doc"
	exit 0
fi
if ! diff -u "$doc" <(printf '%s\n' "$gen") >/dev/null; then
	echo "Documentation/nestvirt/rules.rst is stale: run scripts/check-rules-doc.sh --update" >&2
	exit 1
fi
(cd "$root/rust/engine" && cargo run --quiet --bin nestvirt-rules count)
