package report

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// The parts of a report that the Markdown and HTML formats both show in
// words: where an id travelled, what harvesting found, what writes changed.

// maxMarkdownHarvest caps the harvested-id rows of the Markdown summary.
const maxMarkdownHarvest = 50

// PlaceText is where a finding's id travelled, as the reports show it:
// "path", "query", "header X-Account-Id" or "body /owner_id"; "" for a
// finding from a report that did not record it.
func PlaceText(f Finding) string {
	switch {
	case f.In == "":
		return ""
	case f.In == spec.InBody && f.Pointer != "":
		return spec.InBody + " " + f.Pointer
	case f.In == "header":
		return "header " + f.Parameter
	}
	return f.In
}

// placeSuffix is ", in <place>" for the Markdown request cell, or "".
func placeSuffix(f Finding) string {
	if f.In == "" {
		return ""
	}
	return ", in " + f.In // the parameter beside it names the header or field
}

// harvestIDs counts the ids harvesting found, over users and parameters.
func harvestIDs(h *HarvestReport) int {
	n := 0
	for _, f := range h.Found {
		n += len(f.IDs)
	}
	return n
}

// harvestText sums harvesting up in one line: requests and ids found, or
// why it did not run or found nothing.
func harvestText(h *HarvestReport) string {
	if !h.Enabled {
		return "off" + whyText(h.Why)
	}
	n := harvestIDs(h)
	text := fmt.Sprintf("%d %s, %d %s found", len(h.Requests), plural(len(h.Requests), "request", "requests"), n, plural(n, "id", "ids"))
	if n == 0 {
		text += whyText(h.Why)
	}
	if len(h.Stopped) > 0 {
		text += "; stopped: " + strings.Join(h.Stopped, "; ")
	}
	return text
}

func whyText(why string) string {
	if why == "" {
		return ""
	}
	return ": " + why
}

// writesText sums the writes up in one line.
func writesText(w *WriteSummary) string {
	return fmt.Sprintf("%d sent, %d changed, %d restored, %d not restored", w.Sent, w.Changed, w.Restored, len(w.Unrestored))
}

// mdUnrestored lists the changes the scan could not undo: someone has to
// put them back by hand, so they are never folded away.
func (r *Report) mdUnrestored(m *mdWriter) {
	if r.Writes == nil || len(r.Writes.Unrestored) == 0 {
		return
	}
	m.printf("### Writes not restored (%d)\n\n", len(r.Writes.Unrestored))
	m.printf("Put these objects back by hand; the marker is the text the write left.\n\n")
	m.printf("| Operation | Owner | Object | Marker | Why |\n|---|---|---|---|---|\n")
	for _, u := range r.Writes.Unrestored {
		m.printf("| `%s` | %s | `%s` | `%s` | %s |\n", mdCode(u.Operation), mdCell(u.Owner), mdCode(u.Object), mdCode(orDash(u.Marker)), mdCell(u.Why))
	}
	m.printf("\n")
}

// mdHarvest lists the ids harvesting found per user and parameter, folded.
func (r *Report) mdHarvest(m *mdWriter) {
	h := r.Harvest
	if h == nil || len(h.Found) == 0 {
		return
	}
	m.printf("### Harvested ids (%d)\n\n", harvestIDs(h))
	m.printf("<details><summary>Ids found per user and parameter, from %d requests</summary>\n\n", len(h.Requests))
	m.printf("| User | Parameter | Ids | Used |\n|---|---|---|---|\n")
	for i, f := range h.Found {
		if i == maxMarkdownHarvest {
			m.printf("| … | %d more rows in the JSON report | | |\n", len(h.Found)-i)
			break
		}
		used := "yes"
		if !f.Used {
			used = "no" + whyText(f.Why)
		}
		m.printf("| %s | `%s` | `%s` | %s |\n", mdCell(f.User), mdCode(f.Param), mdCode(strings.Join(f.IDs, ", ")), mdCell(used))
	}
	m.printf("\n</details>\n\n")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
