package report

import "fmt"

// The HTML report's second grid: the authorization-matrix kinds that are
// not one attacker reading one victim's object (ignored-auth, whose caller
// is nobody, and existence-leak, which reveals existence, not content)
// stay out of the attacker→victim matrix and get one row per operation
// here, so a reader sees them beside it rather than mixed into it.

// htmlBeyond is one operation's row: the ignored-auth checks that got the
// owner's object, and the attackers who told another's object from a
// missing one, each with its finding's number.
type htmlBeyond struct {
	Operation string
	Auth      []htmlRef
	Existence []htmlRef
}

// htmlRef is one entry of a cell: what it says and the finding it links.
type htmlRef struct {
	Label string
	N     int
}

// beyondRows are the rows of the second grid, operations in the order of
// their first such finding; none when the report has no such finding.
func (r *Report) beyondRows() []htmlBeyond {
	var rows []htmlBeyond
	at := map[string]int{}
	for i, f := range r.Findings {
		if f.Kind != "ignored-auth" && f.Kind != "existence-leak" {
			continue
		}
		j, ok := at[f.Operation]
		if !ok {
			j = len(rows)
			at[f.Operation] = j
			rows = append(rows, htmlBeyond{Operation: f.Operation})
		}
		if f.Kind == "ignored-auth" {
			rows[j].Auth = append(rows[j].Auth, htmlRef{Label: fmt.Sprintf("%s (%s's object)", f.Attacker, f.Victim), N: i + 1})
		} else {
			rows[j].Existence = append(rows[j].Existence, htmlRef{Label: fmt.Sprintf("%s → %s: %d", f.Attacker, f.Victim, f.Status), N: i + 1})
		}
	}
	return rows
}

// findingVerb is what the finding's first party did, as the HTML and
// SARIF sentences say it: read (the object-level kinds and ignored-auth)
// or told apart (an existence leak).
func findingVerb(f Finding) (verb, tail string) {
	if f.Kind == "existence-leak" {
		return "told apart", " from a missing one"
	}
	return "read", ""
}
