package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// Which parameters are object ids.
//
// A parameter is scored on independent signals, each recorded as a reason:
//
//   - name: `id`, `uuid`, `guid`, `gid`, or a name ending in one of them
//     (`invoice_id`, `invoiceId`, `invoiceID`, `file-id`, `userUuid`,
//     `task_gid`) scores 3; a key-like name (`slug`, `ref`, `key`, `handle`,
//     `username`, `number`, `no`, or a name ending in one) scores 2;
//   - position: a path parameter that opens the segment right after a literal
//     segment (`/customers/{customer}`, `/v1/files/{file}`,
//     `/namespaces/{namespace}/pods/{name}`) scores 2, since REST paths name
//     an object of the collection there; a version segment (`v1`, `2.0`,
//     `api`) is not a collection;
//   - answer: a path parameter of an item GET whose answer is an object
//     carrying a field of the same name (`/@{name}` answering
//     `{"name": ...}`) scores 2, like a position (idparam_answer.go);
//   - schema: format uuid scores 2, format int32/int64 or type integer 1, a
//     pattern 1;
//   - examples: a UUID or a prefixed id (`cus_9s6XKzkNRiz8i3`) scores 2, a
//     number 1.
//
// A score of 2 or more makes an id, provided one signal is primary: the
// name, the position, the answer, or a UUID/prefixed-id shape (format or
// example). So a
// name alone or a position alone suffices, while an integer that happens to
// have a numeric example (`max_width=320`) does not. Some parameters are never ids
// whatever they score, because their names say what they are: paging
// (`limit`, `page`, `per_page`, `cursor`, `starting_after`), sorting and
// shaping (`sort`, `fields`, `expand`, `include`, `q`, `filter`), formats,
// locales, versions (`api-version`, `{version}`), dates and times
// (`{year}`, `created_at`), file paths, request ids and credentials; and
// parameters whose schema is an enum or a boolean, which list fixed values
// rather than objects. Names that pick one of a fixed set of values are not
// ids either (`logo_type`, `ContentType`, `kind`, `mode`, `language_code`,
// `countryCode`), even at a collection position (Stripe's
// `/report_types/{report_type}`), unless the schema (format uuid) or an
// example (a UUID, `typ_1a2b3c4d5e6f`) has an id's shape. `order` is the one ambiguous word: a sort order in a
// query, but an object in `/orders/{order}` (Stripe), so in a path position
// wins. A parameter named by the config's `owns` keys is always an id.

// idScoreThreshold is the score from which a parameter is taken for an id.
const idScoreThreshold = 2

var (
	IdStrongWords = words.WordSet("id", "uuid", "guid", "gid")
	IdKeyWords    = words.WordSet("slug", "ref", "key", "handle", "username", "number", "no", "num")
	// idDenyLast are last words of names that are never object ids.
	idDenyLast = words.WordSet("page", "limit", "offset", "cursor", "size", "count", "sort", "format",
		"locale", "lang", "language", "region", "version", "date", "time", "timestamp", "datetime",
		"at", "year", "month", "day", "hour", "timezone", "tz", "fields", "expand", "include",
		"includes", "embed", "filter", "filters", "query", "q", "search", "pretty", "path",
		"direction", "before", "after", "since", "until", "from", "to", "status", "callback")
	// idDenyNames are whole names (words joined by _) that are never ids.
	idDenyNames = words.WordSet("per_page", "api_version", "order_by", "sort_by", "phone_number",
		"api_key", "apikey", "access_token")
	// idDenyHeaders are header names that carry no object id, though some
	// end in "id" or "key". Only headers: a path's {authorization} is an object.
	idDenyHeaders = words.WordSet("authorization", "accept", "content_type", "user_agent", "cookie",
		"idempotency_key", "request_id", "x_request_id", "correlation_id", "x_correlation_id",
		"trace_id", "x_trace_id")
	// idEnumLast are last words of names that pick one of a fixed set of
	// values (`logo_type`, `ContentType`, `kind`, `mode`): not object ids
	// unless the schema or an example has an id's shape.
	idEnumLast = words.WordSet("type", "kind", "mode", "lang", "locale", "format", "sort", "fields")
	// idEnumCodeOf are the words that make a `*_code` name a code from a
	// standard list (`language_code`, `countryCode`, `currency_code`).
	idEnumCodeOf = words.WordSet("language", "lang", "locale", "country", "currency", "format", "region")
	// idSoftDeny are denied unless the parameter follows a collection segment.
	idSoftDeny = words.WordSet("order")

	idVersionSegment = regexp.MustCompile(`^(v\d+[a-z0-9]*|\d+(\.\d+)*|api)$`)
	IdTemplateParam  = regexp.MustCompile(`\{[+#./;?&]?([^}]+)\}`)
	idUUIDExample    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// idPrefixExample is a typed id such as Stripe's cus_9s6XKzkNRiz8i3: the
	// digit lookahead is done in looksPrefixedID, since RE2 has none.
	idPrefixExample = regexp.MustCompile(`^[a-z]{2,10}_[A-Za-z0-9]{8,}$`)
	idDigitsExample = regexp.MustCompile(`^[0-9]+$`)
)

