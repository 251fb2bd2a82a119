package report

// The triage of shard reports (report_triage.go) survives a merge: the
// marks on each finding are kept with it, and the summaries that say what
// the baseline and the ignore list did are rebuilt for the whole, so that
// the merged report's lines read as one run's would.

// mergeBaseline rebuilds the baseline summary of the merged findings from
// the shards' summaries. Every report must have been compared with the same
// baseline file; otherwise there is no merged summary, and the returned
// warning says why. A shard lists as absent the baseline's findings on the
// operations it attacked and did not find, and counts the rest as not
// attacked; the merged absent list is the union (less what another report
// found), and what no report attacked is what remains of the baseline's
// distinct findings.
func mergeBaseline(reports []*Report, findings []Finding) (*BaselineSummary, string) {
	first := reports[0].Baseline
	for _, r := range reports {
		if (r.Baseline == nil) != (first == nil) || (first != nil && r.Baseline.File != first.File) {
			return nil, "merge: the reports were not all compared with the same baseline (-baseline), so the merged report has no baseline summary; its findings keep their new/unchanged marks"
		}
	}
	if first == nil {
		return nil, ""
	}
	out := &BaselineSummary{File: first.File, Absent: []AbsentFinding{}}
	found := map[string]bool{}
	for _, f := range findings {
		switch f.BaselineState {
		case BaselineNew:
			out.New++
		case BaselineUnchanged:
			out.Unchanged++
			found[f.Fingerprint] = true
		}
	}
	listed := map[string]bool{}
	for _, r := range reports {
		for _, a := range r.Baseline.Absent {
			if !listed[a.Fingerprint] && !found[a.Fingerprint] {
				listed[a.Fingerprint] = true
				out.Absent = append(out.Absent, a)
			}
		}
	}
	// Any one report accounts for every distinct finding of the baseline:
	// found by it, absent, or on an operation it did not attack.
	distinct := len(first.Absent) + first.NotAttacked
	seen := map[string]bool{}
	for _, f := range reports[0].Findings {
		if f.BaselineState == BaselineUnchanged && !seen[f.Fingerprint] {
			seen[f.Fingerprint] = true
			distinct++
		}
	}
	out.NotAttacked = max(0, distinct-len(found)-len(out.Absent))
	return out, ""
}

// mergeIgnored rebuilds what each ignore entry did over the merged
// findings: suppressing if it suppressed anywhere, expired as the reports
// said, unmatched only if it matched nothing in any report.
func mergeIgnored(reports []*Report, findings []Finding) []IgnoreStatus {
	var out []IgnoreStatus
	idx := map[string]int{}
	for _, r := range reports {
		for _, st := range r.Ignored {
			i, ok := idx[st.Fingerprint]
			if !ok {
				idx[st.Fingerprint] = len(out)
				st.Findings = 0
				out = append(out, st)
				continue
			}
			if st.State != IgnoreUnmatched && out[i].State == IgnoreUnmatched {
				out[i].State = st.State
			}
		}
	}
	for i := range out {
		for _, f := range findings {
			if f.Fingerprint == out[i].Fingerprint {
				out[i].Findings++
			}
		}
		if out[i].State == IgnoreUnmatched && out[i].Findings > 0 {
			out[i].State = IgnoreSuppressing
		}
	}
	return out
}
