#!/usr/bin/env bash
# Runs the performance benchmarks of harness/bench_test.go and prints the
# ratios the performance issue sets targets for (docs/performance.md):
#
#   scripts/bench.sh                 # full run (about two minutes on 2 cores)
#   COUNT=1 scripts/bench.sh         # one round of each, for a quick look
#   RAW=out.txt scripts/bench.sh     # keep the raw `go test -bench` output
#
# Each pair is measured in one process, against one target, in the same run:
# the machines these run on are noisy, so absolute times drift and ratios
# hold. Every figure printed is the median of COUNT rounds. Environment:
# COUNT (default 5), BOLA_BENCH_CONCURRENCY (requests in flight, default the
# harness's DefaultConcurrency), BOLA_CORPUS (the real specs, default
# ../shared/corpus/specs beside the repository).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
count="${COUNT:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
raw="${RAW:-$work/raw.txt}"
: >"$raw"

if [[ -z "${BOLA_CORPUS:-}" && -d "$root/../shared/corpus/specs" ]]; then
	export BOLA_CORPUS="$root/../shared/corpus/specs"
fi

echo "building the benchmark binary..." >&2
(cd "$root" && go test -c -o "$work/harness.test" ./harness)
(cd "$root" && go test -c -o "$work/oracle.test" ./harness/oracle)

# bench PATTERN BENCHTIME [COUNT [PACKAGE]]: runs matching benchmarks of
# PACKAGE (harness, or oracle for harness/oracle), appends to $raw.
bench() {
	local pkg="${4:-harness}" dir="$root/harness"
	[[ "$pkg" == harness ]] || dir="$root/harness/$pkg"
	echo "running $1 (benchtime $2, count ${3:-$count})..." >&2
	(cd "$dir" && "$work/$pkg.test" -test.run '^$' -test.bench "$1" \
		-test.benchmem -test.benchtime "$2" -test.count "${3:-$count}") | tee -a "$raw" | grep -E '^(Benchmark|--- FAIL|FAIL|panic)' >&2 || true
}

