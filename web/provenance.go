package web

import (
	"errors"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// indicatorsTree is the published tree of the indicators' releases.
func (s *site) indicatorsTree() tree {
	return tree{dir: s.tree.dir, collection: string(output.CollectionIndicators)}
}

// indicatorFileURL is the root-relative URL of a file of an indicator
// release.
func indicatorFileURL(id, release, file string) string {
	return "/" + string(output.CollectionIndicators) + "/" + id + "/" + release + "/" + file
}

// indicatorDownload serves a file of an indicator release, like download
// does for datasets.
func (s *site) indicatorDownload(w http.ResponseWriter, r *http.Request) {
	s.serveReleaseFile(w, r, s.indicatorsTree(), indicatorFileURL)
}

// indicatorPage is the data of /indicateurs/<id>: everything needed to
// trace its figures to the query and the exact input files.
type indicatorPage struct {
	Layout      layoutData
	ID          string
	Title       string
	Theme       themeLink
	Definition  string
	Method      []string
	Unit        string
	Granularity string
	Period      string
	Licence     string
	Published   bool
	Release     string
	Computed    string
	Duration    string
	DuckDB      string
	Rows        string
	SQL         string
	SQLSHA256   string
	// Prelude is the SQL prelude (the engine's macros) the query ran
	// after, PreludeSHA256 its sha256.
	Prelude       string
	PreludeSHA256 string
	DefSHA256     string
	Inputs        inputTable
	References    inputTable
	// Upstream are the inputs of the indicators the computation read, at
	// the exact releases read (and of theirs in turn): the sources behind
	// an indicator input, one click from the page.
	Upstream []inputTable
	Audits   []auditView
	// RunNotice says what the last computation did when it published
	// nothing (unchanged, blocked by an audit, failed).
	RunNotice string
	RunFailed bool
	Files     []fileLink
}

// inputTable is the input releases of one kind (datasets or reference
// tables).
type inputTable struct {
	Caption string
	Rows    []inputView
	Vintage bool // a row states the vintage of its reference data
}

// inputView is an input release of the computation.
type inputView struct {
	Dataset, DatasetURL string
	Release, ReleaseURL string
	Published           string
	File, FileURL       string
	SHA256              string
	Vintage             string
	// Gone is set when the release has since been pruned (retention).
	Gone bool
}

// auditView is a declared audit and its verdict.
type auditView struct {
	Check, Rule, Verdict string
	Failed               bool
}

func (s *site) definition(id string) *indicators.Definition {
	for _, d := range s.indicators {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// indicator serves the provenance page of an indicator.
func (s *site) indicator(w http.ResponseWriter, r *http.Request) {
	def := s.definition(r.PathValue("id"))
	if def == nil {
		s.notFound(w, r)
		return
	}
	page := indicatorPage{
		Layout: s.layout(r, def.Title), ID: def.ID, Title: def.Title,
		Definition: strings.TrimSpace(def.Definition), Method: proseParagraphs(def.Method),
		Unit: def.Unit, Granularity: granularityText(def.Granularity), Period: strings.TrimSpace(def.Period),
		Licence: def.Licence, SQL: def.SQL, DefSHA256: def.Digest,
	}
	if def.Prelude != nil {
		page.Prelude, page.PreludeSHA256 = def.Prelude.SQL, def.Prelude.SHA256()
	}
	if th, ok := themeOf(def.Theme); ok {
		page.Theme = themeLink{Title: th.Title, URL: s.absURL(reportURL(th.ID))}
	}
	itree := s.indicatorsTree()
	rel, err := itree.latest(def.ID)
	if err != nil && !errors.Is(err, errNotFound) {
		s.log.Warn("resolve latest indicator release", "indicator", def.ID, "err", err)
	}
	if err == nil {
		page.Published, page.Release = true, rel
		s.addProvenance(&page, def, rel)
		page.Files = s.releaseFiles(itree, def.ID, rel)
	}
	last := s.lastRun(def.ID)
	page.RunNotice, page.RunFailed = runNotice(last)
	page.Audits = auditViews(def, page.Published, last)
	s.render(w, r, http.StatusOK, "indicator.html", page)
}

// addProvenance fills the page from provenance.json of the release.
func (s *site) addProvenance(page *indicatorPage, def *indicators.Definition, rel string) {
	p, err := indicators.ReadProvenance(s.tree.dir, def.ID, rel)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("read indicator provenance", "indicator", def.ID, "release", rel, "err", err)
		}
		return
	}
	// The query and digests are those of the computation, which may
	// predate a change of the definition not yet recomputed.
	page.SQL, page.SQLSHA256, page.DefSHA256 = p.SQL, p.SQLSHA256, p.DefinitionSHA256
	// A release computed before the prelude existed ran without it.
	page.Prelude, page.PreludeSHA256 = p.Prelude, p.PreludeSHA256
	page.Computed = frenchDateTime(p.ComputedAt)
	page.Duration = frenchDuration(p.Duration.Milliseconds())
	page.DuckDB = p.DuckDBVersion
	page.Rows = frenchInt(int64(p.Rows)) + " " + plural(int64(p.Rows), "ligne", "lignes")
	page.Inputs = s.inputTableOf("Jeux de données lus par le calcul", p.Inputs)
	page.References = s.inputTableOf("Tables de référence lues par le calcul", p.References)
	page.Upstream = s.upstreamTables(p.Inputs, map[string]bool{def.ID + "/" + rel: true})
}

// upstreamTables lists, for each input of ins that is an indicator
// release, the datasets and reference tables that release read (from its
// provenance.json), then those of the indicators it read in turn; seen
// holds the releases already listed (a release is listed once).
func (s *site) upstreamTables(ins []indicators.InputRelease, seen map[string]bool) []inputTable {
	var out []inputTable
	for _, in := range ins {
		key := in.Dataset + "/" + in.Release
		if !in.Indicator || seen[key] {
			continue
		}
		seen[key] = true
		p, err := indicators.ReadProvenance(s.tree.dir, in.Dataset, in.Release)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.log.Warn("read upstream indicator provenance", "indicator", in.Dataset, "release", in.Release, "err", err)
			}
			continue
		}
		t := s.inputTableOf("Données lues en amont par l'indicateur "+in.Dataset+" (version "+in.Release+")", slices.Concat(p.Inputs, p.References))
		out = append(append(out, t), s.upstreamTables(p.Inputs, seen)...)
	}
	return out
}

