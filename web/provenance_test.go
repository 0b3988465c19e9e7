package web

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/indicators"
)

// rewriteProvenance changes provenance.json of the fixture's release of an
// indicator.
func rewriteProvenance(t *testing.T, fx *repFixture, id string, change func(p *indicators.Provenance)) {
	t.Helper()
	path := filepath.Join(fx.Public, "indicators", id, repIndRelease, indicators.FileProvenance)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p indicators.Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	change(&p)
	if b, err = json.Marshal(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIndicatorPageShowsThePrelude: the prelude the query ran after is
// shown beside it, escaped, with its sha256; a release computed without a
// prelude shows none.
func TestIndicatorPageShowsThePrelude(t *testing.T) {
	fx := writeReportFixture(t)
	rewriteProvenance(t, fx, repLieux, func(p *indicators.Provenance) {
		p.Prelude, p.PreludeSHA256 = "CREATE MACRO deux() AS 1 < 2;\n", "abc123"
	})
	h := newReportSite(t, fx)
	_, page := get(t, h, "/indicateurs/"+repLieux)
	mustContain(t, page, "prelude",
		`<h3 id="prelude">Prélude SQL</h3>`,
		`Empreinte SHA-256 : <code class="hash">abc123</code>`,
		"<code>CREATE MACRO deux() AS 1 &lt; 2;\n</code>")
	rewriteProvenance(t, fx, repLieux, func(p *indicators.Provenance) { p.Prelude, p.PreludeSHA256 = "", "" })
	_, page = get(t, newReportSite(t, fx), "/indicateurs/"+repLieux)
	if want := "Prélude SQL"; strings.Contains(page, want) {
		t.Errorf("a release computed without a prelude shows %q", want)
	}
}

// TestIndicatorPageListsAnUpstreamIndicator: an input that is another
// indicator's release links to that indicator's page and to the exact
// file read in its release.
func TestIndicatorPageListsAnUpstreamIndicator(t *testing.T) {
	fx := writeReportFixture(t)
	rewriteProvenance(t, fx, repLieux, func(p *indicators.Provenance) {
		p.Inputs = append(p.Inputs, indicators.InputRelease{Dataset: "lieux-consolides", Release: "20261201T040000Z-0009",
			File: "data.parquet", SHA256: "feed", Indicator: true, URL: "/indicators/lieux-consolides/20261201T040000Z-0009/data.parquet"})
	})
	_, page := get(t, newReportSite(t, fx), "/indicateurs/"+repLieux)
	mustContain(t, page, "upstream indicator",
		`<a href="/indicateurs/lieux-consolides">lieux-consolides</a>`,
		// Pruned or never there: named, not linked.
		`<code>20261201T040000Z-0009</code></td>`, `<code class="hash">feed</code>`)
}

// TestIndicatorPageListsTheSourcesUpstream: when an input is another
// indicator's release, the page also lists the exact files that release
// read (from its provenance.json), so that the sources behind a figure
// stay one click from the page; an upstream release without provenance
// adds nothing.
func TestIndicatorPageListsTheSourcesUpstream(t *testing.T) {
	fx := writeReportFixture(t)
	// lieux-par-territoire reads the fixture's release of part-lieux-ruraux,
	// which read lieux-test and the reference table of communes.
	rewriteProvenance(t, fx, repLieux, func(p *indicators.Provenance) {
		p.Inputs = []indicators.InputRelease{{Dataset: repRural, Release: repIndRelease, File: "data.parquet", SHA256: "beef", Indicator: true,
			URL: indicatorFileURL(repRural, repIndRelease, "data.parquet")}}
		p.References = nil
	})
	_, page := get(t, newReportSite(t, fx), "/indicateurs/"+repLieux)
	up := between(t, page, "<h3>En amont des indicateurs lus</h3>", "</table>")
	mustContain(t, up, "upstream sources",
		"<caption>Données lues en amont par l&#39;indicateur "+repRural+" (version "+repIndRelease+")</caption>",
		`<a class="download input-file" href="`+fileURL(repInput, repInputRelease, "data.parquet")+`" download>data.parquet</a></td><td><code class="hash">`+fx.InputSHA+`</code>`,
		`<a href="/jeux-de-donnees/`+ruralReference+`">`+ruralReference+`</a>`,
		"<td>2023</td>", // the reference's vintage
	)
	rewriteProvenance(t, fx, repLieux, func(p *indicators.Provenance) {
		p.Inputs[0].Dataset, p.Inputs[0].Release = "absent", "20261201T000000Z-0000"
	})
	if _, page = get(t, newReportSite(t, fx), "/indicateurs/"+repLieux); strings.Contains(page, "En amont") {
		t.Error("an upstream release without provenance still lists sources")
	}
}