// DetectIDParams returns the operation's path parameters taken for object
// ids, in the order they appear in the path, each with the reasons.
// ownsKeys are the config's `owns` keys (may be nil).
func DetectIDParams(op Operation, ownsKeys map[string]bool) []IDParam {
	return DetectIDParamsIn(op, ownsKeys, openapi3.ParameterInPath)
}

// DetectIDParamsIn is DetectIDParams for parameters in the given locations
// ("path", "query", "header", "cookie"; none means all): path parameters
// first in path order, then the others in the order the spec lists them.
func DetectIDParamsIn(op Operation, ownsKeys map[string]bool, ins ...string) []IDParam {
	positions := PathPositions(op.Path)
	var out []IDParam
	for _, p := range op.Params {
		if len(ins) > 0 && !idInList(ins, p.In) {
			continue
		}
		scope := ""
		if p.In == openapi3.ParameterInPath {
			scope = ScopeOf(op.Path, p.Name)
		}
		carried := ""
		if p.In == openapi3.ParameterInPath {
			carried = answerField(op, p.Name)
		}
		if ownsKeys[scope] && scope != "" {
			out = append(out, IDParam{Param: p, Reasons: []string{"owns key " + strconv.Quote(scope) + " in config"}, Scope: scope})
		} else if reasons, ok := classifyParam(p, positions, ownsKeys, carried); ok {
			out = append(out, IDParam{Param: p, Reasons: reasons, Scope: scope})
		}
	}
	order := func(p IDParam) int {
		if p.In != openapi3.ParameterInPath {
			return 1 << 30
		}
		if pos, ok := positions[p.Name]; ok {
			return pos.index
		}
		return 1 << 29
	}
	sort.SliceStable(out, func(i, j int) bool { return order(out[i]) < order(out[j]) })
	return out
}

func idInList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pathPosition is where a path template names a parameter.
type pathPosition struct {
	index int // order of the parameter in the path
	// collection is the literal segment just before the parameter's
	// segment, when the parameter opens its segment; empty otherwise.
	Collection string
	// Composite is the parameter whose whole segment comes just before
	// this one's and itself follows a collection: `{owner}` for `{repo}`
	// in `/repos/{owner}/{repo}`, where the two together name the object.
	Composite string
}

func PathPositions(path string) map[string]pathPosition {
	out := map[string]pathPosition{}
	segments := strings.Split(path, "/")
	n := 0
	for i, seg := range segments {
		for _, loc := range IdTemplateParam.FindAllStringSubmatchIndex(seg, -1) {
			name := seg[loc[2]:loc[3]]
			pos := pathPosition{index: n}
			n++
			if loc[0] == 0 && i > 0 && IsCollectionSegment(segments[i-1]) {
				pos.Collection = segments[i-1]
			}
			if prev := wholeParam(segments, i-1); loc[0] == 0 && loc[1] == len(seg) && prev != "" && out[prev].Collection != "" {
				pos.Composite = prev
			}
			if _, seen := out[name]; !seen {
				out[name] = pos
			}
		}
	}
	return out
}

// wholeParam is the parameter segments[i] consists of, or "".
func wholeParam(segments []string, i int) string {
	if i < 0 {
		return ""
	}
	m := IdTemplateParam.FindStringSubmatch(segments[i])
	if m == nil || m[0] != segments[i] {
		return ""
	}
	return m[1]
}

// IsCollectionSegment is true for a literal segment that names a
// collection: not a template and not a version.
func IsCollectionSegment(seg string) bool {
	return seg != "" && !strings.ContainsAny(seg, "{}") && !idVersionSegment.MatchString(strings.ToLower(seg))
}

// ClassifyParam scores one parameter; see the comment at the top of the file.
func ClassifyParam(p Param, positions map[string]pathPosition, ownsKeys map[string]bool) ([]string, bool) {
	return classifyParam(p, positions, ownsKeys, "")
}

// classifyParam is ClassifyParam with the answer signal (idparam_answer.go):
// carried is the field of the item GET's answer named like p, or "".
func classifyParam(p Param, positions map[string]pathPosition, ownsKeys map[string]bool, carried string) ([]string, bool) {
	if ownsKeys[p.Name] {
		return append([]string{"owns key in config"}, idSignals(p, positions).reasons...), true
	}
	ws := words.NameWords(p.Name)
	if len(ws) == 0 || deniedName(p.In, ws) || deniedSchema(p.Schema) {
		return nil, false
	}
	sig := idSignals(p, positions)
	if carried != "" {
		sig.addPrimary(2, answerReason(carried))
	}
	if enumLikeName(ws) && !sig.idShaped {
		return nil, false
	}
	if idSoftDeny[ws[len(ws)-1]] && !sig.positioned {
		return nil, false
	}
	return sig.reasons, sig.primary && sig.score >= idScoreThreshold
}