func (s *site) inputTableOf(caption string, ins []indicators.InputRelease) inputTable {
	t := inputTable{Caption: caption}
	for _, in := range ins {
		t.Rows = append(t.Rows, s.inputViewOf(in))
		t.Vintage = t.Vintage || in.Vintage != ""
	}
	return t
}

func (s *site) inputViewOf(in indicators.InputRelease) inputView {
	if in.Indicator {
		return s.indicatorInputView(in)
	}
	v := inputView{
		Dataset: in.Dataset, DatasetURL: s.absURL("/jeux-de-donnees/" + in.Dataset),
		Release: in.Release, ReleaseURL: s.absURL(releasePageURL(in.Dataset, in.Release)),
		Published: frenchDateTime(in.Published), File: in.File, SHA256: in.SHA256, Vintage: in.Vintage,
		FileURL: s.absURL(fileURL(in.Dataset, in.Release, in.File)),
	}
	if _, err := s.tree.releaseDir(in.Dataset, in.Release); err != nil {
		v.Gone = true
	}
	return v
}

// indicatorInputView is an input that is the release of another
// indicator: links to its provenance page and to the exact file read.
func (s *site) indicatorInputView(in indicators.InputRelease) inputView {
	fileURL := indicatorFileURL(in.Dataset, in.Release, in.File)
	v := inputView{
		Dataset: in.Dataset, DatasetURL: s.absURL("/indicateurs/" + in.Dataset),
		Release: in.Release, ReleaseURL: s.absURL(fileURL),
		Published: frenchDateTime(in.Published), File: in.File, SHA256: in.SHA256,
		FileURL: s.absURL(fileURL),
	}
	if _, err := s.indicatorsTree().releaseDir(in.Dataset, in.Release); err != nil {
		v.Gone = true
	}
	return v
}

