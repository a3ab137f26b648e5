#!/bin/bash
# fuzz.sh - pass 1 under libFuzzer+ASan+UBSan: replay the seed corpus
# (fuzz/seeds, parseok, parseko), then fuzz for FUZZ_SECONDS (default 30).
# Any crash, leak, hang, sanitizer report or round-trip mismatch fails.
set -u
# plan: 3
. "$(dirname "$0")/../lib.sh"

here=$TOP_SRCDIR/testsuite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$here/fuzz/build.sh" "$work/fuzz_pass1" >"$work/build.log" 2>&1; then
	fail fuzz/build "fuzz target did not build" "$(tail -20 "$work/build.log")"
	exit 0
fi
pass fuzz/build

seeds=("$here/fuzz/seeds" "$here/parseok" "$here/parseko")
# Replay: every seed once, no mutation.
if "$work/fuzz_pass1" -runs=0 -timeout=10 -rss_limit_mb=2048 "${seeds[@]}" \
	>"$work/replay.log" 2>&1; then
	pass fuzz/replay_seeds
else
	fail fuzz/replay_seeds "a seed crashed or hung" "$(grep -A15 -E 'ERROR|round trip|timeout' "$work/replay.log" | head -30)"
fi

secs=${FUZZ_SECONDS:-30}
mkdir -p "$work/corpus"
if "$work/fuzz_pass1" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "${seeds[@]}" \
	>"$work/fuzz.log" 2>&1; then
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/fuzz.log" | grep -oE '[0-9]+$')
	echo "fuzz: ${runs:-?} executions in ${secs} s"
	pass fuzz/fuzz_${secs}s
else
	fail fuzz/fuzz_${secs}s "the fuzzer found a failure" \
		"$(grep -A20 -E 'ERROR|round trip|timeout' "$work/fuzz.log" | head -40)" \
		"$(for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do [ -f "$f" ] && { echo "input $f:"; head -c 300 "$f"; }; done)"
fi
