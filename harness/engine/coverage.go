package engine

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// ownTally records what each user got for their own objects during the
// attack (controls and baselines, not decoys), by URL, so that a credential
// refused everywhere is named even when the preflight found nothing to try.
type ownTally struct {
	mu sync.Mutex
	m  map[string]map[string]int // user → URL → status (0: no answer)
}

// add records x, an answer to u's request for one of u's own objects.
func (t *ownTally) add(u *config.User, x client.Exchange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]map[string]int{}
	}
	if t.m[u.Name] == nil {
		t.m[u.Name] = map[string]int{}
	}
	t.m[u.Name][x.URL] = x.Status
}

// counts are u's own-object requests and how many were refused (401/403).
func (t *ownTally) counts(user string) (sent, refused, status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, st := range t.m[user] {
		sent++
		if st == http.StatusUnauthorized || st == http.StatusForbidden {
			refused++
			status = st
		}
	}
	return sent, refused, status
}

// coverage says what the run tested; untested is the preflight's cause, if
// any. It also names the causes found only at the end: no operation
// attacked, no case judged, a credential refused on every own object.
func (s *Scan) coverage(rep *report.Report, untested string, interrupted bool) *report.Coverage {
	c := &report.Coverage{Untested: untested, Interrupted: interrupted, Users: []report.UserCoverage{}}
	for _, u := range s.Cfg.Users {
		uc, ok := s.users[u.Name]
		if !ok {
			uc = report.UserCoverage{Name: u.Name, Credential: report.CredentialUnchecked}
		}
		var status int
		uc.Controls, uc.Refused, status = s.own.counts(u.Name)
		switch {
		case uc.Controls > 0 && uc.Refused == uc.Controls:
			uc.Credential = report.CredentialRejected
			if c.Untested == "" {
				c.Untested = fmt.Sprintf("%s's credential was refused on every one of its own objects (%d of %d requests answered %d): %s's cases could not be judged; renew the credential or check owns and baseURL",
					u.Name, uc.Refused, uc.Controls, status, u.Name)
			}
		case uc.Controls > 0 && uc.Refused*2 >= uc.Controls:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %d of %d requests for its own objects were refused (%d): many of %s's cases have no verdict",
				u.Name, uc.Refused, uc.Controls, status, u.Name))
		case uc.Credential == report.CredentialUnchecked && uc.Controls > uc.Refused:
			uc.Credential = report.CredentialWorks
			uc.CheckedWith = fmt.Sprintf("%d of its own objects answered", uc.Controls-uc.Refused)
		}
		c.Users = append(c.Users, uc)
	}
	c.Attacked = s.rec.attacked()
	c.LeftOut = len(rep.Skipped)
	c.Judged = rep.Stats.Leaks + rep.Stats.Safe
	c.WithoutVerdict = rep.Stats.NoVerdict
	c.Why = report.GroupReasons(s.rec.noVerdictReasons())
	switch {
	case c.Untested != "":
	case c.Attacked == 0:
		c.Untested = "no operation was attacked: " + leftOutSummary(rep.Skipped)
	case c.Judged == 0 && !interrupted:
		why := "no case was sent"
		if len(c.Why) > 0 {
			why = c.Why[0].Why
		}
		c.Untested = fmt.Sprintf("no case got a verdict (%d without verdict; the commonest reason: %s)", c.WithoutVerdict, why)
	}
	return c
}

// leftOutSummary names why operations were left out, the commonest first.
func leftOutSummary(skips []plan.Skip) string {
	if len(skips) == 0 {
		return "the spec has no operation with an object-id parameter and a security requirement (run plan to see why each is left out)"
	}
	var whys []string
	for _, s := range skips {
		whys = append(whys, s.Why)
	}
	g := report.GroupReasons(whys)
	out := fmt.Sprintf("%d left out", len(skips))
	for i, r := range g {
		if i == 3 {
			break
		}
		out += fmt.Sprintf("; %d: %s", r.Count, r.Why)
	}
	return out
}
