package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"net/http"
	"sort"
	"time"
	"unicode"
	"unicode/utf8"
)

// feedEntries is how many releases an Atom feed lists.
const feedEntries = 50

// atomNS is the Atom 1.0 namespace (RFC 4287).
const atomNS = "http://www.w3.org/2005/Atom"

// tagAuthority prefixes the tag: URIs (RFC 4151) identifying feeds and
// entries: they stay the same whatever the site's base URL.
const tagAuthority = "tag:ligerdata,2026:"

// atomFeed is an Atom 1.0 feed document.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  *atomPerson `xml:"author,omitempty"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Summary   *atomText  `xml:"summary,omitempty"`
}

// feedCandidate is a release that may enter a feed.
type feedCandidate struct {
	dataset, release string
}

// siteFeed serves GET /flux.atom: the newest releases of every published
// dataset.
func (s *site) siteFeed(w http.ResponseWriter, r *http.Request) {
	names, err := s.tree.datasets()
	if err != nil {
		s.log.Error("feed: list datasets", "err", err)
		s.serverError(w, r)
		return
	}
	var cands []feedCandidate
	for _, ds := range names {
		cands = append(cands, s.feedCandidates(ds)...)
	}
	s.writeFeed(w, r, atomFeed{
		ID:    tagAuthority + "flux",
		Title: "Données ouvertes des Pays de la Loire — nouvelles versions",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.urlFor(r, "/flux.atom")},
			{Rel: "alternate", Type: "text/html", Href: s.urlFor(r, "/")},
		},
	}, cands)
}

// datasetFeed serves GET /jeux-de-donnees/{dataset}/flux.atom: the newest
// releases of one published dataset.
func (s *site) datasetFeed(w http.ResponseWriter, r *http.Request) {
	rel, ok := s.latestOr404(w, r, "dataset feed")
	if !ok {
		return
	}
	name := r.PathValue("dataset")
	s.writeFeed(w, r, atomFeed{
		ID:    tagAuthority + "flux/" + name,
		Title: rel.title() + " — nouvelles versions",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.urlFor(r, datasetFeedURL(name))},
			{Rel: "alternate", Type: "text/html", Href: s.urlFor(r, "/jeux-de-donnees/"+name)},
		},
	}, s.feedCandidates(name))
}

// feedCandidates lists the published releases of a dataset; a dataset
// without a valid latest release has none.
func (s *site) feedCandidates(dataset string) []feedCandidate {
	latest, err := s.tree.latest(dataset)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("feed: dataset skipped", "dataset", dataset, "err", err)
		}
		return nil
	}
	names, err := s.publishedReleases(dataset, latest)
	if err != nil {
		s.log.Warn("feed: list releases", "dataset", dataset, "err", err)
		return nil
	}
	if len(names) > feedEntries {
		names = names[:feedEntries]
	}
	out := make([]feedCandidate, len(names))
	for i, n := range names {
		out[i] = feedCandidate{dataset: dataset, release: n}
	}
	return out
}

// writeFeed completes feed with the newest feedEntries releases of cands
// (ordered by release time, then release and dataset for a stable order)
// and writes it. The feed's updated time is the newest entry's (the epoch
// for an empty feed), so the document only changes with the releases.
func (s *site) writeFeed(w http.ResponseWriter, r *http.Request, feed atomFeed, cands []feedCandidate) {
	type entry struct {
		e    atomEntry
		t    time.Time
		cand feedCandidate
	}
	// Release ids start with their UTC time: the newest ids are loaded
	// first and loading stops once the feed is full.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].release > cands[j].release })
	var entries []entry
	for _, c := range cands {
		if len(entries) == feedEntries {
			break
		}
		rel, _, err := s.tree.loadRelease(c.dataset, c.release)
		if err != nil {
			s.log.Warn("feed: release skipped", "dataset", c.dataset, "release", c.release, "err", err)
			continue
		}
		e := atomEntry{
			ID:      tagAuthority + c.dataset + "/" + c.release,
			Title:   rel.title() + " — version du " + frenchDate(rel.Time),
			Updated: rel.Time.UTC().Format(time.RFC3339),
			Links: []atomLink{{Rel: "alternate", Type: "text/html",
				Href: s.urlFor(r, releasePageURL(c.dataset, c.release))}},
		}
		if rel.Time.IsZero() {
			e.Title = rel.title() + " — version " + c.release
		}
		summary := "Nouvelle version publiée"
		ch, err := s.changes.load(rel)
		if err != nil {
			s.log.Warn("feed: changelog unavailable", "dataset", c.dataset, "release", c.release, "err", err)
		} else if ch != nil {
			summary = upperFirst(ch.sentence())
		} else {
			summary += " : " + frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes")
		}
		e.Summary = &atomText{Type: "text", Body: summary + "."}
		entries = append(entries, entry{e: e, t: rel.Time, cand: c})
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if !a.t.Equal(b.t) {
			return a.t.After(b.t)
		}
		if a.cand.release != b.cand.release {
			return a.cand.release > b.cand.release
		}
		return a.cand.dataset < b.cand.dataset
	})
	if len(entries) > feedEntries {
		entries = entries[:feedEntries]
	}
	feed.Lang = "fr"
	feed.Author = &atomPerson{Name: "Données ouvertes des Pays de la Loire"}
	updated := time.Unix(0, 0).UTC()
	if len(entries) > 0 {
		updated = entries[0].t
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	for _, e := range entries {
		feed.Entries = append(feed.Entries, e.e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.log.Error("feed: encode", "path", r.URL.Path, "err", err)
		s.serverError(w, r)
		return
	}
	buf.WriteByte('\n')
	sum := sha256.Sum256(buf.Bytes())
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, "flux.atom", time.Time{}, bytes.NewReader(buf.Bytes()))
}

// upperFirst capitalises the first letter of a French sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
