package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Coverage says what a run tested, so that no report reads as clean when
// nothing was tested: per user whether the credential worked, how many
// operations were attacked and left out, how many cases were judged and why
// the others got no verdict. Untested, when set, is why the run could not
// test: the command line exits 3 and TestBOLA fails on it.
type Coverage struct {
	Untested    string         `json:"untested,omitempty"`
	Interrupted bool           `json:"interrupted,omitempty"`
	Users       []UserCoverage `json:"users"`
	Attacked    int            `json:"attacked"`
	LeftOut     int            `json:"leftOut"`
	Judged      int            `json:"judged"`
	// WithoutVerdict counts the cases sent but not judged; Why groups them
	// by reason, the commonest first.
	WithoutVerdict int           `json:"withoutVerdict"`
	Why            []ReasonCount `json:"withoutVerdictWhy,omitempty"`
}

// Credential states of UserCoverage.
const (
	CredentialWorks     = "works"     // a 2xx on something the user may read
	CredentialRejected  = "rejected"  // 401 or 403 on the user's own objects
	CredentialUnchecked = "unchecked" // nothing the user owns was known to try
)

// UserCoverage is one user's part of a run.
type UserCoverage struct {
	Name string `json:"name"`
	// Credential is works, rejected or unchecked; CheckedWith is the request
	// that decided it ("GET /invoices/7 → 200").
	Credential  string `json:"credential"`
	CheckedWith string `json:"checkedWith,omitempty"`
	// Controls counts the user's requests for their own objects (controls
	// and baselines); Refused those answered 401 or 403.
	Controls int `json:"controls"`
	Refused  int `json:"refused"`
}

// ReasonCount is one reason and how many cases it covers.
type ReasonCount struct {
	Why   string `json:"why"`
	Count int    `json:"count"`
}

// GroupReasons counts reasons and orders them by count, then text.
func GroupReasons(reasons []string) []ReasonCount {
	n := map[string]int{}
	for _, r := range reasons {
		n[r]++
	}
	return sortCounts(n)
}

// sortCounts turns counts by reason into ReasonCounts, the commonest first.
func sortCounts(n map[string]int) []ReasonCount {
	out := make([]ReasonCount, 0, len(n))
	for r, c := range n {
		out = append(out, ReasonCount{Why: r, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Why < out[j].Why
	})
	return out
}

// Lines are the coverage in words, for the console summary and Markdown:
// the cause first when the run could not test.
func (c *Coverage) Lines() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Untested != "" {
		out = append(out, "NOTHING WAS TESTED: "+c.Untested)
	}
	if c.Interrupted {
		out = append(out, "interrupted: this report is partial; operations not reached are listed as left out")
	}
	for _, u := range c.Users {
		line := fmt.Sprintf("%s: credential %s", u.Name, u.Credential)
		if u.CheckedWith != "" {
			line += " (" + u.CheckedWith + ")"
		}
		if u.Controls > 0 {
			line += fmt.Sprintf("; %d of %d own-object requests refused", u.Refused, u.Controls)
		}
		if u.Credential != CredentialRejected && u.Controls > 0 && u.Refused*2 >= u.Controls {
			line = "WARNING: " + line + ": many of these cases have no verdict"
		}
		out = append(out, line)
	}
	out = append(out, fmt.Sprintf("%d operations attacked, %d left out; %d cases judged, %d without verdict",
		c.Attacked, c.LeftOut, c.Judged, c.WithoutVerdict))
	for i, r := range c.Why {
		if i == 5 {
			out = append(out, fmt.Sprintf("  ... and %d more reasons (see noVerdicts in the JSON report)", len(c.Why)-5))
			break
		}
		out = append(out, fmt.Sprintf("  %d without verdict: %s", r.Count, r.Why))
	}
	return out
}

// String is Lines joined by newlines.
func (c *Coverage) String() string { return strings.Join(c.Lines(), "\n") }

// credentialRank orders credential states for a merge: a credential
// rejected in any shard is rejected, one that worked anywhere works.
var credentialRank = map[string]int{CredentialUnchecked: 0, CredentialWorks: 1, CredentialRejected: 2}

// mergeCoverage adds the coverage of shard n to a: counts add up, a user's
// credential takes its worst state, and a shard that tested nothing leaves
// the merged run untested (part of it was never tested).
func mergeCoverage(a, b *Coverage, n int) *Coverage {
	if b == nil {
		return a
	}
	if a == nil {
		a = &Coverage{Users: []UserCoverage{}}
	}
	if a.Untested == "" && b.Untested != "" {
		a.Untested = fmt.Sprintf("report %d: %s", n, b.Untested)
	}
	a.Interrupted = a.Interrupted || b.Interrupted
	a.Attacked += b.Attacked
	a.Judged += b.Judged
	a.WithoutVerdict += b.WithoutVerdict
	for _, u := range b.Users {
		i := slices.IndexFunc(a.Users, func(x UserCoverage) bool { return x.Name == u.Name })
		if i < 0 {
			a.Users = append(a.Users, u)
			continue
		}
		x := &a.Users[i]
		if credentialRank[u.Credential] > credentialRank[x.Credential] {
			x.Credential, x.CheckedWith = u.Credential, u.CheckedWith
		}
		x.Controls += u.Controls
		x.Refused += u.Refused
	}
	counts := map[string]int{}
	for _, w := range append(a.Why, b.Why...) {
		counts[w.Why] += w.Count
	}
	if a.Why = sortCounts(counts); len(a.Why) == 0 {
		a.Why = nil
	}
	return a
}
