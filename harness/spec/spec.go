package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is a loaded OpenAPI document reduced to what the harness needs.
type Spec struct {
	File    string      // path or name it was loaded from
	Version string      // "2.0", "3.0.3", "3.1.0" ... as the document says
	Doc     *openapi3.T // kin-openapi's document (2.0 converted with openapi2conv)
	Servers []string    // server URLs, variables filled with their defaults; relative ones kept as written
	// Operations holds every operation, sorted by path then method order
	// (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, then others).
	Operations []Operation
	// DeclaresSecurity is true when the document declares a security
	// requirement anywhere (top level or any operation).
	DeclaresSecurity bool
	Warnings         []string // validation problems etc.: reported, never fatal
}

// maxValidationWarnings caps how many validation problems are listed one by
// one: real specs can hold hundreds, and the first ones say enough.
const maxValidationWarnings = 20

// LoadSpec reads an OpenAPI 3.0/3.1 or Swagger 2.0 document from a file.
// External $refs resolve only to files in the spec's directory or below.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: spec file not found; check the `spec:` key in the config (a relative path is relative to the config file)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the spec: %w; check the `spec:` key and the file's permissions", path, err)
	}
	dir, err := realDir(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot resolve the spec's directory: %w", path, err)
	}
	return loadSpec(path, data, dir)
}

// LoadSpecData loads a document held in memory (the embedded demo). name is
// used in messages and origins. Every external $ref is refused, since there is
// no directory to confine it to.
func LoadSpecData(name string, data []byte) (*Spec, error) {
	return loadSpec(name, data, "")
}

// loadedDoc is a document as kin-openapi built it, before the harness view.
type loadedDoc struct {
	doc     *openapi3.T
	version string
	// lines maps "METHOD path" to its line: read from the text
	// (operationLinesText), or from the YAML tree of a repaired document;
	// nil means use kin-openapi's origins (none unless IncludeOrigin).
	lines map[string]int
	notes []string
}

// NotOpenAPIError is a file that is not an OpenAPI 3.0/3.1 or Swagger 2.0
// document, or one that declares no operation: nothing could be planned
// from it, which is a mistake in the input (the command line exits 2).
type NotOpenAPIError struct {
	File, Why string
}

// Error names the file, what it is, and the fix.
func (e *NotOpenAPIError) Error() string { return e.File + ": " + e.Why }

// checkKind refuses what kin-openapi loads without complaint but is not an
// API description: an empty file, a Postman collection, a YAML file without
// an openapi or swagger key, an OpenAPI version the harness does not read.
// (A document without operations loads; Draft refuses to plan from it.)
func checkKind(file string, data []byte, ld *loadedDoc) error {
	fix := "give the path of an OpenAPI 3.0/3.1 or Swagger 2.0 document"
	switch v := ld.doc.OpenAPI; {
	case len(bytes.TrimSpace(data)) == 0:
		return &NotOpenAPIError{file, "the file is empty; " + fix}
	case bytes.Contains(data, []byte("_postman_id")) || bytes.Contains(data, []byte("schema.getpostman.com")):
		return &NotOpenAPIError{file, "this is a Postman collection, not an OpenAPI document; export or convert the API to OpenAPI and " + fix}
	case v == "":
		return &NotOpenAPIError{file, "no openapi: or swagger: key at the top level, so this is not an OpenAPI document; " + fix}
	case !strings.HasPrefix(v, "3.0") && !strings.HasPrefix(v, "3.1"):
		return &NotOpenAPIError{file, fmt.Sprintf("openapi: %s is not a version the harness reads; %s", v, fix)}
	}
	return nil
}

func loadSpec(file string, data []byte, dir string) (*Spec, error) {
	// No IncludeOrigin: it doubled the load of large specs to record every
	// node's place; operation lines are read from the text (speclines.go).
	loader := openapi3.NewLoader()
	loader.ReadFromURIFunc = localRefReader(file, dir)
	location := &url.URL{Path: filepath.ToSlash(file)}
	var (
		ld  *loadedDoc
		err error
	)
	if isSwagger2(data) {
		ld, err = loadSwagger2(loader, file, data, location)
	} else {
		ld, err = loadOpenAPI3(loader, file, data, location)
	}
	if err != nil {
		return nil, err
	}
	if err := checkKind(file, data, ld); err != nil {
		return nil, err
	}
	s := &Spec{File: file, Version: ld.version, Doc: ld.doc, Warnings: ld.notes}
	s.Servers = serverURLs(ld.doc.Servers)
	s.DeclaresSecurity = declaresSecurity(ld.doc)
	s.Warnings = append(s.Warnings, validationWarnings(file, ld.doc)...)
	b := &opBuilder{spec: s, lines: ld.lines, location: location.String(), warned: map[string]bool{}}
	s.Operations = b.operations()
	if !s.DeclaresSecurity && len(s.Operations) > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: the document declares no security anywhere; every operation is assumed protected by the config's Bearer tokens (declare `security` in the spec to make this explicit)", file))
	}
	return s, nil
}