// releaseFiles lists the files of a release of tree t (nil, logged, when
// its checksums cannot be read).
func (s *site) releaseFiles(t tree, id, rel string) []fileLink {
	dir, err := t.releaseDir(id, rel)
	if err != nil {
		return nil
	}
	sums, _, err := t.sums(dir)
	if err != nil {
		s.log.Warn("read release checksums", "indicator", id, "release", rel, "err", err)
		return nil
	}
	return s.filesWith(&release{Dataset: id, Name: rel, Dir: dir, Sums: sums}, indicatorFileURL)
}

// granularityText lists the levels in French: "commune, EPCI, département".
func granularityText(levels []string) string {
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = levelLabels[l]
		if out[i] == "" {
			out[i] = l
		}
	}
	return strings.Join(out, ", ")
}

// lastRun is the newest computation of an indicator recorded in the store,
// nil when the site has no store or none was recorded.
func (s *site) lastRun(id string) *indicators.RunManifest {
	if s.storeDir == "" {
		return nil
	}
	root, err := filepath.Abs(s.storeDir)
	if err != nil {
		return nil
	}
	runs, err := indicators.Runs(&store.Store{Root: root}, id, 1)
	if err != nil || len(runs) == 0 {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("read indicator runs", "indicator", id, "err", err)
		}
		return nil
	}
	return runs[0]
}

// runNotice says in French what the last computation did when it did not
// publish a new release.
func runNotice(m *indicators.RunManifest) (string, bool) {
	if m == nil {
		return "", false
	}
	when := frenchDateTime(m.Started)
	switch m.Outcome {
	case indicators.OutcomeAuditFailed:
		return "Le dernier calcul, le " + when + ", a été bloqué par une vérification : la version publiée précédente reste en ligne.", true
	case indicators.OutcomeFailed:
		msg := "Le dernier calcul, le " + when + ", a échoué : la version publiée précédente reste en ligne."
		if m.Error != "" {
			msg += " Cause : " + m.Error
		}
		return msg, true
	case indicators.OutcomeUnchanged:
		return "Dernier calcul le " + when + " : définition et données d'entrée inchangées, la version publiée reste à jour.", false
	}
	return "", false
}

// auditViews lists the declared audits with the verdicts of the last
// computation that ran them; without one, a published release passed all
// of them (a failed audit blocks publication).
func auditViews(def *indicators.Definition, published bool, last *indicators.RunManifest) []auditView {
	results := map[string]indicators.AuditResult{}
	if last != nil {
		for _, r := range last.Audits {
			results[r.Label] = r
		}
	}
	var out []auditView
	for _, a := range def.Audits {
		v := auditView{Check: a.Check, Rule: a.Label(), Verdict: "pas encore vérifiée"}
		if r, ok := results[a.Label()]; ok {
			v.Verdict, v.Failed = "réussie", !r.Passed
			if !r.Passed {
				v.Verdict = "échouée"
			}
			if r.Detail != "" {
				v.Verdict += " : " + r.Detail
			}
			v.Verdict += " (calcul du " + frenchDateTime(last.Started) + ")"
		} else if published {
			v.Verdict = "réussie pour la version publiée"
		}
		out = append(out, v)
	}
	return out
}

// indicatorsIndex is the data of /indicateurs/.
type indicatorsIndex struct {
	Layout layoutData
	Themes []themeCard
}

// indicatorsList serves /indicateurs/: every indicator by theme.
func (s *site) indicatorsList(w http.ResponseWriter, r *http.Request) {
	page := indicatorsIndex{Layout: s.layout(r, "Indicateurs")}
	for _, th := range themes {
		card := themeCard{Title: th.Title, URL: s.absURL(reportURL(th.ID))}
		for _, d := range s.defsOfTheme(th.ID) {
			card.Indicators = append(card.Indicators, indicatorLine{Title: d.Title, URL: s.absURL(indicatorURL(d.ID)), Definition: strings.TrimSpace(d.Definition)})
		}
		page.Themes = append(page.Themes, card)
	}
	s.render(w, r, http.StatusOK, "indicators.html", page)
}
