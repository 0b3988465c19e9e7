package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/output/udata/udatatest"
)

const validExample = "../../schemas/testdata/lieux-mediation-numerique-valide.csv"

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// breakExample writes a copy of the schema's valid example whose row has a
// four-digit postal code, an empty nom and an impossible date.
func breakExample(t *testing.T) string {
	t.Helper()
	f, err := os.Open(validExample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	row := recs[1]
	row[idx["code_postal"]] = "5110"
	row[idx["nom"]] = ""
	row[idx["date_maj"]] = "2024-02-31"
	path := filepath.Join(t.TempDir(), "invalide.csv")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(recs)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidateCommand(t *testing.T) {
	code, out, errs := runCmd(t, "validate", "--schema", "lieux-mediation-numerique", validExample)
	if code != exitOK {
		t.Fatalf("valid example: exit %d\n%s%s", code, out, errs)
	}

	bad := breakExample(t)
	code, out, _ = runCmd(t, "validate", "--schema", "../../schemas/lieux-mediation-numerique.json", bad, "--json")
	if code != exitFailed {
		t.Fatalf("invalid copy: exit %d, want %d\n%s", code, exitFailed, out)
	}
	var res struct {
		Valid  bool
		Errors []struct {
			Code  string
			Row   int
			Field string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, e := range res.Errors {
		if e.Row != 2 {
			t.Errorf("error on row %d, want 2 (first data row): %+v", e.Row, e)
		}
		got[e.Field] = e.Code
	}
	want := map[string]string{"code_postal": "constraint-error", "nom": "constraint-error", "date_maj": "type-error"}
	for f, c := range want {
		if got[f] != c {
			t.Errorf("field %s: got code %q, want %q (all: %v)", f, got[f], c, got)
		}
	}
	if len(res.Errors) != 3 || res.Valid {
		t.Errorf("want exactly 3 errors, got %+v", res.Errors)
	}

	// The human output names row and field too.
	_, out, _ = runCmd(t, "validate", "--schema", "lieux-mediation-numerique", bad)
	for _, f := range []string{"code_postal", "nom", "date_maj"} {
		if !strings.Contains(out, f) {
			t.Errorf("human output does not name %s:\n%s", f, out)
		}
	}

	if code, _, _ := runCmd(t, "validate", bad); code != exitUsage {
		t.Errorf("missing --schema: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCmd(t, "validate", "--schema", "nope", bad); code != exitUsage {
		t.Errorf("unknown schema: exit %d, want %d", code, exitUsage)
	}
}

func TestLintCommand(t *testing.T) {
	if code, out, errs := runCmd(t, "lint"); code != exitOK {
		t.Fatalf("embedded definitions: exit %d\n%s%s", code, out, errs)
	}
	dir := t.TempDir()
	def := `id: deux-erreurs
title: Deux erreurs
description: Un fichier avec deux fautes.
publisher: Région Pays de la Loire
licence: etalab-2.0
source_licence: etalab-2.0
source:
  kind: file
  url: https://example.org/x.csv
  delimitr: ";"
schema: lieux-mediation-numerique
schedul: "0 4 * * *"
`
	if err := os.WriteFile(filepath.Join(dir, "deux-erreurs.yaml"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "lint", "--defs", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	// Stewards read these lines: French, with the file, line and column.
	for _, want := range []string{
		"deux-erreurs.yaml:10:3: source.delimitr: clé inconnue « delimitr » — vouliez-vous dire « delimiter » ?",
		"deux-erreurs.yaml:12:1: schedul: clé inconnue « schedul » — vouliez-vous dire « schedule » ?",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("lint output lacks %q:\n%s", want, errs)
		}
	}
	for _, english := range []string{"unknown key", "did you mean", "required key"} {
		if strings.Contains(errs, english) {
			t.Errorf("lint output holds English %q:\n%s", english, errs)
		}
	}
}

func TestConnectorsCommandAndDocs(t *testing.T) {
	code, out, _ := runCmd(t, "connectors")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, k := range all.Registry().Kinds() {
		if !strings.Contains(out, k.Name+" — ") {
			t.Errorf("kind %s not listed", k.Name)
		}
		for _, o := range k.Options {
			if o.Help == "" {
				t.Errorf("%s.%s has no help text", k.Name, o.Name)
			}
		}
	}
	_, md, _ := runCmd(t, "connectors", "--markdown")
	doc, err := os.ReadFile("../../docs/connectors.md")
	if err != nil {
		t.Fatal(err)
	}
	if md != string(doc) {
		t.Error("docs/connectors.md is stale: run make docs")
	}
}

func TestUsageErrors(t *testing.T) {
	store := t.TempDir()
	for _, args := range [][]string{{}, {"nope"}, {"run"}, {"run", "--all", "x"}, {"run", "no-such-pipeline"}, {"run", "--bogus"},
		{"release"}, {"release", "approve", "ping-lieux-mediation"}, {"release", "approve", "ping-lieux-mediation", "20261127T000000Z-0001", "--by", "x", "--store", store},
		{"publish"}, {"publish", "udata"}} {
		if code, _, _ := runCmd(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestDemoRunsEveryPipeline(t *testing.T) {
	store := t.TempDir()
	code, out, errs := runCmd(t, "demo", "--no-serve", "--store", store, "--replay", "../../testdata/replay", "--json")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s", code, errs)
	}
	var res struct {
		Pipelines []struct {
			Pipeline, Dataset, Outcome string
			Accepted, Kept             int
		}
		Indicators []struct{ Indicator, Outcome, Error string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	ms := res.Pipelines
	// Every embedded indicator is computed after the pipelines.
	if n := len(mustIndicators(t)); len(res.Indicators) != n {
		t.Errorf("demo computed %d indicators of %d", len(res.Indicators), n)
	}
	for _, m := range res.Indicators {
		if m.Outcome != "computed" {
			t.Errorf("indicator %s: %s %s", m.Indicator, m.Outcome, m.Error)
		}
	}
	if len(ms) != len(mustDefs(t)) {
		t.Errorf("demo ran %d pipelines of %d", len(ms), len(mustDefs(t)))
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range ms {
		if m.Outcome != "published" || m.Accepted == 0 {
			t.Errorf("%s: %s with %d rows", m.Pipeline, m.Outcome, m.Accepted)
			continue
		}
		// The Parquet file reads in DuckDB with the schema's types.
		dir := filepath.Join(store, "public", "datasets", m.Dataset, "latest")
		var dp struct {
			Resources []struct {
				Schema *struct {
					Fields []struct{ Name, Type, ItemType string }
				}
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &dp); err != nil || len(dp.Resources) == 0 || dp.Resources[0].Schema == nil {
			t.Fatalf("%s: datapackage.json: %v", m.Pipeline, err)
		}
		duckType := map[string]string{"string": "VARCHAR", "integer": "BIGINT", "year": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "datetime": "TIMESTAMP WITH TIME ZONE", "geojson": "GEOMETRY", "object": "VARCHAR", "array": "VARCHAR"}
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", filepath.Join(dir, "data.parquet"))).Scan(&n); err != nil || n != m.Accepted+m.Kept {
			t.Errorf("%s: DuckDB reads %d rows (%v), want %d", m.Pipeline, n, err, m.Accepted+m.Kept)
		}
		rows, err := db.Query(fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", filepath.Join(dir, "data.parquet")))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			got[name] = typ
		}
		rows.Close()
		for _, f := range dp.Resources[0].Schema.Fields {
			// A geojson field is the GeoParquet geometry column, which
			// DuckDB reads as GEOMETRY('OGC:CRS84').
			want, ok := duckType[f.Type]
			if f.Type == "list" {
				// A LIST of the item type.
				want, ok = duckType[cmp.Or(f.ItemType, "string")]
				want += "[]"
			}
			if ok && !strings.HasPrefix(got[f.Name], want) {
				t.Errorf("%s: column %s (%s) reads as %s in DuckDB, want %s", m.Pipeline, f.Name, f.Type, got[f.Name], want)
			}
		}
	}
}

func mustIndicators(t *testing.T) []*indicators.Definition {
	t.Helper()
	pdefs, err := loadDefs("")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := loadIndicators("", pdefs, false)
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

func mustDefs(t *testing.T) []string {
	t.Helper()
	defs, err := loadDefs("")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range defs {
		ids = append(ids, d.ID)
	}
	return ids
}

func TestPublishUdataTwiceLeavesOneDataset(t *testing.T) {
	store := t.TempDir()
	if code, _, errs := runCmd(t, "run", "lieux-mediation-numerique-pdl", "--store", store, "--replay", "../../testdata/replay"); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, errs)
	}
	srv := udatatest.New("cle-de-test", "org-region")
	defer srv.Close()
	t.Setenv("UDATA_API_KEY", "cle-de-test")
	args := []string{"publish", "udata", "lieux-mediation-numerique-pdl", "--store", store, "--portal", srv.URL, "--organization", "org-region", "--json"}
	for i := 0; i < 2; i++ {
		if code, out, errs := runCmd(t, args...); code != exitOK {
			t.Fatalf("push %d: exit %d\n%s%s", i+1, code, out, errs)
		}
	}
	ds := srv.Datasets()
	if len(ds) != 1 {
		t.Fatalf("%d datasets on the portal after two pushes, want 1", len(ds))
	}
	dir := filepath.Join(store, "public", "datasets", "lieux-mediation-numerique-pdl", "latest")
	files, _ := filepath.Glob(filepath.Join(dir, "data.*"))
	variants, _ := filepath.Glob(filepath.Join(dir, "data-*"))
	files = append(files, variants...)
	if len(ds[0].Resources) != len(files) {
		t.Errorf("%d resources on the portal, want one per data file (%d)", len(ds[0].Resources), len(files))
	}

	t.Setenv("UDATA_API_KEY", "")
	if code, _, _ := runCmd(t, args...); code != exitUsage {
		t.Errorf("push without an API key: exit %d, want %d", code, exitUsage)
	}
}

// TestRunsOnUnchangedRecordingsAreUnchanged runs every pipeline three times
// on the recorded responses: after the first run nothing is normalised or
// published again, except the recorded incremental HAL page, which the
// second run merges: 3 documents (4502318 answered again at the mark,
// 3456102 modified, 4518842 new): of the 38 rows of the first release (40
// documents, 2 rejected by design: testdata/replay/hal/README.md), 36 kept. The third run reads
// 4518842 again, at its mark, unchanged: nothing is published.
func TestRunsOnUnchangedRecordingsAreUnchanged(t *testing.T) {
	store := t.TempDir()
	type manifest struct {
		Pipeline, Outcome, Release string
		Read, Kept                 int
	}
	runAll := func() map[string]manifest {
		t.Helper()
		code, out, errs := runCmd(t, "run", "--all", "--store", store, "--replay", "../../testdata/replay", "--json")
		if code != exitOK {
			t.Fatalf("run --all: exit %d\n%s", code, errs)
		}
		var res struct {
			Pipelines  []manifest
			Indicators []struct{ Indicator, Outcome, Release string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		byID := map[string]manifest{}
		for _, m := range res.Pipelines {
			byID[m.Pipeline] = m
		}
		// Indicators are listed as "indicator:<id>" with the same fields.
		for _, m := range res.Indicators {
			byID["indicator:"+m.Indicator] = manifest{Pipeline: m.Indicator, Outcome: m.Outcome, Release: m.Release}
		}
		return byID
	}
	first := runAll()
	second := runAll()
	third := runAll()
	// The indicators that read HAL's dataset are computed again after the
	// second run merged its modifications; the others are unchanged.
	readsHAL := map[string]bool{}
	for _, d := range mustIndicators(t) {
		readsHAL["indicator:"+d.ID] = slices.Contains(d.Inputs.All(), "hal-publications")
	}
	for id, m := range first {
		if m.Outcome != "published" && m.Outcome != "computed" {
			t.Errorf("%s: first run %s", id, m.Outcome)
		}
		s := second[id]
		if readsHAL[id] {
			if s.Outcome != "computed" {
				t.Errorf("%s: second run %+v", id, s)
			}
		} else if id == "hal-publications" {
			if s.Outcome != "published" || s.Read != 3 || s.Kept != 36 {
				t.Errorf("%s: second run %+v, want 3 read (2 modifications and 1 at the mark), 36 kept", id, s)
			}
		} else if s.Outcome != "unchanged" || s.Read != 0 || s.Release != m.Release {
			t.Errorf("%s: second run %+v, want unchanged on release %s", id, s, m.Release)
		}
		wantRead := 0
		if id == "hal-publications" {
			wantRead = 1 // the document at the mark, answered again
		}
		if th := third[id]; th.Outcome != "unchanged" || th.Read != wantRead {
			t.Errorf("%s: third run %+v, want unchanged", id, th)
		}
	}
}

func TestValidateNotTextAndTerminal(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "s.json")
	if err := os.WriteFile(schema, []byte(`{"fields":[{"name":"a","constraints":{"pattern":"[a-z]+"}},{"name":"b"},{"name":"c"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// UTF-16 LE with BOM: "a,b,c\n" as Excel's « texte Unicode » writes it.
	utf16 := write("utf16.csv", "\xff\xfea\x00,\x00b\x00,\x00c\x00\n\x00")
	code, out, _ := runCmd(t, "validate", "--schema", schema, utf16)
	if code != exitFailed || !strings.Contains(out, "[encoding-error]") || !strings.Contains(out, "UTF-16") {
		t.Errorf("UTF-16 file: exit %d\n%s", code, out)
	}

	// A value with an escape sequence and a carriage return is shown
	// escaped, never sent to the terminal as is.
	evil := write("evil.csv", "a,b,c\n\"x\x1b[2J\rY\",1,2\n")
	_, out, _ = runCmd(t, "validate", "--schema", schema, evil)
	if strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `\x1b[2J\x0dY`) {
		t.Errorf("control characters reach the terminal: %q", out)
	}

	// --max-errors bounds header errors too: 3 missing labels, 2 extra
	// labels, listed at most 2.
	many := write("many.csv", "x,y\n")
	_, out, _ = runCmd(t, "validate", "--schema", schema, many, "--max-errors", "2")
	if n := strings.Count(out, "-label]"); n != 2 {
		t.Errorf("%d header errors listed with --max-errors 2:\n%s", n, out)
	}
}

func TestRunSummaryLineGivesTheFailureReason(t *testing.T) {
	// No recorded response: the harvest fails, and the summary line on
	// stdout says why, not only "failed".
	code, out, _ := runCmd(t, "run", "lieux-mediation-numerique-pdl", "--store", t.TempDir(), "--replay", t.TempDir())
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, out)
	}
	line := strings.TrimSpace(out)
	if !strings.Contains(line, "en échec") {
		t.Fatalf("summary %q", line)
	}
	// In French first, the program's text as a detail.
	reason := line[strings.Index(line, "0 rejetées")+len("0 rejetées"):]
	if !strings.HasPrefix(reason, " ; aucune réponse enregistrée pour cette requête (mode rejeu) (détail technique : ") {
		t.Errorf("summary line %q gives no French reason after the counts", line)
	}
	if !strings.HasPrefix(reason, " ; ") || len(reason) < 10 {
		t.Errorf("summary line %q gives no reason after the counts", line)
	}
	// No prefix said twice ("file: file: fetch: …").
	parts := strings.Split(reason, ": ")
	for i := 1; i < len(parts); i++ {
		if parts[i] == parts[i-1] {
			t.Errorf("summary line %q repeats %q", line, parts[i])
		}
	}
}
