package engine

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Pagination of a listing, followed for at most DefaultHarvestPages pages.
// The next page is taken from a `Link: <...>; rel="next"` header, a next-page
// URL in the body (`next`, `links.next`, `next_page.uri`...), a cursor in the
// body (`next_cursor`, `nextPageToken`...) sent back in the cursor parameter
// the operation declares, or Stripe's `has_more` with `starting_after`. A
// next page is followed only when it is the same path on the same origin: a
// `next` link cannot lead harvesting to another operation.

// nextURLFields are body fields (dotted for nesting) that hold a next-page URL.
var nextURLFields = []string{"next", "next_url", "nextUrl", "next_page_url", "nextPageUrl", "next_link",
	"nextLink", "@odata.nextLink", "links.next", "_links.next.href", "links.next.href", "paging.next",
	"pagination.next", "meta.next", "next_page.uri", "next_page.url", "next_page.path"}

// cursorFields are body fields that hold a cursor for the next page.
var cursorFields = []string{"next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token",
	"nextToken", "continuation", "continuationToken", "next_marker", "nextMarker", "next_page.offset",
	"meta.next_cursor", "response_metadata.next_cursor", "paging.cursors.after", "pagination.next_cursor",
	"pagination.cursor", "cursor", "next_page", "nextPage"}

// cursorParams are query parameters that take a cursor, in preference order.
var cursorParams = []string{"cursor", "page_token", "pageToken", "next_token", "nextToken", "after",
	"continuation", "continuationToken", "marker", "offset", "page", "starting_after", "next"}

var linkNextRe = regexp.MustCompile(`<([^>]+)>\s*;[^,]*rel="?next"?`)

// nextPage is the next page's URL, or "" when there is none to follow.
func NextPage(c plan.HarvestCall, cur string, x client.Exchange, doc any) string {
	if m := linkNextRe.FindStringSubmatch(x.Header.Get("Link")); m != nil {
		return samePath(cur, m[1])
	}
	for _, f := range nextURLFields {
		if v, ok := fieldText(doc, f); ok && (strings.HasPrefix(v, "/") || strings.Contains(v, "://") || strings.HasPrefix(v, "?")) {
			return samePath(cur, v)
		}
	}
	if param := declaredCursorParam(c.Op); param != "" {
		for _, f := range cursorFields {
			if v, ok := fieldText(doc, f); ok && v != "" && v != "0" && !strings.EqualFold(v, "false") {
				return withQuery(cur, param, v)
			}
		}
	}
	if more, ok := fieldText(doc, "has_more"); ok && more == "true" && hasQueryParam(c.Op, "starting_after") {
		if last := lastItemID(doc); last != "" {
			return withQuery(cur, "starting_after", last)
		}
	}
	return ""
}

// fieldText reads a scalar at a dotted path of an object body.
func fieldText(doc any, dotted string) (string, bool) {
	keys := strings.Split(dotted, ".")
	if strings.HasPrefix(dotted, "@") {
		keys = []string{dotted} // "@odata.nextLink" is one key
	}
	cur := doc
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		if cur, ok = m[k]; !ok {
			return "", false
		}
	}
	if b, ok := cur.(bool); ok {
		if b {
			return "true", true
		}
		return "false", true
	}
	return idText(cur)
}

// declaredCursorParam is the query parameter the operation declares for a
// cursor, or "" (harvesting never invents parameters).
func declaredCursorParam(op spec.Operation) string {
	for _, name := range cursorParams {
		if name != "starting_after" && hasQueryParam(op, name) {
			return name
		}
	}
	return ""
}

func hasQueryParam(op spec.Operation, name string) bool {
	for _, p := range op.Params {
		if p.In == "query" && p.Name == name {
			return true
		}
	}
	return false
}

// samePath resolves ref against cur and keeps it only when it stays on the
// same origin and path.
func samePath(cur, ref string) string {
	base, err := url.Parse(cur)
	if err != nil {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	next := base.ResolveReference(r)
	if next.Scheme != base.Scheme || next.Host != base.Host || strings.TrimRight(next.EscapedPath(), "/") != strings.TrimRight(base.EscapedPath(), "/") {
		return ""
	}
	return next.String()
}

// withQuery sets one query parameter of cur.
func withQuery(cur, name, value string) string {
	u, err := url.Parse(cur)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// lastItemID is the id of the last item of a `data` list (Stripe).
func lastItemID(doc any) string {
	m, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	items, ok := m["data"].([]any)
	if !ok || len(items) == 0 {
		return ""
	}
	last, ok := items[len(items)-1].(map[string]any)
	if !ok {
		return ""
	}
	if s, ok := idText(last["id"]); ok {
		return s
	}
	return ""
}
