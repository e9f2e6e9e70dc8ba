#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the Debian packages nestvirt-dkms and nestvirt-tools with
# `dpkg-buildpackage -us -uc` from a copy of the tracked files (so nothing
# built in the work tree leaks into them), runs lintian on them and prints
# the package names, sizes and lintian's findings. The packages land in
# build/packages/. Fails when the build fails or lintian reports an error.
# Installs what is missing first (setup-host.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

bash "$here/setup-host.sh" >&2
version=$(dpkg-parsechangelog -l "$NESTVIRT_ROOT/debian/changelog" -S Version)
grep -qx "PACKAGE_VERSION=\"$version\"" "$NESTVIRT_ROOT/dkms.conf" ||
	die "dkms.conf's PACKAGE_VERSION is not $version (debian/changelog)"
grep -q "usr/src/nestvirt-$version/" "$NESTVIRT_ROOT/debian/nestvirt-dkms.install" ||
	die "debian/nestvirt-dkms.install does not install into /usr/src/nestvirt-$version"

pkg=$NESTVIRT_ROOT/build/pkg
out=$NESTVIRT_ROOT/build/packages
stage=$pkg/nestvirt-$version
rm -rf "$pkg" "$out" && mkdir -p "$stage" "$out"
(cd "$NESTVIRT_ROOT" && git ls-files -z --cached --others --exclude-standard) |
	rsync -a --from0 --files-from=- "$NESTVIRT_ROOT/" "$stage/"
echo "package: dpkg-buildpackage -us -uc in $stage"
(cd "$stage" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; die "dpkg-buildpackage failed (log: $out/build.log)"; }
mv "$pkg"/*.deb "$pkg"/*.dsc "$pkg"/*.tar.* "$pkg"/*.changes "$pkg"/*.buildinfo "$out"/
rm -rf "$pkg"

for deb in "$out"/*.deb; do
	printf 'package: %s %s KiB\n' "$(basename "$deb")" "$(($(stat -c %s "$deb") / 1024))"
done
lintian --info --display-info --pedantic "$out"/*.changes >"$out/lintian.txt" 2>&1 || true
sed 's/^/lintian: /' "$out/lintian.txt" | grep -E '^lintian: [EWIPX]:' || true
errors=$(grep -c '^E:' "$out/lintian.txt" || true)
printf 'lintian: %s errors, %s warnings, %s info, %s pedantic\n' "$errors" \
	"$(grep -c '^W:' "$out/lintian.txt" || true)" "$(grep -c '^I:' "$out/lintian.txt" || true)" \
	"$(grep -c '^P:' "$out/lintian.txt" || true)"
[ "$errors" = 0 ] || die "lintian reported errors (see $out/lintian.txt)"
