package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/auth"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// authCurl is what each family's curl lines must carry: the credential as
// a variable, where the family puts it.
var authCurl = map[string]string{
	"apikey-header":   `-H "X-API-Key: $`,
	"apikey-query":    `"?api_key=$`,
	"basic":           `-u "`,
	"cookie-csrf":     `-b "sid=$`,
	"oauth2-password": `-H "Authorization: Bearer $`,
}

// authRun is one scan of an auth API with everything it wrote.
type authRun struct {
	cfg       *config.Config
	rep       *report.Report
	artefacts map[string]string // name → text: console, log, JSON, SARIF, Markdown, HTML
}

// lockedBuffer takes console and log lines from concurrent operations.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// scanAuth scans one auth API in mode, verbose, and writes every report
// format. The cookie API also gets PUT, so its CSRF-checked write is sent.
func scanAuth(t *testing.T, api auth.API, mode string) authRun {
	t.Helper()
	cfg, err := config.ParseConfigEmbedded("fixtures/auth/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
	require.NoError(t, err)
	cfg.Seed = 1129
	if api.Name == "cookie-csrf" {
		cfg.Methods = append(cfg.Methods, "PUT")
	}
	console, logs := &lockedBuffer{}, &lockedBuffer{}
	opts := harness.Options{FixtureMode: mode, Log: func(f string, a ...any) { fmt.Fprintf(logs, f+"\n", a...) }}
	rep := scan(t, cfg, opts, console)
	dir := t.TempDir()
	run := authRun{cfg: cfg, rep: rep, artefacts: map[string]string{"console": console.String(), "log": logs.String()}}
	writers := map[string]func(string) error{
		"report.json": rep.WriteJSON, "report.sarif": rep.WriteSARIF, "report.md": rep.WriteMarkdown, "report.html": rep.WriteHTML,
	}
	for name, write := range writers {
		path := filepath.Join(dir, name)
		require.NoError(t, write(path))
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		run.artefacts[name] = string(data)
	}
	return run
}

// TestAuthFamilies scans every auth API over real HTTP: in vulnerable mode
// every planted flaw is found on its operation and no twin is flagged, in
// fixed mode nothing is; the credential reached the API (cases judged, none
// without verdict); and no artefact holds any credential in any encoding.
// It logs requests per flaw, the figures the README keeps.
func TestAuthFamilies(t *testing.T) {
	var rows []string
	for _, api := range auth.APIs() {
		t.Run(api.Name, func(t *testing.T) {
			vuln := scanAuth(t, api, "vulnerable")
			flawed := map[string]bool{}
			for _, f := range api.Flaws {
				flawed[f.Operation] = true
				found := authFinding(vuln.rep, f)
				assert.NotNil(t, found, "flaw not found: %s %s (%s→%s)", api.Name, f.Operation, f.Attacker, f.Victim)
				if found != nil {
					assert.Contains(t, found.Curl, authCurl[api.Name], "curl names the credential as a variable")
				}
				rows = append(rows, fmt.Sprintf("| %s | `%s` | %s | %d | %d |", api.Name, f.Operation, yesNo(found), countOn(vuln.rep, f.Operation), opRequests(vuln.rep, f.Operation)))
			}
			for _, fd := range vuln.rep.Findings {
				assert.True(t, flawed[fd.Operation], "false positive: %s %s %s→%s %s=%s (%s)", api.Name, fd.Operation, fd.Attacker, fd.Victim, fd.Parameter, fd.Value, fd.Kind)
			}
			for _, trap := range api.Traps {
				assert.Equal(t, "not flagged", flagged(vuln.rep, trap.Operation), "twin flagged: %s %s", api.Name, trap.Operation)
			}
			fixed := scanAuth(t, api, "fixed")
			assert.Empty(t, fixed.rep.Findings, "fixed mode flags nothing")
			for _, run := range []authRun{vuln, fixed} {
				assert.Positive(t, run.rep.Stats.Cases, "cases were judged")
				assert.Zero(t, run.rep.Stats.NoVerdict, "every case had a verdict, so the credential worked: %v", run.rep.NoVerdicts)
				assertNoSecret(t, run)
			}
		})
	}
	sort.Strings(rows)
	t.Logf("\n| family | operation | found | findings | requests |\n|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// authFinding is the finding that shows f: its operation, parameter,
// attacker and victim.
func authFinding(rep *report.Report, f auth.Flaw) *report.Finding {
	for i, fd := range rep.Findings {
		if fd.Operation == f.Operation && fd.Parameter == f.Parameter && fd.Attacker == f.Attacker && fd.Victim == f.Victim {
			return &rep.Findings[i]
		}
	}
	return nil
}

// countOn counts the findings on op.
func countOn(rep *report.Report, op string) int {
	n := 0
	for _, fd := range rep.Findings {
		if fd.Operation == op {
			n++
		}
	}
	return n
}

// assertNoSecret greps every artefact for every credential of the run: the
// configured ones, and those learnt by logging in (tokens, session and CSRF
// cookies), raw, URL-encoded, base64, and Basic's base64 of user:password.
func assertNoSecret(t *testing.T, run authRun) {
	t.Helper()
	var values []string
	for _, u := range run.cfg.Users {
		if b := u.Basic; b != nil {
			values = append(values, b.Password.Reveal(), base64.StdEncoding.EncodeToString([]byte(b.Username+":"+b.Password.Reveal())))
		}
		values = append(values, u.APIKey.Reveal(), u.Token.Reveal())
		if u.Login != nil {
			for _, c := range u.Login.Credentials {
				values = append(values, c.Reveal())
			}
		}
	}
	learnt := run.cfg.Keyring().Secrets()
	for _, s := range learnt {
		values = append(values, s.Reveal())
	}
	if run.cfg.Users[0].Login != nil {
		require.NotEmpty(t, learnt, "the login's token or cookies are known secrets")
	}
	var forms []string
	for _, v := range values {
		if len(v) < 6 {
			continue // empty, or too short to be a credential on its own
		}
		forms = append(forms, v, url.QueryEscape(v), base64.StdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)))
	}
	require.NotEmpty(t, forms)
	for name, text := range run.artefacts {
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s holds a credential (a form of %d bytes; the value is not printed)", name, len(f))
			}
		}
	}
}

var _ io.Writer = (*lockedBuffer)(nil)
