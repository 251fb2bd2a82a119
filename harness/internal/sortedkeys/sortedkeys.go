// Package sortedkeys gives a map's keys in order, for output that must not
// depend on map iteration. It returns an empty, non-nil slice for an empty
// map, so a JSON field built from it reads [] rather than null.
package sortedkeys

import "sort"

// Of returns m's keys sorted; never nil.
func Of[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
