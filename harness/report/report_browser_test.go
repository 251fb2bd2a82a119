package report_test

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The matrix colours of templates/report.html.tmpl, as a screenshot has them.
var cellColours = map[string][3]uint8{
	report.CellLeak:      {0xd1, 0x24, 0x2f},
	report.CellDenied:    {0x2d, 0xa4, 0x4e},
	report.CellPublic:    {0x21, 0x8b, 0xff},
	report.CellNoVerdict: {0xbf, 0x87, 0x00},
}

// chromium finds Debian's chromium (installed by .ci/run), or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("chromium not found: the HTML report is not checked in a browser; install it (apt-get install -y chromium, as .ci/run does) to run this test")
	return ""
}

// runChromium runs headless chromium with everything that would reach the
// network turned off; every host name resolves to nothing, so a page that
// tried to load a resource from elsewhere would render without it.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + t.TempDir(),
		"--force-device-scale-factor=1", "--hide-scrollbars"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.Output()
	require.NoError(t, err, "chromium %v", args)
	return out
}

// matrixCounts counts the report's matrix cells by outcome, as the page
// lays them out: Report.Matrix plus a public row per public operation.
func matrixCounts(r *report.Report) map[string]int {
	counts := map[string]int{}
	pairs := map[string]bool{}
	for _, c := range r.Matrix {
		counts[c.Outcome]++
		pairs[c.Attacker+"→"+c.Victim] = true
	}
	for _, s := range r.Skipped {
		if strings.HasPrefix(s.Why, "public") {
			counts[report.CellPublic] += len(pairs)
		}
	}
	return counts
}

func TestHTMLReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("-short skips the browser suite (the HTML report in headless Chromium); run go test without -short (CI does) to include it")
	}
	bin := chromium(t)
	r := goldenReport(t)
	page := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, r.WriteHTML(page))
	counts := matrixCounts(r)
	require.Positive(t, counts[report.CellLeak])
	require.Positive(t, counts[report.CellDenied])

	t.Run("script draws the matrix and a cell shows its evidence", func(t *testing.T) {
		dom := string(runChromium(t, bin, "--dump-dom", "file://"+page+"#c0-0"))
		want := fmt.Sprintf(`data-rendered="cells=%d leak=%d denied=%d public=%d no-verdict=%d"`,
			len(r.Matrix)+counts[report.CellPublic], counts[report.CellLeak], counts[report.CellDenied],
			counts[report.CellPublic], counts[report.CellNoVerdict])
		assert.Contains(t, dom, want, "the page's script ran over every cell")
		detail := regexp.MustCompile(`(?s)<div id="detail"[^>]*>(.*?)</div>`).FindStringSubmatch(dom)
		require.Len(t, detail, 2, "the detail panel is in the DOM")
		f := r.Findings[0]
		assert.Contains(t, detail[1], f.Evidence[0].Value, "the deep-linked cell #c0-0 shows its evidence")
		assert.Contains(t, detail[1], `href="#f1"`, "and links to its finding")
	})

	t.Run("screenshot shows the cells in their colours", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "shot.png")
		runChromium(t, bin, "--window-size=1280,900", "--screenshot="+shot, "file://"+page)
		px := colourCounts(t, shot)
		t.Logf("cells %v; pixels %v", counts, px)
		// Each cell is 44×26 px less its rounded corners; the legend adds one
		// 14×14 swatch per colour.
		const cell, swatch = 44 * 26, 14 * 14
		for outcome, n := range counts {
			want := float64(n*cell + swatch)
			got := float64(px[outcome])
			assert.InDelta(t, want, got, 0.1*want, "%s: %d cells should paint about %.0f px, got %.0f", outcome, n, want, got)
		}
	})
}

// colourCounts counts the pixels of each matrix colour in a PNG.
func colourCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	out := map[string]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if name := colourName(img, x, y); name != "" {
				out[name]++
			}
		}
	}
	return out
}

func colourName(img image.Image, x, y int) string {
	r, g, b, _ := img.At(x, y).RGBA()
	for name, c := range cellColours {
		if uint8(r>>8) == c[0] && uint8(g>>8) == c[1] && uint8(b>>8) == c[2] {
			return name
		}
	}
	return ""
}
