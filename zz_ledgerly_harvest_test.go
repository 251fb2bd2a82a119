package bolaharness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

func TestZZLedgerlyHarvest(t *testing.T) {
	python := flaskPython(t)
	for _, mode := range []string{"vulnerable", "fixed"} {
		base := startLedgerly(t, python, mode)
		env := map[string]string{
			"LEDGERLY_ALICE": "tok_alice_7Hq2mX9vLp4RkT8w", "LEDGERLY_BOB": "tok_bob_Zr5nK1cY8uJ3sD6e",
			"LEDGERLY_CAROL": "tok_carol_Qm4wE7tB2xN9gH5a", harness.EnvBaseURL: base, harness.EnvSeed: "1129",
		}
		sets := map[string][]string{}
		for _, variant := range []string{"listed", "harvested"} {
			cfg, err := harness.LoadConfig("examples/ledgerly/bola.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			require.NoError(t, err)
			if variant == "harvested" {
				for i := range cfg.Users {
					cfg.Users[i].Owns = nil
				}
				cfg.Shared = nil
			}
			var rep *harness.Report
			harness.NewConsole(io.Discard, false).Run(cfg.Name, func(tb harness.TB) {
				rep, err = harness.RunConfig(context.Background(), cfg, harness.Options{}, tb)
			})
			require.NoError(t, err)
			m := map[string]bool{}
			for _, f := range rep.Findings {
				m[fmt.Sprintf("%s %s %s->%s %s", f.Operation, f.Parameter, f.Attacker, f.Victim, f.Kind)] = true
			}
			for k := range m {
				sets[variant] = append(sets[variant], k)
			}
			sort.Strings(sets[variant])
			if variant == "harvested" {
				b, _ := json.MarshalIndent(rep.Harvest, "", " ")
				os.WriteFile("/tmp/ledgerly-harvest-"+mode+".json", b, 0o644)
			}
			fmt.Fprintf(os.Stderr, "%s %s: %d findings, %d requests, noverdict %d\n", mode, variant, len(sets[variant]), rep.Stats.Requests, rep.Stats.NoVerdict)
		}
		for _, v := range []string{"listed", "harvested"} {
			fmt.Fprintf(os.Stderr, "--- %s %s\n", mode, v)
			for _, k := range sets[v] {
				fmt.Fprintln(os.Stderr, "   ", k)
			}
		}
	}
}
