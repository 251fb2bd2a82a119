package plan

import (
	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// targetIndex finds, for one listing, the few targets it can feed without
// comparing it with every target: each way objectMatch or the name match of
// shapeMatch can succeed has a key, and a listing looks up only its own keys.
// The candidates it returns are a superset of the targets shapeMatch accepts
// for some shape, so matching them alone gives the very feeds matching all
// targets gave, and planning stays linear in the document (40,000 operations
// compared every listing with every id parameter before).
type targetIndex struct {
	bySchema     map[*openapi3.Schema][]string // t.schemas
	byRefName    map[string][]string           // t.refNames
	byCollection map[string][]string           // t.collections
	byResource   map[string][]string           // t.resources
	byName       map[string][]string           // NormKey of a non-generic name
}

// newTargetIndex indexes targets by every key they can be matched by.
func newTargetIndex(targets map[string]*harvestTarget) *targetIndex {
	ix := &targetIndex{bySchema: map[*openapi3.Schema][]string{}, byRefName: map[string][]string{},
		byCollection: map[string][]string{}, byResource: map[string][]string{}, byName: map[string][]string{}}
	for _, name := range sortedkeys.Of(targets) {
		t := targets[name]
		for s := range t.schemas {
			ix.bySchema[s] = append(ix.bySchema[s], name)
		}
		for n := range t.refNames {
			ix.byRefName[n] = append(ix.byRefName[n], name)
		}
		for c := range t.collections {
			ix.byCollection[c] = append(ix.byCollection[c], name)
		}
		for r := range t.resources {
			ix.byResource[r] = append(ix.byResource[r], name)
		}
		if !genericParam(name) {
			k := words.NormKey(name)
			ix.byName[k] = append(ix.byName[k], name)
		}
	}
	return ix
}

// candidates are the targets that some shape of the listing at path may
// feed: those whose schema, component name, collection, resource or folded
// name the shapes carry.
func (ix *targetIndex) candidates(path string, shapes []itemShape) map[string]bool {
	out := map[string]bool{}
	add := func(names []string) {
		for _, n := range names {
			out[n] = true
		}
	}
	anyMain := false
	for _, s := range shapes {
		add(ix.bySchema[s.self])
		if s.name != "" {
			add(ix.byRefName[s.name])
		}
		for _, n := range s.names {
			add(ix.byResource[resourceOfName(n)])
		}
		for k := range s.scalars {
			add(ix.byName[k])
		}
		anyMain = anyMain || s.main
	}
	if anyMain {
		add(ix.byCollection[normPath(path)])
		if c := lastCollection(path); c != "" {
			add(ix.byResource[c])
		}
	}
	return out
}
