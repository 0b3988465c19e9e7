package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// changesName is the changelog of a release against the previous one.
const changesName = "changes.json"

// maxChangesBytes bounds the changes.json read for a page: the file lists
// the keys of every added, removed and changed row.
const maxChangesBytes = 32 << 20

// changes is changes.json as written by package output: the difference
// between a release and the previous one, by primary key. Keys are kept raw
// because a key is a string for a one-column primary key and may be an
// array of values for a composite one.
type changes struct {
	Previous string `json:"previous"`
	// Key names the fields whose values identify a row.
	Key  []string `json:"key"`
	Rows struct {
		Added     int64 `json:"added"`
		Removed   int64 `json:"removed"`
		Changed   int64 `json:"changed"`
		Unchanged int64 `json:"unchanged"`
	} `json:"rows"`
	Added          []json.RawMessage `json:"added"`
	Removed        []json.RawMessage `json:"removed"`
	Changed        []changedRow      `json:"changed"`
	ColumnsChanged map[string]int64  `json:"columns_changed"`
	Schema         struct {
		Added   []string       `json:"added"`
		Removed []string       `json:"removed"`
		Retyped []retypedField `json:"retyped"`
	} `json:"schema"`
}

// changedRow is one row whose values changed, with the changed columns
// and, for the first rows of a release, their old and new values.
type changedRow struct {
	Key     json.RawMessage        `json:"key"`
	Columns []string               `json:"columns"`
	Values  map[string]valueChange `json:"values"`
}

// valueChange is the old and new text of a changed value (nil: missing).
type valueChange struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

// valueLines renders the values of a changed row in the order of its
// columns: "nom : « Piscine » → « Piscine municipale »", a missing value
// written "(vide)".
func (r changedRow) valueLines() []string {
	var out []string
	for _, col := range r.Columns {
		v, ok := r.Values[col]
		if !ok {
			continue
		}
		out = append(out, col+" : "+quotedOrEmpty(v.Old)+" → "+quotedOrEmpty(v.New))
	}
	return out
}

func quotedOrEmpty(s *string) string {
	if s == nil {
		return "(vide)"
	}
	return "« " + *s + " »"
}

// retypedField is a column whose Table Schema type changed.
type retypedField struct {
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
}

// parseChanges decodes a changes.json document; it must be a JSON object.
func parseChanges(b []byte) (*changes, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("web: decode %s: not a JSON object", changesName)
	}
	var c changes
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("web: decode %s: %w", changesName, err)
	}
	return &c, nil
}

// keyText renders a primary key for display: a string as is, an array of
// values joined with " | ", any other JSON value as written.
func keyText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err == nil {
		out := make([]string, len(parts))
		for i, p := range parts {
			out[i] = keyText(p)
		}
		return strings.Join(out, " | ")
	}
	return string(raw)
}

// firstRelease reports whether the changelog is the one of a dataset's
// first release (no previous release to compare with).
func (c *changes) firstRelease() bool {
	return c.Previous == ""
}

// columnCounts returns "nom ×3, adresse ×2": changed columns by decreasing
// count, then name.
func (c *changes) columnCounts() string {
	rows := countRows(c.ColumnsChanged, func(k string) string { return k })
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.Code + " ×" + r.Count
	}
	return strings.Join(parts, ", ")
}

// schemaSentence describes the column changes: "colonnes ajoutées : a, b ;
// colonne supprimée : c ; colonne retypée : d (texte → nombre entier)".
func (c *changes) schemaSentence() string {
	var parts []string
	if n := len(c.Schema.Added); n > 0 {
		parts = append(parts, plural(int64(n), "colonne ajoutée", "colonnes ajoutées")+" : "+strings.Join(c.Schema.Added, ", "))
	}
	if n := len(c.Schema.Removed); n > 0 {
		parts = append(parts, plural(int64(n), "colonne supprimée", "colonnes supprimées")+" : "+strings.Join(c.Schema.Removed, ", "))
	}
	if n := len(c.Schema.Retyped); n > 0 {
		items := make([]string, n)
		for i, r := range c.Schema.Retyped {
			items[i] = r.Name + " (" + typeName(r.From) + " → " + typeName(r.To) + ")"
		}
		parts = append(parts, plural(int64(n), "colonne retypée", "colonnes retypées")+" : "+strings.Join(items, ", "))
	}
	return strings.Join(parts, " ; ")
}

// typeName is the French name of a Table Schema type, without the code.
func typeName(typ string) string {
	if typ == "" {
		typ = "string"
	}
	if l, ok := fieldTypeLabels[typ]; ok {
		return l
	}
	return typ
}

