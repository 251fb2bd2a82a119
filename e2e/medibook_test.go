package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// medibookFlaws is examples/medibook/GROUND_TRUTH.md: an Express API written
// without knowledge of the harness, its base path in the spec's server.
var medibookFlaws = []truthFlaw{
	{"GET /lab-results/{resultId}", "resultId", "swap"},
	{"GET /patients/{patientId}/documents/{documentId}", "documentId", "nested-scope"},
	{"GET /appointments/{appointmentId}", "appointmentId", "normalisation"},
	{"GET /patients/{patientId}/appointments", "patientId", "swap"},
	{"GET /invoices", "patientId", "swap"},
	{"GET /invoices/{invoiceCode}", "invoiceCode", "normalisation"},
	{"GET /prescriptions/{prescriptionId}", "prescriptionId", "alternate-route"},
}

// TestMedibookExpress scans the Express example over real HTTP in both
// modes: every flaw of its ground truth found, nothing else flagged (its
// public doctor directory is declared under public), the fixed mode clean.
func TestMedibookExpress(t *testing.T) {
	if testing.Short() {
		t.Skip("-short skips the Express suite (examples/medibook); run go test without -short (CI does) to include it")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: install Node.js and run npm ci in examples/medibook to scan the Express example")
	}
	if _, err := os.Stat("../examples/medibook/node_modules/express"); err != nil {
		t.Skip("express is not installed: run npm ci --prefix examples/medibook")
	}
	for _, mode := range []string{"vulnerable", "fixed"} {
		t.Run(mode, func(t *testing.T) {
			port := freePort(t)
			base := startExample(t, "../examples/medibook", []string{node, "app.js"},
				[]string{fmt.Sprintf("PORT=%d", port), "TARGET_MODE=" + mode}, port, "/api/v1/health")
			env := map[string]string{"MB_ALICE": "mb_live_563b03613e882f84a4174da454eed8d9",
				"MB_BOB": "mb_live_9401f455dbc302631199513efb977e04", "MB_CAROL": "mb_live_ad94a82f4efa415d71e16c5868749d45"}
			assertTruth(t, mode, scanExample(t, "../examples/medibook/bola.yaml", base, env, nil), medibookFlaws)
		})
	}
}
