//go:build unix

package harness_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// reportPeakRSS reports the process's peak resident memory. It is the peak of
// the whole process, so scripts/bench.sh runs each benchmark it quotes for
// memory in a process of its own.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Logf("peak RSS not measured: %v", err)
		return
	}
	kb := float64(ru.Maxrss) // kilobytes on Linux and the BSDs
	if runtime.GOOS == "darwin" {
		kb /= 1024 // bytes there
	}
	b.ReportMetric(kb/1024, "peakRSS-MB")
}

// cpuTime is the CPU time (user and system) the process has used so far:
// unlike wall time, a noisy neighbour barely changes it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