// sentence is the French summary of a changelog, without a final period:
// "12 lignes ajoutées, 3 supprimées, 5 modifiées (colonnes : nom ×3,
// adresse ×2) ; colonnes ajoutées : code_insee". A first release gives
// "première version : 12 lignes"; a release identical to the previous one
// gives "aucune modification par rapport à la version précédente".
func (c *changes) sentence() string {
	r := c.Rows
	schema := c.schemaSentence()
	if c.firstRelease() {
		n := r.Added + r.Unchanged + r.Changed
		return "première version : " + frenchInt(n) + " " + plural(n, "ligne", "lignes")
	}
	if r.Added == 0 && r.Removed == 0 && r.Changed == 0 && schema == "" {
		return "aucune modification par rapport à la version précédente"
	}
	s := frenchInt(r.Added) + " " + plural(r.Added, "ligne ajoutée", "lignes ajoutées") + ", " +
		frenchInt(r.Removed) + " " + plural(r.Removed, "supprimée", "supprimées") + ", " +
		frenchInt(r.Changed) + " " + plural(r.Changed, "modifiée", "modifiées")
	if cols := c.columnCounts(); cols != "" {
		s += " (colonnes : " + cols + ")"
	}
	if schema != "" {
		s += " ; " + schema
	}
	return s
}

// changeView is a changelog prepared for a page.
type changeView struct {
	Sentence string
	Previous string
	// PreviousURL links the release page of the previous release.
	PreviousURL string
	Added       keyList
	Removed     keyList
	Changed     keyList
	HasKeys     bool
	// KeyFields names the fields of the row keys, "id" or "uai, annee".
	KeyFields string
}

// keyList is a bounded list of row keys; More counts the keys left out.
type keyList struct {
	Count string
	Items []keyItem
	More  string
}

// keyItem is one row key, with the changed columns for a changed row and
// their old → new values when the changelog gives them.
type keyItem struct {
	Key     string
	Columns string
	Values  []string
}

// changeViewOf prepares the view of c, listing at most maxKeys keys per
// kind (no limit when maxKeys <= 0).
func (s *site) changeViewOf(dataset string, c *changes, maxKeys int) *changeView {
	v := &changeView{Sentence: upperFirst(c.sentence()), Previous: c.Previous, KeyFields: strings.Join(c.Key, ", ")}
	if c.Previous != "" && validName(c.Previous) {
		v.PreviousURL = s.absURL(releasePageURL(dataset, c.Previous))
	}
	list := func(n int, total int64, item func(i int) keyItem) keyList {
		var l keyList
		if total < int64(n) {
			total = int64(n)
		}
		l.Count = frenchInt(total)
		shown := n
		if maxKeys > 0 && shown > maxKeys {
			shown = maxKeys
		}
		for i := 0; i < shown; i++ {
			l.Items = append(l.Items, item(i))
		}
		if more := total - int64(shown); more > 0 {
			l.More = frenchInt(more)
		}
		return l
	}
	if !c.firstRelease() {
		v.Added = list(len(c.Added), c.Rows.Added, func(i int) keyItem { return keyItem{Key: keyText(c.Added[i])} })
	}
	v.Removed = list(len(c.Removed), c.Rows.Removed, func(i int) keyItem { return keyItem{Key: keyText(c.Removed[i])} })
	v.Changed = list(len(c.Changed), c.Rows.Changed, func(i int) keyItem {
		ch := c.Changed[i]
		return keyItem{Key: keyText(ch.Key), Columns: strings.Join(ch.Columns, ", "), Values: ch.valueLines()}
	})
	v.HasKeys = len(v.Added.Items)+len(v.Removed.Items)+len(v.Changed.Items) > 0
	return v
}

// changesCache keeps decoded changelogs: a published release never changes,
// so an entry is keyed by the file's path, size and modification time.
type changesCache struct {
	mu      sync.Mutex
	entries map[changesKey]*changes
}

type changesKey struct {
	path  string
	size  int64
	mtime int64
}

// maxCachedChanges bounds the cache; it is emptied when full.
const maxCachedChanges = 512

// load returns the changelog of a release folder, or nil when the release
// does not list changes.json in its SHA256SUMS. A listed but unreadable file
// is an error.
func (cc *changesCache) load(rel *release) (*changes, error) {
	if _, ok := rel.sum(changesName); !ok {
		return nil, nil
	}
	p := filepath.Join(rel.Dir, changesName)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("web: stat %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("web: %s is not a regular file", p)
	}
	key := changesKey{path: p, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	cc.mu.Lock()
	c, ok := cc.entries[key]
	cc.mu.Unlock()
	if ok {
		return c, nil
	}
	b, err := readLimited(p, maxChangesBytes)
	if err != nil {
		return nil, fmt.Errorf("web: read %s: %w", p, err)
	}
	c, err = parseChanges(b)
	if err != nil {
		return nil, fmt.Errorf("web: %s: %w", p, err)
	}
	cc.mu.Lock()
	if cc.entries == nil || len(cc.entries) >= maxCachedChanges {
		cc.entries = make(map[changesKey]*changes)
	}
	cc.entries[key] = c
	cc.mu.Unlock()
	return c, nil
}