// realDir is the spec's directory with symlinks resolved, so that a ref
// cannot leave it through a link.
func realDir(path string) (string, error) {
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// localRefReader reads external $refs for kin-openapi. A custom
// ReadFromURIFunc disables kin-openapi's own IsExternalRefsAllowed check, so
// this function is the whole access policy: no URL is ever fetched (a spec
// must not make the harness send requests of its own), and a file is read only
// when it lies in dir or below (no `$ref: /etc/passwd`, no `../../secret`).
func localRefReader(file, dir string) openapi3.ReadFromURIFunc {
	return func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if (u.Scheme != "" && u.Scheme != "file") || u.Host != "" {
			return nil, fmt.Errorf("%s: external $ref %q refused: the harness never fetches URLs; save that document beside the spec and refer to it by a relative path", file, u.String())
		}
		if dir == "" {
			return nil, fmt.Errorf("%s: external $ref %q refused: a spec loaded from memory cannot refer to other files; inline the referenced parts", file, u.Path)
		}
		target, err := filepath.Abs(filepath.FromSlash(u.Path))
		if err != nil {
			return nil, fmt.Errorf("%s: external $ref %q: %w", file, u.Path, err)
		}
		real, err := filepath.EvalSymlinks(target)
		if err != nil {
			return nil, fmt.Errorf("%s: external $ref %q cannot be read: %w; check the path, it is relative to the spec's file", file, u.Path, err)
		}
		rel, err := filepath.Rel(dir, real)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s: external $ref %q refused: it leads out of the spec's directory %s; copy the file beside the spec", file, u.Path, dir)
		}
		return os.ReadFile(real)
	}
}

// swagger2YAML finds a top-level `swagger: "2.0"` key in a YAML document: top
// level keys start at column 0, so a nested key cannot match.
var swagger2YAML = regexp.MustCompile(`(?m)^["']?swagger["']?[ \t]*:[ \t]*["']?2(\.0)?["']?[ \t]*(#.*)?\r?$`)

// isSwagger2 tells a Swagger 2.0 document apart without decoding it fully
// twice. Both scans stop early: the (?m) regexp over a whole 4.5 MB document
// and a full JSON decode each cost a sixth of a large spec's load.
func isSwagger2(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return jsonSwagger2(trimmed)
	}
	return yamlSwagger2(data)
}

// yamlSwagger2 matches swagger2YAML against the lines that open with the key.
func yamlSwagger2(data []byte) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if (bytes.HasPrefix(line, []byte("swagger")) || bytes.HasPrefix(line, []byte(`"swagger`)) ||
			bytes.HasPrefix(line, []byte("'swagger"))) && swagger2YAML.Match(line) {
			return true
		}
	}
	return false
}

// jsonSwagger2 finds the top-level `swagger` (2.0) or `openapi` (3.x) key of
// a JSON document with a byte scan that tracks nesting and skips strings:
// decoding a 4.8 MB document whose `swagger` key comes last cost a tenth of
// its load.
func jsonSwagger2(data []byte) bool {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			end := jsonStringEnd(data, i)
			if end < 0 {
				return false // let the OpenAPI 3 loader report the syntax error
			}
			if depth == 1 {
				if v, ok := jsonKeyValue(data, i, end); ok {
					return v == "2.0" || v == "2"
				}
			}
			i = end
		}
	}
	return false
}

