//go:build !unix

package harness_test

import (
	"testing"
	"time"
)

// reportPeakRSS is a no-op where getrusage is not available.
func reportPeakRSS(*testing.B) {}

// cpuTime is not measured here; CPU metrics then read 0.
func cpuTime() time.Duration { return 0 }
