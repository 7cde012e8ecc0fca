#!/bin/sh
# Runs the Xapian comparison (see main.go beside this file) from the
# repository root: p2pir's index and Xapian 1.4 on the same text in one run,
# one table with both and the ratios. Arguments go to the program
# (-data DIR, -rounds N, -passes N, -xapian-fields 1|2, -batch N, -python PATH,
# -json); by default both sides write one stemmed positional field.
# It prints "skipped: ..." and exits 0 when python3-xapian or the test
# collections are absent; it is not run in CI.
set -eu
cd "$(dirname "$0")/../.."
if ! command -v go >/dev/null 2>&1; then
	echo "skipped: go is not on PATH"
	exit 0
fi
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/xapian-compare" ./scripts/xapian-compare
"$bin/xapian-compare" "$@"