// jsonKeyValue reads the value text of a top-level key that is `swagger`
// (ok) or `openapi` (ok, value ""), the string at data[start:end+1] being a
// key; other keys and strings that are values give ok false.
func jsonKeyValue(data []byte, start, end int) (string, bool) {
	rest := bytes.TrimLeft(data[end+1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return "", false
	}
	switch string(data[start+1 : end]) {
	case "openapi":
		return "", true
	case "swagger":
		value := bytes.TrimLeft(rest[1:], " \t\r\n")
		if i := bytes.IndexAny(value, ",}\n"); i >= 0 {
			value = value[:i]
		}
		return strings.Trim(strings.TrimSpace(string(value)), `"`), true
	}
	return "", false
}

// jsonStringEnd is the index of the quote that closes the JSON string
// opening at data[start], or -1.
func jsonStringEnd(data []byte, start int) int {
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func loadSwagger2(loader *openapi3.Loader, file string, data []byte, location *url.URL) (*loadedDoc, error) {
	var doc2 openapi2.T
	if err := openapi2.UnmarshalFromData(data, &doc2); err != nil {
		return nil, parseError(file, data, err)
	}
	doc, err := openapi2conv.ToV3WithLoader(&doc2, loader, location)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot convert the Swagger 2.0 document to OpenAPI 3: %w", file, err)
	}
	// openapi2 keeps no origins, so operations of a 2.0 document have line 0.
	return &loadedDoc{doc: doc, version: doc2.Swagger}, nil
}

func loadOpenAPI3(loader *openapi3.Loader, file string, data []byte, location *url.URL) (*loadedDoc, error) {
	doc, err := loader.LoadFromDataWithPath(data, location)
	if err == nil {
		return &loadedDoc{doc: doc, version: doc.OpenAPI, lines: operationLinesText(data)}, nil
	}
	if !strings.Contains(err.Error(), "construct errors:") {
		return nil, loadError(file, data, err)
	}
	// The YAML parses but some values have the wrong type for OpenAPI (real
	// specs do this: `openapi: 3.0` as a number, a list where a schema
	// belongs). Repair those values, warn, and load the repaired text.
	first := err
	repair, rerr := newDocRepair(file, data)
	if rerr != nil {
		return nil, loadError(file, data, first)
	}
	current := data
	for round := 0; round < maxRepairRounds; round++ {
		if current, rerr = repair.apply(current, err); rerr != nil {
			break
		}
		doc, err = cloneLoader(loader).LoadFromDataWithPath(current, location)
		if err == nil {
			lines := operationLines(repair.root.Content[0])
			return &loadedDoc{doc: doc, version: doc.OpenAPI, lines: lines, notes: repair.notes}, nil
		}
		if refusedRef(err) {
			return nil, loadError(file, data, err)
		}
		if !strings.Contains(err.Error(), "construct errors:") {
			break
		}
	}
	return nil, loadError(file, data, first)
}

// cloneLoader returns a fresh loader with the same settings: a loader keeps
// the documents it visited, and the failed attempt must not be reused.
func cloneLoader(l *openapi3.Loader) *openapi3.Loader {
	fresh := openapi3.NewLoader()
	fresh.IncludeOrigin = l.IncludeOrigin
	fresh.ReadFromURIFunc = l.ReadFromURIFunc
	return fresh
}

// loadError tells a refused or unreadable $ref (already worded for the user
// by localRefReader) from a document that does not parse.
func loadError(file string, data []byte, err error) error {
	if refusedRef(err) {
		return fmt.Errorf("%s: cannot load the spec: %w", file, err)
	}
	return parseError(file, data, err)
}

// refusedRef reports an error of localRefReader's: it names an external $ref.
func refusedRef(err error) bool {
	return strings.Contains(err.Error(), "external $ref ")
}

var errLineRe = regexp.MustCompile(`line (\d+)`)

// parseError names the file and, when the parser says it, the line.
func parseError(file string, data []byte, err error) error {
	line := 0
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line = lineOfOffset(data, syn.Offset)
	case errors.As(err, &typ):
		line = lineOfOffset(data, typ.Offset)
	default:
		if m := errLineRe.FindStringSubmatch(err.Error()); m != nil {
			if n, aerr := strconv.Atoi(m[1]); aerr == nil {
				line = n
			}
		}
	}
	if line > 0 {
		return fmt.Errorf("%s:%d: cannot parse the OpenAPI document: %w; fix the YAML/JSON there", file, line, err)
	}
	return fmt.Errorf("%s: cannot parse the OpenAPI document: %w; check that it is YAML or JSON", file, err)
}

func lineOfOffset(data []byte, off int64) int {
	if off < 0 || off > int64(len(data)) {
		return 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// serverURLs fills server variables with their defaults.
func serverURLs(servers openapi3.Servers) []string {
	var out []string
	for _, s := range servers {
		if s == nil {
			continue
		}
		u := s.URL
		for name, v := range s.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		out = append(out, u)
	}
	return out
}

// declaresSecurity is true when some requirement names a scheme: an empty
// list or an empty requirement object declares only that auth is optional.
func declaresSecurity(doc *openapi3.T) bool {
	if namesScheme(doc.Security) {
		return true
	}
	for _, item := range pathItems(doc) {
		for _, op := range item.Operations() {
			if op != nil && op.Security != nil && namesScheme(*op.Security) {
				return true
			}
		}
	}
	return false
}

func namesScheme(reqs openapi3.SecurityRequirements) bool {
	for _, r := range reqs {
		if len(r) > 0 {
			return true
		}
	}
	return false
}

func pathItems(doc *openapi3.T) map[string]*openapi3.PathItem {
	if doc.Paths == nil {
		return nil
	}
	return doc.Paths.Map()
}

// firstLine keeps a message's first line, cut to at most n bytes, since
// kin-openapi appends whole schemas to some of its messages.
func FirstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " :")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// methodOrder is the order of operations within one path.
var methodOrder = map[string]int{"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5, "OPTIONS": 6, "TRACE": 7}

func sortMethods(methods []string) {
	rank := func(m string) int {
		if r, ok := methodOrder[m]; ok {
			return r
		}
		return len(methodOrder)
	}
	sort.Slice(methods, func(i, j int) bool {
		ri, rj := rank(methods[i]), rank(methods[j])
		if ri != rj {
			return ri < rj
		}
		return methods[i] < methods[j]
	})
}

// hasOperation reports whether the spec documents method on path.
func (sp *Spec) HasOperation(method, path string) bool {
	for _, op := range sp.Operations {
		if op.Method == method && op.Path == path {
			return true
		}
	}
	return false
}

// find returns the spec's operation for method on path, or nil.
func (sp *Spec) Find(method, path string) *Operation {
	for i := range sp.Operations {
		if sp.Operations[i].Method == method && sp.Operations[i].Path == path {
			return &sp.Operations[i]
		}
	}
	return nil
}
