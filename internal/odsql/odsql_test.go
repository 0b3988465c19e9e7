package odsql

import (
	"strings"
	"testing"
)

var testSchema = Schema{
	{Name: "nom", Type: Text}, {Name: "departement", Type: Text}, {Name: "capacite", Type: Int},
	{Name: "note", Type: Double}, {Name: "ouvert", Type: Boolean}, {Name: "debut", Type: Date},
	{Name: "maj", Type: DateTime}, {Name: "labels", Type: Text, List: true},
	{Name: "position", Type: GeoPoint}, {Name: "contour", Type: GeoShape, WKB: true},
	{Name: "and", Type: Text}, {Name: "anciens_labels", Type: Text, List: true, ListJSON: true},
}

func compile(req Request) (*Query, error) {
	return Compile(testSchema, "read_parquet(?)", []any{"/data.parquet"}, req, Options{WKBToGeoJSON: "wkb_geojson"})
}

// TestAccepted compiles clauses reusers write and checks the SQL and its
// parameters: values are always parameters.
func TestAccepted(t *testing.T) {
	tests := []struct {
		where string
		sql   string // the WHERE part of the compiled SQL
		args  []any
	}{
		{`departement = "44"`, `("departement" = ?)`, []any{"44"}},
		{`departement: '44'`, `("departement" = ?)`, []any{"44"}},
		{`capacite >= 10 and note < 4.5`, `(("capacite" >= CAST(? AS DOUBLE)) AND ("note" < CAST(? AS DOUBLE)))`, []any{10.0, 4.5}},
		{`10 < capacite`, `("capacite" > CAST(? AS DOUBLE))`, []any{10.0}},
		{`nom is not null or not ouvert`, `(("nom" IS NOT NULL) OR (NOT ("ouvert" IS TRUE)))`, nil},
		{`ouvert is false`, `("ouvert" IS NOT DISTINCT FROM ?)`, []any{false}},
		{`departement in ("44", "85")`, `("departement" IN (?, ?))`, []any{"44", "85"}},
		{`departement not in ("44")`, `("departement" NOT IN (?))`, []any{"44"}},
		{`capacite in [1..10[`, `("capacite" >= CAST(? AS DOUBLE) AND "capacite" < CAST(? AS DOUBLE))`, []any{1.0, 10.0}},
		{`debut > date'2020/03'`, `("debut" > CAST(? AS DATE))`, []any{"2020-03-01"}},
		{`maj < "2024-01-01T10:00:00+02:00"`, `("maj" < CAST(? AS TIMESTAMPTZ))`, []any{"2024-01-01 08:00:00Z"}},
		{`year(debut) = 2021`, `(year("debut") = CAST(? AS DOUBLE))`, []any{2021.0}},
		{`startswith(nom, "Méd")`, `starts_with(CAST("nom" AS VARCHAR), ?)`, []any{"Méd"}},
		{`search(nom, "100%_x")`, `((strip_accents(lower(CAST("nom" AS VARCHAR))) LIKE '%' || strip_accents(lower(?)) || '%' ESCAPE '\'))`, []any{`100\%\_x`}},
		{`labels = "Wi-Fi"`, `list_contains("labels", ?)`, []any{"Wi-Fi"}},
		{`anciens_labels = "Wi-Fi"`, `list_contains(CAST(json_extract_string("anciens_labels", '$[*]') AS VARCHAR[]), ?)`, []any{"Wi-Fi"}},
		{`search(labels, "wifi")`, `((strip_accents(lower(CAST(array_to_string("labels", ' ') AS VARCHAR))) LIKE '%' || strip_accents(lower(?)) || '%' ESCAPE '\'))`, []any{"wifi"}},
		{`startswith(labels, "Wi")`, `starts_with(CAST(array_to_string("labels", ' ') AS VARCHAR), ?)`, []any{"Wi"}},
		{"`and` = \"x\"", `("and" = ?)`, []any{"x"}},
		{`in_bbox(position, 47, -2, 48, -1)`, `("position".lat BETWEEN ? AND ? AND "position".lon BETWEEN ? AND ?)`, []any{47.0, 48.0, -2.0, -1.0}},
	}
	for _, tt := range tests {
		q, err := compile(Request{Select: "nom", Where: tt.where, Limit: -1})
		if err != nil {
			t.Errorf("%s: %v", tt.where, err)
			continue
		}
		_, where, ok := strings.Cut(q.SQL, " WHERE ")
		if !ok || where != tt.sql {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.where, where, tt.sql)
			continue
		}
		// Args: the select's key ("nom"), the file, then the where's.
		got := q.Args[2:]
		if len(got) != len(tt.args) {
			t.Errorf("%s: args %v, want %v", tt.where, got, tt.args)
			continue
		}
		for i := range got {
			if got[i] != tt.args[i] {
				t.Errorf("%s: args %v, want %v", tt.where, got, tt.args)
				break
			}
		}
		if strings.Count(q.SQL, "?") != len(q.Args) {
			t.Errorf("%s: %d placeholders for %d args", tt.where, strings.Count(q.SQL, "?"), len(q.Args))
		}
	}
}

