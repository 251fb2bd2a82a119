package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"
)

// TestMeasureDetection prints, for each spec named in BOLA_MEASURE_SPECS
// (paths separated by commas), the table docs/detection.md reports: id
// parameters taken, GETs refused as actions and the id parameters they
// hold, and the enumeration-like names taken for ids. It measures, so it
// runs only when asked: BOLA_MEASURE_SPECS=a.json,b.yaml go test ./harness/plan -run MeasureDetection -v
func TestMeasureDetection(t *testing.T) {
	list := os.Getenv("BOLA_MEASURE_SPECS")
	if list == "" {
		t.Skip("set BOLA_MEASURE_SPECS to measure")
	}
	for _, file := range strings.Split(list, ",") {
		sp, err := spec.LoadSpec(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var gets, refused, lost, taken, harvestRefused int
		var why, enums, byAnswer []string
		for _, op := range sp.Operations {
			ids := spec.DetectIDParamsIn(op, nil, "path", "query")
			taken += len(ids)
			for _, id := range ids {
				if enumLikeForMeasure(id.Name) {
					enums = append(enums, fmt.Sprintf("%s %s", id.Name, op.Key()))
				}
				if _, alone := spec.ClassifyParam(id.Param, spec.PathPositions(op.Path), nil); !alone {
					byAnswer = append(byAnswer, fmt.Sprintf("%s %s (%s)", id.Name, op.Key(), strings.Join(id.Reasons, "; ")))
				}
			}
			if op.Method != "GET" {
				continue
			}
			gets++
			if ActionReason(op) != "" {
				harvestRefused++
			}
			r := pathActionReasonFor(op.Path, op.ID)
			if r == "" {
				r = operationIDActionReason(op.ID)
			}
			if r != "" {
				refused++
				lost += len(ids)
				why = append(why, op.Key()+": "+r)
			}
		}
		sort.Strings(why)
		sort.Strings(enums)
		sort.Strings(byAnswer)
		t.Logf("%s: %d operations, %d GETs; id params taken %d (%d only because the item GET's answer carries them); GETs refused as actions %d (holding %d id params), %d by harvesting's rules (summary too); enumeration-like ids %d",
			filepath.Base(file), len(sp.Operations), gets, taken, len(byAnswer), refused, lost, harvestRefused, len(enums))
		for _, a := range byAnswer {
			t.Logf("  by answer %s", a)
		}
		for _, w := range why {
			t.Logf("  refused %s", w)
		}
		for _, e := range enums {
			t.Logf("  enum-like %s", e)
		}
	}
}

// enumLikeForMeasure is the measurement's own, deliberately independent
// reading of "names a fixed set of values", so before and after compare.
func enumLikeForMeasure(name string) bool {
	ws := words.NameWords(name)
	if len(ws) == 0 {
		return false
	}
	last := ws[len(ws)-1]
	switch last {
	case "type", "kind", "lang", "language", "locale", "format", "sort", "fields", "mode":
		return true
	case "code":
		for _, w := range ws {
			if w == "language" || w == "lang" || w == "locale" || w == "country" || w == "currency" || w == "format" {
				return true
			}
		}
	}
	return false
}
