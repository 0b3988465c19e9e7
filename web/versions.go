package web

import (
	"errors"
	"net/http"
)

// publishedReleases lists the releases of dataset that are published, newest
// first: those not newer than latest. A release folder newer than latest
// is being switched in or was rolled back; it stays downloadable by its URL
// but is not announced.
func (s *site) publishedReleases(dataset, latest string) ([]string, error) {
	names, err := s.tree.releases(dataset)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if n <= latest {
			out = append(out, n)
		}
	}
	return out, nil
}

// releasePageData is the page of one release.
type releasePageData struct {
	Layout       layoutData
	Dataset      string
	DatasetURL   string
	DatasetTitle string
	Title        string
	Release      string
	Date         string
	Latest       bool
	Rows         string
	Quality      string
	Files        []fileLink
	Changes      *changeView
	NoChangelog  bool
	DCAT         dcatLinks
	FeedURL      string
}

// maxKeysOnReleasePage bounds the keys listed per kind on a release page,
// so that a release replacing a whole dataset still gives a usable page;
// changes.json has them all.
const maxKeysOnReleasePage = 5000

// releasePage serves GET /jeux-de-donnees/{dataset}/versions/{release}: the
// full changelog and the downloads of one published release.
func (s *site) releasePage(w http.ResponseWriter, r *http.Request) {
	dataset, name := r.PathValue("dataset"), r.PathValue("release")
	if !validName(dataset) || !validName(name) {
		s.notFound(w, r)
		return
	}
	if name == latestName {
		s.releaseFolder(w, r) // the page of the release latest designates now
		return
	}
	latest, err := s.tree.latest(dataset)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("release page: latest release unavailable", "dataset", dataset, "err", err)
		}
		s.notFound(w, r)
		return
	}
	if name > latest {
		s.notFound(w, r)
		return
	}
	rel, qerr, err := s.tree.loadRelease(dataset, name)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("release page: release unavailable", "dataset", dataset, "release", name, "err", err)
		}
		s.notFound(w, r)
		return
	}
	if qerr != nil {
		s.log.Debug("release page: quality report unavailable", "dataset", dataset, "release", name, "err", qerr)
	}
	date := frenchDate(rel.Time)
	title := rel.title() + " — version du " + date
	if date == "" {
		title = rel.title() + " — version " + name
	}
	page := releasePageData{
		Layout:       s.datasetLayout(r, title, dataset, rel.title()),
		Dataset:      dataset,
		DatasetURL:   s.absURL("/jeux-de-donnees/" + dataset),
		DatasetTitle: rel.title(),
		Title:        title,
		Release:      name,
		Date:         frenchDateTime(rel.Time),
		Latest:       name == latest,
		Rows:         frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
		Files:        s.files(rel),
		DCAT:         s.dcatOf(r, dataset),
		FeedURL:      s.absURL(datasetFeedURL(dataset)),
	}
	if rel.Quality != nil {
		page.Quality = releaseQualitySentence(rel.Quality)
	}
	c, err := s.changes.load(rel)
	if err != nil {
		s.log.Warn("release page: changelog unavailable", "dataset", dataset, "release", name, "err", err)
	}
	if c != nil {
		page.Changes = s.changeViewOf(dataset, c, maxKeysOnReleasePage)
	} else {
		page.NoChangelog = true
	}
	s.render(w, r, http.StatusOK, "release.html", page)
}