// TestWithinDistance checks the haversine filter's parameters: the centre
// (lat 47.2, lon -1.55) and 2 km in metres.
func TestWithinDistance(t *testing.T) {
	q, err := compile(Request{Select: "nom", Where: `within_distance(position, geom'POINT(-1.55 47.2)', 2km)`, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	args := q.Args[2:]
	want := []any{47.2, 47.2, -1.55, 2000.0}
	if len(args) != len(want) {
		t.Fatalf("args %v", args)
	}
	for i := range want {
		if args[i] != want[i] {
			t.Fatalf("args %v, want %v", args, want)
		}
	}
}

// TestRefused lists clauses that must be refused, with the French reason.
func TestRefused(t *testing.T) {
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Where: `inconnu = 1`}, "champ inconnu « inconnu »"},
		{Request{Where: `nom = "a`}, "chaîne de caractères non fermée"},
		{Request{Where: `nom = 'x'; DROP TABLE t; --`}, "caractère inattendu « ; »"},
		{Request{Where: `nom = "x" -- commentaire`}, "« commentaire » inattendu"},
		{Request{Where: `nom = "x" /* c */`}, "« * » inattendu"},
		{Request{Where: `1 = 1`}, "une comparaison porte sur un champ"},
		{Request{Where: `nom = departement`}, "un champ se compare à une valeur"},
		{Request{Where: `capacite = "dix"`}, "« dix » n'est pas un nombre"},
		{Request{Where: `debut = date'2021-02-30'`}, "n'est pas une date"},
		{Request{Where: `ouvert = "oui"`}, "n'est pas true ou false"},
		{Request{Where: `nom`}, "n'est pas booléen"},
		{Request{Where: `count(*) > 2`}, "un agrégat ne peut pas filtrer"},
		{Request{Where: `sleep(10)`}, "fonction de filtre inconnue"},
		{Request{Where: `read_csv('/etc/passwd')`}, "fonction de filtre inconnue"},
		{Request{Where: "`nom\"; DROP TABLE t; --` = 1"}, "champ inconnu"},
		{Request{Where: `within_distance(nom, geom'POINT(0 0)', 1km)`}, "geo_point_2d"},
		{Request{Where: `within_distance(position, geom'POINT(200 0)', 1km)`}, "point invalide"},
		{Request{Where: `within_distance(position, geom'POINT(0 0)', 1parsec)`}, "distance invalide"},
		{Request{Where: strings.Repeat("(", 100) + "ouvert" + strings.Repeat(")", 100)}, "trop imbriquée"},
		{Request{Where: strings.Repeat("x", maxClauseBytes+1)}, "dépasse"},
		{Request{Select: "nom, count(*)"}, "doit figurer dans group_by"},
		{Request{Select: "sum(nom)"}, "ne s'applique pas à un champ de type texte"},
		{Request{Select: "nom as \"x\""}, "un nom après « as »"},
		{Request{Select: "nom, nom"}, "sélectionnée deux fois"},
		{Request{GroupBy: "count(*)"}, "un agrégat n'est pas une clé"},
		{Request{OrderBy: "position"}, "ne se trie pas"},
		{Request{OrderBy: "nom; DROP"}, "caractère inattendu"},
		{Request{Refine: []string{"nom"}}, "champ:valeur attendu"},
		{Request{Refine: []string{"debut:hier"}}, "AAAA/MM"},
		{Request{Timezone: "Europe/Nulle-Part"}, "fuseau horaire inconnu"},
		{Request{Timezone: "'; DROP TABLE t; --"}, "fuseau horaire inconnu"},
	}
	for _, tt := range tests {
		tt.req.Limit = -1
		_, err := compile(tt.req)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tt.req, err, tt.want)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("%+v: error %T is not an *odsql.Error", tt.req, err)
		}
	}
}

// TestInjectionStaysOutOfSQL sends hostile text everywhere a value goes
// and checks that none of it reaches the SQL text.
func TestInjectionStaysOutOfSQL(t *testing.T) {
	evil := `x'); DROP TABLE t; SELECT ('`
	for _, req := range []Request{
		{Where: `nom = "` + evil + `"`},
		{Where: `"` + evil + `"`},
		{Where: `search(*, "` + evil + `")`},
		{Where: `nom like '` + strings.ReplaceAll(evil, "'", "''") + `'`},
		{Where: `startswith(nom, "` + evil + `")`},
		{Refine: []string{"nom:" + evil}, Exclude: []string{"departement:" + evil}},
		{Select: "nom as drop_table"},
	} {
		req.Limit = 10
		q, err := compile(req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		if strings.Contains(q.SQL, "DROP") || strings.Contains(q.SQL, "drop_table") {
			t.Errorf("%+v: user text in SQL: %s", req, q.SQL)
		}
		if strings.Count(q.SQL, "?") != len(q.Args) {
			t.Errorf("%+v: %d placeholders for %d args", req, strings.Count(q.SQL, "?"), len(q.Args))
		}
	}
}

// TestColumnsAndGroups checks the names and types of the result columns.
func TestColumnsAndGroups(t *testing.T) {
	q, err := compile(Request{Select: "departement, count(*), avg(note) as moyenne, year(debut) as an", GroupBy: "departement, year(debut) as an", OrderBy: "count(*) desc, an", Limit: 5, Offset: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{{"departement", Text}, {"count(*)", Int}, {"moyenne", Double}, {"an", Int}}
	if len(q.Columns) != len(want) {
		t.Fatalf("columns %v", q.Columns)
	}
	for i := range want {
		if q.Columns[i] != want[i] {
			t.Errorf("column %d: %v, want %v", i, q.Columns[i], want[i])
		}
	}
	if !strings.HasSuffix(q.SQL, ` GROUP BY "departement", year("debut") ORDER BY count(*) DESC, year("debut") ASC LIMIT ? OFFSET ?`) {
		t.Errorf("SQL: %s", q.SQL)
	}
	if !strings.HasPrefix(q.CountSQL, "SELECT count(*) FROM (SELECT 1 FROM read_parquet(?) GROUP BY") {
		t.Errorf("count SQL: %s", q.CountSQL)
	}
	if q.Args[len(q.Args)-2] != int64(5) || q.Args[len(q.Args)-1] != int64(10) {
		t.Errorf("limit/offset args: %v", q.Args)
	}
}
