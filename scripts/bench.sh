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

# bench PATTERN BENCHTIME [COUNT]: runs matching benchmarks, appends to $raw.
bench() {
	echo "running $1 (benchtime $2, count ${3:-$count})..." >&2
	(cd "$root/harness" && "$work/harness.test" -test.run '^$' -test.bench "$1" \
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
bench '^BenchmarkScale$/^plan$' 2x
bench '^BenchmarkScale$/^scan$' 1x

echo "measuring peak memory, one benchmark per process..." >&2
rss_stripe="$(peak 'BenchmarkLoadPlan/stripe/harness')"
rss_plan10k="$(peak 'BenchmarkScale/plan/10000')"
rss_scan10k="$(peak 'BenchmarkScale/scan/10000')"
rss_demo="$(peak 'BenchmarkInProcess')"

mem_gib="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')"
echo
echo "bolaharness benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc 2>/dev/null || echo '?') cores, ${mem_gib} GiB, $(go env GOVERSION), median of $count"
echo

h="$(metric BenchmarkThroughput harness-req/s)"
b="$(metric BenchmarkThroughput bare-req/s)"
echo "1. Throughput: demo API on loopback, rate unlimited, same concurrency, same requests"
printf '   harness  %8s req/s  %5s CPU µs/request (server included)\n' "$(whole "$h")" "$(fmt1 "$(metric BenchmarkThroughput harness-cpu-µs/req)" 1)"
printf '   bare     %8s req/s  %5s CPU µs/request\n' "$(whole "$b")" "$(fmt1 "$(metric BenchmarkThroughput bare-cpu-µs/req)" 1)"
echo "   harness/bare = $(metric BenchmarkThroughput harness/bare)   (target >= 0.8)"
echo

echo "2. Load+plan vs bare kin-openapi load of the same file"
for spec in stripe openai k8s; do
	hn="$(metric "BenchmarkLoadPlan/$spec/harness" ns/op)"
	bn="$(metric "BenchmarkLoadPlan/$spec/bare" ns/op)"
	hb="$(metric "BenchmarkLoadPlan/$spec/harness" B/op)"
	bb="$(metric "BenchmarkLoadPlan/$spec/bare" B/op)"
	printf '   %-7s harness %6s ms  bare %6s ms  time x%s  allocated x%s\n' "$spec" \
		"$(fmt1 "$hn" 1e6)" "$(fmt1 "$bn" 1e6)" "$(ratio "$hn" "$bn")" "$(ratio "$hb" "$bb")"
done
echo "   (target: stripe time <= x1.5)"
echo

echo "3. Scaling: synthetic spec, 1,000 vs 10,000 operations (linear = x10)"
for kind in plan scan; do
	t1="$(metric "BenchmarkScale/$kind/1000" ns/op)"
	t10="$(metric "BenchmarkScale/$kind/10000" ns/op)"
	m1="$(metric "BenchmarkScale/$kind/1000" B/op)"
	m10="$(metric "BenchmarkScale/$kind/10000" B/op)"
	printf '   %-4s  1k %7s ms  10k %7s ms  time x%s  allocated x%s\n' "$kind" \
		"$(fmt1 "$t1" 1e6)" "$(fmt1 "$t10" 1e6)" "$(ratio "$t10" "$t1")" "$(ratio "$m10" "$m1")"
done
echo

echo "4. In-process vs loopback"
printf '   whole scan   in-process %8s req/s  loopback %8s req/s  x%s\n' \
	"$(whole "$(metric BenchmarkInProcess inprocess-req/s)")" "$(whole "$(metric BenchmarkInProcess loopback-req/s)")" \
	"$(metric BenchmarkInProcess inprocess/loopback)"
printf '   transport    in-process %8s req/s  loopback %8s req/s  x%s\n' \
	"$(whole "$(metric BenchmarkTransport inprocess-req/s)")" "$(whole "$(metric BenchmarkTransport loopback-req/s)")" \
	"$(metric BenchmarkTransport inprocess/loopback)"
echo "   (target >= x5)"
echo

echo "5. Peak resident memory, each run alone in a process (test binary included)"
echo "   load+plan Stripe             ${rss_stripe} MB"
echo "   load+plan 10,000 operations  ${rss_plan10k} MB"
echo "   scan of 10,000 operations    ${rss_scan10k} MB"
echo "   demo scans (in-process, loopback) ${rss_demo} MB"
