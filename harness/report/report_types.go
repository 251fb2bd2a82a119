package report

import (
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// WriteSummary counts the writes a scan sent and lists what it could not
// undo.
type WriteSummary struct {
	// Sent is how many writes were sent as an attacker.
	Sent int `json:"sent"`
	// Changed is how many objects a write changed: a victim's, or the
	// attacker's own when a handler ignored the id.
	Changed int `json:"changed"`
	// Restored is how many of those read back as before once written back.
	Restored int `json:"restored"`
	// Unrestored are the changes that could not be written back.
	Unrestored []UnrestoredWrite `json:"unrestored"`
}

// UnrestoredWrite is one change the harness could not undo.
type UnrestoredWrite struct {
	Operation string `json:"operation"`
	// Owner is the user whose object it is.
	Owner string `json:"owner"`
	// Object is the owner's read-back URL of the object.
	Object string `json:"object"`
	// Marker is the text the write left, to find it ("" for none).
	Marker string `json:"marker,omitempty"`
	Why    string `json:"why"`
}

// mergeWrites adds two reports' write summaries (report_merge.go): nothing
// a shard could not undo is lost in the merged report.
func mergeWrites(a, b *WriteSummary) *WriteSummary {
	if a == nil || b == nil {
		if a == nil {
			return b
		}
		return a
	}
	return &WriteSummary{Sent: a.Sent + b.Sent, Changed: a.Changed + b.Changed, Restored: a.Restored + b.Restored,
		Unrestored: append(append([]UnrestoredWrite{}, a.Unrestored...), b.Unrestored...)}
}

// CreatedObject is one object the harness created as its owner.
type CreatedObject struct {
	// Operation is the POST that created it.
	Operation string `json:"operation"`
	User      string `json:"user"`
	Param     string `json:"param"`
	// ID is "" when the POST succeeded but its answer named no id: the
	// object exists and could not be deleted.
	ID  string `json:"id"`
	URL string `json:"url,omitempty"`
	// Deleted is true once the creator's DELETE succeeded (or found the
	// object already gone); false means it is left behind.
	Deleted bool   `json:"deleted"`
	Why     string `json:"why,omitempty"`

	Del *spec.Operation `json:"-"`
}

// HarvestReport is the harvest section of a report: what was called and what
// was found.
type HarvestReport struct {
	Enabled bool   `json:"enabled"`
	Why     string `json:"why,omitempty"`
	// Requests lists every harvesting request, in the order sent.
	Requests []HarvestRequest `json:"requests"`
	// Found lists the ids each user owns per parameter, as harvested.
	Found []HarvestFound `json:"found"`
	// Shared are objects several users may read (HarvestShared).
	Shared []HarvestShared `json:"shared,omitempty"`
	// Refused are the GETs the plan would not call, with the reason.
	Refused []plan.HarvestSkip `json:"refused,omitempty"`
	// Stopped says where a limit cut harvesting short.
	Stopped  []string `json:"stopped,omitempty"`
	Creation string   `json:"creation"`
}

// HarvestRequest is one harvesting request.
type HarvestRequest struct {
	User      string `json:"user"`
	Operation string `json:"operation"`
	URL       string `json:"url"`
	Status    int    `json:"status"`
	Err       string `json:"error,omitempty"`
	// IDs is how many ids the response gave.
	IDs int `json:"ids"`
}

// HarvestFound is the ids harvested for one user and parameter.
type HarvestFound struct {
	User  string   `json:"user"`
	Param string   `json:"param"`
	IDs   []string `json:"ids"`
	From  []string `json:"from"`
	// Used is false when the config lists owns for that parameter: the
	// user's ids win.
	Used bool   `json:"used"`
	Why  string `json:"why,omitempty"`
}

// HarvestShared is an object several users may read: with an Owner, the
// Users its owner shares it with (they do not attack it, the others do);
// without, the users whose listings all showed it (nobody attacks it).
type HarvestShared struct {
	Param string   `json:"param"`
	ID    string   `json:"id"`
	Owner string   `json:"owner,omitempty"`
	Users []string `json:"users"`
}

// SentRequest is one request as a finding records it.
type SentRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Headers are the headers the case set (an id in X-Account-Id), never
	// Authorization, Cookie or another credential.
	Headers map[string]string `json:"headers,omitempty"`
	// Body is the JSON body as sent, "" when none.
	Body string `json:"body,omitempty"`
}
