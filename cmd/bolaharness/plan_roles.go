package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/bolaharness/bolaharness/harness/plan"
)

// printRoles says what the function-level and read-only checks will try,
// and as whom.
func printRoles(w io.Writer, p plan.Plan) {
	if pp := p.Policy; pp != nil {
		fmt.Fprintf(w, "\n%s\n", pp.Note)
		for _, c := range pp.Checks {
			fmt.Fprintf(w, "    %s  [roles %s; %s]\n", c.Operation, strings.Join(c.Roles, ", "), c.Because)
			fmt.Fprintf(w, "        control as the first of %s whose call succeeds; then the same request as %s\n",
				strings.Join(c.Allowed, ", "), strings.Join(c.Denied, ", "))
		}
		for _, c := range pp.Writes {
			fmt.Fprintf(w, "    %s  [roles %s; %s]\n", c.Operation, strings.Join(c.Roles, ", "), c.Because)
			fmt.Fprintf(w, "        a write: sent as %s to the objects of %s, read back by their owner and restored; a change is function-level\n",
				strings.Join(c.Denied, ", "), strings.Join(c.Allowed, ", "))
		}
		for _, s := range pp.Skipped {
			fmt.Fprintf(w, "    %s: not checked: %s\n", s.Operation, s.Why)
		}
	}
	if len(p.Scopes) > 0 {
		fmt.Fprintln(w, "\nscope-bypass: read-only credentials write to their own objects (nothing is sent where they own none), judged by their read-back and restored:")
		for _, c := range p.Scopes {
			fmt.Fprintf(w, "    %s  as %s\n", c.Operation, strings.Join(c.Users, ", "))
		}
	}
}