# metric NAME UNIT: the median of UNIT over the result lines of benchmark NAME
# (exact name, before the -GOMAXPROCS suffix).
metric() {
	awk -v name="$1" -v unit="$2" '
		{ n = $1; sub(/-[0-9]+$/, "", n) }
		n == name { for (i = 3; i < NF; i++) if ($(i + 1) == unit) print $i }
	' "$raw" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B with two decimals, or n/a.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

# fmt1 V DIV: V/DIV with one decimal, or n/a.
fmt1() {
	awk -v v="$1" -v d="$2" 'BEGIN { if (v == "n/a") print "n/a"; else printf "%.1f", v / d }'
}

# r2 V: V with two decimals, or n/a.
r2() {
	awk -v v="$1" 'BEGIN { if (v == "n/a") print "n/a"; else printf "%.2f", v }'
}

# whole V: V rounded to an integer, or n/a.
whole() {
	awk -v v="$1" 'BEGIN { if (v == "n/a") print "n/a"; else printf "%.0f", v }'
}

# peak NAME: the peak resident memory of one benchmark run alone in a process.
peak() {
	local out
	out="$(cd "$root/harness" && "$work/harness.test" -test.run '^$' -test.bench "^$1\$" -test.benchtime 1x -test.count 1)"
	awk '{ for (i = 3; i < NF; i++) if ($(i + 1) == "peakRSS-MB") print $i }' <<<"$out" | tail -1
}

bench '^BenchmarkThroughput$' 10x
bench '^BenchmarkInProcess$' 10x
bench '^BenchmarkTransport$' 3x
bench '^BenchmarkLoadPlan$' 3x
bench '^BenchmarkScale$' 2x
bench '^BenchmarkPlanScale$/^(2k|8k)$' 1x
bench '^BenchmarkPlanScale$/^40k$' 1x 1
bench '^BenchmarkJudgeRepeatedBodies$' 1s "$count" oracle

echo "measuring peak memory, one benchmark per process..." >&2
rss_stripe="$(peak 'BenchmarkPeakMemory/loadplan-stripe')"
rss_plan10k="$(peak 'BenchmarkPeakMemory/plan-10000')"
rss_scan10k="$(peak 'BenchmarkPeakMemory/scan-10000')"
rss_kin10k="$(peak 'BenchmarkPeakMemory/kin-10000')"
rss_demo="$(peak 'BenchmarkPeakMemory/scan-demo')"
declare -A rss_plan rss_kin
for size in 2k 8k 40k; do
	rss_plan[$size]="$(peak "BenchmarkPlanPeakMemory/plan-$size")"
	rss_kin[$size]="$(peak "BenchmarkPlanPeakMemory/kin-$size")"
done

mem_gib="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')"
echo
echo "bolaharness benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc 2>/dev/null || echo '?') cores, ${mem_gib} GiB, $(go env GOVERSION), median of $count"
echo "(rate-x and time-x are wall-clock ratios; cpu-x compares CPU time, which a noisy neighbour barely moves)"
echo

echo "1. Throughput: demo API on loopback, rate unlimited, concurrency ${BOLA_BENCH_CONCURRENCY:-DefaultConcurrency} on both sides, same requests"
printf '   harness  %8s req/s  %6s CPU µs/request (server included)\n' \
	"$(whole "$(metric BenchmarkThroughput harness-req/s)")" "$(fmt1 "$(metric BenchmarkThroughput harness-cpu-µs/req)" 1)"
printf '   bare     %8s req/s  %6s CPU µs/request\n' \
	"$(whole "$(metric BenchmarkThroughput bare-req/s)")" "$(fmt1 "$(metric BenchmarkThroughput bare-cpu-µs/req)" 1)"
echo "   harness/bare: rate x$(r2 "$(metric BenchmarkThroughput rate-x)"), CPU per request x$(r2 "$(metric BenchmarkThroughput cpu-x)")   (target >= 0.8)"
echo

echo "2. Load+plan vs bare kin-openapi load of the same file"
for spec in stripe openai k8s; do
	n="BenchmarkLoadPlan/$spec"
	printf '   %-7s harness %7s ms  bare %7s ms  time x%s  cpu x%s  allocated x%s\n' "$spec" \
		"$(fmt1 "$(metric "$n" harness-ms)" 1)" "$(fmt1 "$(metric "$n" bare-ms)" 1)" \
		"$(r2 "$(metric "$n" time-x)")" "$(r2 "$(metric "$n" cpu-x)")" "$(r2 "$(metric "$n" alloc-x)")"
done
echo "   (target: stripe <= x1.5)"
echo

echo "3. Scaling: synthetic spec, 10,000 vs 1,000 operations (linear = x10)"
for kind in plan scan kin; do
	n="BenchmarkScale/$kind"
	printf '   %-4s  1k %7s ms  10k %7s ms  time x%s  cpu x%s  allocated x%s\n' "$kind" \
		"$(fmt1 "$(metric "$n" 1k-ms)" 1)" "$(fmt1 "$(metric "$n" 10k-ms)" 1)" \
		"$(r2 "$(metric "$n" time-x)")" "$(r2 "$(metric "$n" cpu-x)")" "$(r2 "$(metric "$n" alloc-x)")"
done
echo "   (kin: kin-openapi's bare load of the same specs, for reference)"
echo

echo "3b. Planning vs kin-openapi's bare load, synthetic specs with an id parameter per resource (plan -spec: load, attack plan, harvest plan)"
for size in 2k 8k 40k; do
	n="BenchmarkPlanScale/$size"
	printf '   %-4s plan %8s ms  kin %8s ms  time x%s  cpu x%s  allocated x%s  peak RSS %s / %s MB x%s\n' "$size" \
		"$(fmt1 "$(metric "$n" plan-ms)" 1)" "$(fmt1 "$(metric "$n" kin-ms)" 1)" \
		"$(r2 "$(metric "$n" time-x)")" "$(r2 "$(metric "$n" cpu-x)")" "$(r2 "$(metric "$n" alloc-x)")" \
		"${rss_plan[$size]}" "${rss_kin[$size]}" "$(ratio "${rss_plan[$size]}" "${rss_kin[$size]}")"
done
echo "   (target at 40k: time and peak RSS <= x2; 40k is one round)"
echo

echo "4. In-process vs loopback"
for n in InProcess Transport; do
	label="whole scan"
	[[ "$n" == Transport ]] && label="transport"
	printf '   %-11s in-process %8s req/s  loopback %8s req/s  rate x%s  cpu x%s\n' "$label" \
		"$(whole "$(metric "Benchmark$n" inprocess-req/s)")" "$(whole "$(metric "Benchmark$n" loopback-req/s)")" \
		"$(r2 "$(metric "Benchmark$n" rate-x)")" "$(r2 "$(metric "Benchmark$n" cpu-x)")"
done
echo "   (target >= x5)"
echo

echo "5. Peak resident memory, each run alone in a process (test binary included)"
echo "   load+plan Stripe             ${rss_stripe} MB"
echo "   load+plan 10,000 operations  ${rss_plan10k} MB"
echo "   scan of 10,000 operations    ${rss_scan10k} MB  (kin-openapi's bare load of that document ${rss_kin10k} MB: x$(ratio "$rss_scan10k" "$rss_kin10k"), target <= x2)"
echo "   scan of the demo API         ${rss_demo} MB"
echo

jc="$(metric BenchmarkJudgeRepeatedBodies/cache ns/op)"
jn="$(metric BenchmarkJudgeRepeatedBodies/nocache ns/op)"
echo "6. Parse each body once: judging a 2xx answer (8 KB control, attack and own baselines)"
printf '   parsed once %6s µs  parsed per use %6s µs  x%s faster, x%s less allocated\n' \
	"$(fmt1 "$jc" 1e3)" "$(fmt1 "$jn" 1e3)" "$(ratio "$jn" "$jc")" \
	"$(ratio "$(metric BenchmarkJudgeRepeatedBodies/nocache B/op)" "$(metric BenchmarkJudgeRepeatedBodies/cache B/op)")"