func deniedName(in string, ws []string) bool {
	joined := strings.Join(ws, "_")
	if (in == openapi3.ParameterInHeader || in == openapi3.ParameterInCookie) && idDenyHeaders[joined] {
		return true
	}
	return idDenyLast[ws[len(ws)-1]] || idDenyNames[joined]
}

func deniedSchema(s *openapi3.Schema) bool {
	return s != nil && (len(s.Enum) > 0 || (s.Type != nil && s.Type.Is(openapi3.TypeBoolean)))
}

// idSignal is a parameter's score and the reasons behind it.
type idSignal struct {
	score      int
	reasons    []string
	positioned bool
	primary    bool // a name, position or id-shaped value was seen
	idShaped   bool // the schema or an example has a UUID's or typed id's shape
}

// enumLikeName is true for a name that picks one of a fixed set of values:
// it ends in a type, kind, mode, locale or format word, or it is a code
// from a standard list (`language_code`). ws are the name's words.
func enumLikeName(ws []string) bool {
	last := ws[len(ws)-1]
	if idEnumLast[last] {
		return true
	}
	if last != "code" {
		return false
	}
	for _, w := range ws[:len(ws)-1] {
		if idEnumCodeOf[w] {
			return true
		}
	}
	return false
}

func (s *idSignal) Add(points int, reason string) {
	s.score += points
	s.reasons = append(s.reasons, reason)
}

func (s *idSignal) addPrimary(points int, reason string) {
	s.Add(points, reason)
	s.primary = true
}

func idSignals(p Param, positions map[string]pathPosition) idSignal {
	var sig idSignal
	nameSignal(&sig, p.Name)
	if pos, ok := positions[p.Name]; ok && p.In == openapi3.ParameterInPath && pos.Collection != "" {
		sig.addPrimary(2, fmt.Sprintf("follows collection segment %q", pos.Collection))
		sig.positioned = true
	} else if ok && p.In == openapi3.ParameterInPath && pos.Composite != "" {
		sig.addPrimary(2, fmt.Sprintf("completes the composite key {%s}/{%s}", pos.Composite, p.Name))
		sig.positioned = true
	}
	if p.In != openapi3.ParameterInPath && words.OwnerLikeName(p.Name) {
		// Outside the path an owner reference is the object key itself:
		// GET /messages?user=bob, PUT /profile {"username": "bob"}.
		sig.addPrimary(2, fmt.Sprintf("names an owner (%q)", p.Name))
	}
	schemaSignal(&sig, p.Schema)
	for _, ex := range p.Examples {
		switch {
		case idUUIDExample.MatchString(ex), looksPrefixedID(ex):
			sig.addPrimary(2, fmt.Sprintf("example %q", ex))
			sig.idShaped = true
		case idDigitsExample.MatchString(ex):
			sig.Add(1, fmt.Sprintf("example %q", ex))
		default:
			continue
		}
		break // one example says enough
	}
	return sig
}

func nameSignal(sig *idSignal, name string) {
	ws := words.NameWords(name)
	if len(ws) == 0 {
		return
	}
	last := ws[len(ws)-1]
	var points int
	switch {
	case IdStrongWords[last]:
		points = 3
	case IdKeyWords[last]:
		points = 2
	default:
		return
	}
	if len(ws) == 1 {
		sig.addPrimary(points, fmt.Sprintf("name %q", name))
		return
	}
	sig.addPrimary(points, fmt.Sprintf("name %q ends in %s", name, nameSuffix(name, last)))
}

// looksPrefixedID is a lower-case type prefix, an underscore, and a tail of
// letters and digits holding a digit (cus_9s6XKzkNRiz8i3, not admin_readwrite).
func looksPrefixedID(s string) bool {
	return idPrefixExample.MatchString(s) && strings.ContainsAny(s[strings.IndexByte(s, '_'):], "0123456789")
}

// nameSuffix is the last word of name as written, with its separator.
func nameSuffix(name, last string) string {
	i := len(name) - len(last)
	if i < 0 {
		return last
	}
	if i > 0 && strings.ContainsRune("_-.", rune(name[i-1])) {
		i--
	}
	return name[i:]
}

func schemaSignal(sig *idSignal, s *openapi3.Schema) {
	if s == nil {
		return
	}
	switch {
	case strings.EqualFold(s.Format, "uuid"):
		sig.addPrimary(2, "schema format uuid")
		sig.idShaped = true
	case s.Format == "int64" || s.Format == "int32":
		sig.Add(1, "schema format "+s.Format)
	case s.Type != nil && s.Type.Includes(openapi3.TypeInteger):
		sig.Add(1, "schema type integer")
	}
	if s.Pattern != "" {
		sig.Add(1, "schema pattern "+s.Pattern)
	}
}

// lastToken is a body field's key (the last token of its pointer), or the
// parameter's name elsewhere.
func LastToken(p IDParam) string {
	if p.In != InBody {
		return p.Name
	}
	toks := PointerTokens(p.Name)
	return toks[len(toks)-1]
}

// headerKeyEqual compares header names as HTTP does, case-insensitively.
func HeaderKeyEqual(a, b string) bool { return strings.EqualFold(a, b) }
