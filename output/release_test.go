package output

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/ligerdata/ligerdata/internal/colprofile"
	"github.com/ligerdata/ligerdata/schemas"
)

// allTypesRaw is a Table Schema with one field of every type, declared with
// source-specific formats that the published CSV must not keep.
const allTypesRaw = `{
  "name": "tous-types",
  "title": "Tous les types",
  "uri": "https://schema.example.org/tous-types/schema.json",
  "missingValues": ["", "NA"],
  "fields": [
    {"name": "code_postal", "type": "string", "constraints": {"required": true}},
    {"name": "nom", "type": "string"},
    {"name": "effectif", "type": "integer"},
    {"name": "annee", "type": "year"},
    {"name": "prix", "type": "number", "decimalChar": ","},
    {"name": "ouvert", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
    {"name": "date_maj", "type": "date", "format": "%d/%m/%Y"},
    {"name": "horodatage", "type": "datetime"},
    {"name": "heure", "type": "time"},
    {"name": "mois", "type": "yearmonth"},
    {"name": "duree", "type": "duration"},
    {"name": "position", "type": "geopoint"},
    {"name": "attributs", "type": "object"},
    {"name": "etiquettes", "type": "list", "itemType": "string", "delimiter": ";"},
    {"name": "divers", "type": "any"}
  ],
  "primaryKey": ["code_postal"]
}`

func allTypesSchema(t testing.TB) *schemas.Schema {
	t.Helper()
	s := &schemas.Schema{Name: "tous-types", Title: "Tous les types", PrimaryKey: []string{"code_postal"}, Raw: json.RawMessage(allTypesRaw)}
	var d struct {
		Fields []struct {
			Name, Type, Format, ItemType string
		} `json:"fields"`
	}
	if err := json.Unmarshal(s.Raw, &d); err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Fields {
		s.Fields = append(s.Fields, schemas.Field{Name: f.Name, Type: f.Type, Format: f.Format, ItemType: f.ItemType})
	}
	return s
}

func testMeta(id string) DatasetMeta {
	return DatasetMeta{
		ID: id, Title: "Jeu de test " + id, Description: "Un jeu de données de test.",
		Keywords:  []string{"test", "pays de la loire"},
		License:   License{ID: "etalab-2.0"},
		Publisher: "Région Pays de la Loire", ContactEmail: "opendata@example.org",
		SourceTitle: "Source de test", SourceURL: "https://source.example.org/data.csv",
		Pipeline: "test-" + id, Schedule: "0 4 * * *",
		Theme: "REGI", Spatial: "Région Pays de la Loire",
	}
}

var (
	day1 = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ts1  = time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC)
)

// allTypesRows are three rows; the expected CSV text of each is written by
// hand in allTypesCSV.
func allTypesRows() [][]schemas.Value {
	return [][]schemas.Value{
		{"01000", "Bourg-en-Bresse", int64(42), int64(2024), 12.5, true, day1, ts1,
			15*time.Hour + 4*time.Minute + 5*time.Second, "2026-11", "P1D", [2]float64{-1.5536, 47.2184},
			json.RawMessage(`{"a":1}`), []schemas.Value{"x", "y"}, "libre"},
		{"44000", "Nantes, \"centre\"", int64(-7), nil, 0.1, false, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), 500 * time.Millisecond, nil, nil, nil,
			nil, []schemas.Value{}, int64(3)},
		{"00042", "", nil, int64(1999), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
}

var allTypesCSV = [][]string{
	{"code_postal", "nom", "effectif", "annee", "prix", "ouvert", "date_maj", "horodatage", "heure", "mois", "duree", "position", "attributs", "etiquettes", "divers"},
	{"01000", "Bourg-en-Bresse", "42", "2024", "12.5", "true", "2026-11-27", "2026-11-27T15:21:00Z", "15:04:05", "2026-11", "P1D", "-1.5536,47.2184", `{"a":1}`, "x;y", "libre"},
	{"44000", "Nantes, \"centre\"", "-7", "", "0.1", "false", "1969-12-31", "2026-01-02T03:04:05.123456Z", "00:00:00.5", "", "", "", "", "", "3"},
	{"00042", "", "", "1999", "", "", "", "", "", "", "", "", "", "", ""},
}

func publish(t *testing.T, public, dataset, release string, rows [][]schemas.Value, q Quality) Published {
	t.Helper()
	r, err := NewRelease(public, testMeta(dataset), allTypesSchema(t), release, func() time.Time { return ts1 })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	p, err := r.Commit(q)
	if err != nil {
		r.Abort()
		t.Fatal(err)
	}
	return p
}

func sha256File(t *testing.T, path string) (string, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), int64(len(b))
}

// verifySums checks SHA256SUMS lists every other file of dir, sorted, with
// the right hash.
func verifySums(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, FileSums))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: bad line %q", sc.Text())
		}
		if got, _ := sha256File(t, filepath.Join(dir, name)); got != sum {
			t.Errorf("SHA256SUMS: %s: listed %s, file has %s", name, sum, got)
		}
		names = append(names, name)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		// Hidden files (the row index) are the release's own, not published.
		if e.Name() != FileSums && !strings.HasPrefix(e.Name(), ".") {
			want = append(want, e.Name())
		}
	}
	if !slices.IsSorted(names) || !reflect.DeepEqual(names, want) {
		t.Errorf("SHA256SUMS lists %v, folder has %v", names, want)
	}
}

func TestReleaseRoundTrip(t *testing.T) {
	public := t.TempDir()
	releases := []string{"20261127T150000Z-aaaa", "20261127T151000Z-bbbb", "20261127T152100Z-cccc"}
	for i, rel := range releases {
		rows := allTypesRows()
		q := Quality{RunID: "run-" + rel, Read: len(rows) + i, Rejected: i,
			ErrorsByCode:  map[string]int{"type-error": i},
			ErrorsByField: map[string]int{"effectif": i}}
		p := publish(t, public, "communes", rel, rows, q)
		if p.Rows != len(rows) || p.Release != rel || p.Dataset != "communes" {
			t.Fatalf("Published = %+v", p)
		}
		latest, err := Latest(public, "communes")
		if err != nil || latest != rel {
			t.Fatalf("Latest = %q, %v; want %q", latest, err, rel)
		}
		got, err := Releases(public, "communes")
		if err != nil || !reflect.DeepEqual(got, releases[:i+1]) {
			t.Fatalf("Releases = %v, %v; want %v", got, err, releases[:i+1])
		}
		dir := filepath.Join(public, "datasets", "communes", rel)
		if p.Dir != dir {
			t.Errorf("Dir = %q, want %q", p.Dir, dir)
		}
		verifySums(t, dir)
		checkPublishedFiles(t, dir, p)
		checkDataPackage(t, dir, rel)
		checkQuality(t, dir, i)
		checkCSV(t, filepath.Join(dir, FileCSV))
		checkParquet(t, filepath.Join(dir, FileParquet))
	}
	ds, err := Datasets(public)
	if err != nil || !reflect.DeepEqual(ds, []string{"communes"}) {
		t.Fatalf("Datasets = %v, %v", ds, err)
	}
	checkDuckDB(t, filepath.Join(public, "datasets", "communes", "latest", FileParquet))
}

func checkPublishedFiles(t *testing.T, dir string, p Published) {
	t.Helper()
	var names []string
	for _, f := range p.Files {
		names = append(names, f.Name)
		sum, size := sha256File(t, filepath.Join(dir, f.Name))
		if sum != f.SHA256 || size != f.Bytes {
			t.Errorf("Published file %s: %s/%d, disk %s/%d", f.Name, f.SHA256, f.Bytes, sum, size)
		}
	}
	// allTypesSchema has a geopoint: the dataset is geographic.
	want := []string{FileSums, FileChanges, FileCSVFR, FileCSV, FileGeoJSON, FileParquet, FileDataPackage, FileProfile, FileQuality}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Published files %v, want %v", names, want)
	}
	// The profile is the one colprofile reads, of every column of the
	// Parquet file.
	prof, err := colprofile.Read(filepath.Join(dir, FileProfile))
	if err != nil {
		t.Fatal(err)
	}
	if prof.Rows != int64(p.Rows) || len(prof.Columns) == 0 {
		t.Errorf("profile: %d rows, %d columns; want %d rows", prof.Rows, len(prof.Columns), p.Rows)
	}
}

func checkDataPackage(t *testing.T, dir, rel string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileDataPackage))
	if err != nil {
		t.Fatal(err)
	}
	var dp struct {
		Profile                           string `json:"$schema"`
		Name, ID, Title, Version, Created string
		Licenses                          []struct{ Name, Title, Path string }
		Contributors                      []struct{ Title, Role, Email string }
		Resources                         []struct {
			Name, Path, Format, Mediatype, Hash string
			Bytes                               int64
			Schema                              map[string]any
		}
		Ligerdata struct {
			Pipeline, Schedule, Schema string
			Rows                       int
			RunID                      string `json:"run_id"`
		}
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Profile != ProfileDataPackage || dp.Name != "communes" || dp.Version != rel || dp.Created != "2026-11-27T15:21:00Z" {
		t.Errorf("datapackage header: %+v", dp)
	}
	if len(dp.Licenses) != 1 || dp.Licenses[0].Name != "etalab-2.0" || dp.Licenses[0].Path != "https://www.etalab.gouv.fr/licence-ouverte-open-licence" {
		t.Errorf("licenses = %+v", dp.Licenses)
	}
	if len(dp.Contributors) != 1 || dp.Contributors[0].Role != "publisher" || dp.Contributors[0].Email != "opendata@example.org" {
		t.Errorf("contributors = %+v", dp.Contributors)
	}
	if dp.Ligerdata.Rows != 3 || dp.Ligerdata.RunID != "run-"+rel || dp.Ligerdata.Schedule != "0 4 * * *" || dp.Ligerdata.Schema != "tous-types" {
		t.Errorf("ligerdata = %+v", dp.Ligerdata)
	}
	var paths []string
	for _, res := range dp.Resources {
		paths = append(paths, res.Path)
	}
	if want := []string{FileCSV, FileCSVFR, FileParquet, FileGeoJSON}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("resources = %v, want %v", paths, want)
	}
	for _, res := range dp.Resources {
		sum, size := sha256File(t, filepath.Join(dir, res.Path))
		if res.Hash != "sha256:"+sum || res.Bytes != size {
			t.Errorf("resource %s: hash %s bytes %d, disk sha256:%s %d", res.Path, res.Hash, res.Bytes, sum, size)
		}
	}
	csvRes := dp.Resources[0]
	if csvRes.Path != FileCSV || csvRes.Mediatype != "text/csv" || csvRes.Schema == nil {
		t.Fatalf("csv resource = %+v", csvRes)
	}
	// The published schema describes the canonical CSV.
	if mv, _ := csvRes.Schema["missingValues"].([]any); len(mv) != 1 || mv[0] != "" {
		t.Errorf("missingValues = %v", csvRes.Schema["missingValues"])
	}
	for _, f := range csvRes.Schema["fields"].([]any) {
		fd := f.(map[string]any)
		for _, k := range []string{"format", "decimalChar", "trueValues", "falseValues"} {
			if _, ok := fd[k]; ok && fd["type"] != "geopoint" {
				t.Errorf("field %v keeps %s", fd["name"], k)
			}
		}
	}
	if fields := csvRes.Schema["fields"].([]any); len(fields) != 15 || fields[13].(map[string]any)["delimiter"] != ";" {
		t.Errorf("fields not kept as declared: %v", fields)
	}
}

func checkQuality(t *testing.T, dir string, rejected int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileQuality))
	if err != nil {
		t.Fatal(err)
	}
	var q map[string]any
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	read, acc, rej := q["read"].(float64), q["accepted"].(float64), q["rejected"].(float64)
	if read != acc+rej || acc != 3 || int(rej) != rejected {
		t.Errorf("quality read %v accepted %v rejected %v", read, acc, rej)
	}
	for _, k := range []string{"dataset", "release", "run_id", "errors_by_code", "errors_by_field", "header_errors", "sample_errors"} {
		if q[k] == nil {
			t.Errorf("quality.json: %s missing or null", k)
		}
	}
}

func checkCSV(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recs, allTypesCSV) {
		for i := range max(len(recs), len(allTypesCSV)) {
			var got, want []string
			if i < len(recs) {
				got = recs[i]
			}
			if i < len(allTypesCSV) {
				want = allTypesCSV[i]
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("csv line %d:\n got %q\nwant %q", i+1, got, want)
			}
		}
	}
}

func checkParquet(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 3 {
		t.Fatalf("parquet rows = %d", pf.NumRows())
	}
	s := pf.Schema()
	type colCheck struct {
		path  []string
		kind  parquet.Kind
		logic func(*format.LogicalType) bool
	}
	isString := func(lt *format.LogicalType) bool { _, ok := logical(lt).(*format.StringType); return ok }
	checks := []colCheck{
		{[]string{"code_postal"}, parquet.ByteArray, isString},
		{[]string{"effectif"}, parquet.Int64, nil},
		{[]string{"annee"}, parquet.Int64, nil},
		{[]string{"prix"}, parquet.Double, nil},
		{[]string{"ouvert"}, parquet.Boolean, nil},
		{[]string{"date_maj"}, parquet.Int32, func(lt *format.LogicalType) bool { _, ok := logical(lt).(*format.DateType); return ok }},
		{[]string{"horodatage"}, parquet.Int64, func(lt *format.LogicalType) bool {
			ts, ok := logical(lt).(*format.TimestampType)
			return ok && ts.IsAdjustedToUTC && isMicros(ts.Unit)
		}},
		{[]string{"heure"}, parquet.Int64, func(lt *format.LogicalType) bool {
			tt, ok := logical(lt).(*format.TimeType)
			return ok && isMicros(tt.Unit)
		}},
		{[]string{"mois"}, parquet.ByteArray, isString},
		{[]string{"position", "lon"}, parquet.Double, nil},
		{[]string{"position", "lat"}, parquet.Double, nil},
		{[]string{"attributs"}, parquet.ByteArray, isString},
		{[]string{"etiquettes", "list", "element"}, parquet.ByteArray, isString},
	}
	// Columns in schema order, then the geometry; the list is a LIST.
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name())
	}
	wantNames := []string{"code_postal", "nom", "effectif", "annee", "prix", "ouvert", "date_maj", "horodatage", "heure", "mois", "duree", "position", "attributs", "etiquettes", "divers", "geometry"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("parquet columns %v, want %v", names, wantNames)
	}
	for _, f := range s.Fields() {
		if f.Name() != "etiquettes" {
			continue
		}
		if _, isList := logical(f.Type().LogicalType()).(*format.ListType); !isList || !f.Optional() {
			t.Errorf("etiquettes: logical type %v, optional %v", f.Type().LogicalType(), f.Optional())
		}
	}
	for _, c := range checks {
		leaf, ok := s.Lookup(c.path...)
		if !ok {
			t.Errorf("parquet: no column %v", c.path)
			continue
		}
		typ := leaf.Node.Type()
		if typ.Kind() != c.kind {
			t.Errorf("parquet %v: kind %v, want %v", c.path, typ.Kind(), c.kind)
		}
		if c.logic != nil && !c.logic(typ.LogicalType()) {
			t.Errorf("parquet %v: logical type %v", c.path, typ.LogicalType())
		}
	}
	rows := make([]parquet.Row, 10)
	rd := parquet.NewReader(pf)
	n, err := rd.ReadRows(rows)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("read %d rows", n)
	}
	col := func(path ...string) int {
		leaf, _ := s.Lookup(path...)
		return leaf.ColumnIndex
	}
	// Rows indexed by leaf column (lists have several values: see below).
	byCol := func(r parquet.Row) parquet.Row {
		out := make(parquet.Row, len(s.Columns()))
		for i := range out {
			out[i] = leafValues(r, i)[0]
		}
		return out
	}
	r0, r1, r2 := byCol(rows[0]), byCol(rows[1]), byCol(rows[2])
	list := leafValues(rows[0], col("etiquettes", "list", "element"))
	if len(list) != 2 || string(list[0].ByteArray()) != "x" || string(list[1].ByteArray()) != "y" ||
		list[0].RepetitionLevel() != 0 || list[1].RepetitionLevel() != 1 || list[1].DefinitionLevel() != 3 {
		t.Errorf("list values %v", list)
	}
	if empty := leafValues(rows[1], col("etiquettes", "list", "element")); len(empty) != 1 || !empty[0].IsNull() || empty[0].DefinitionLevel() != 1 {
		t.Errorf("empty list values %v", empty)
	}
	if missing := leafValues(rows[2], col("etiquettes", "list", "element")); len(missing) != 1 || missing[0].DefinitionLevel() != 0 {
		t.Errorf("missing list values %v", missing)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"code leading zeros", string(r2[col("code_postal")].ByteArray()), "00042"},
		{"code", string(r0[col("code_postal")].ByteArray()), "01000"},
		{"integer", r1[col("effectif")].Int64(), int64(-7)},
		{"integer null", r2[col("effectif")].IsNull(), true},
		{"year", r0[col("annee")].Int64(), int64(2024)},
		{"number", r0[col("prix")].Double(), 12.5},
		{"boolean", r1[col("ouvert")].Boolean(), false},
		{"date 2026-11-27", r0[col("date_maj")].Int32(), int32(20784)},
		{"date before epoch", r1[col("date_maj")].Int32(), int32(-1)},
		{"datetime", r1[col("horodatage")].Int64(), int64(1767323045123456)},
		{"time", r0[col("heure")].Int64(), int64((15*3600 + 4*60 + 5) * 1e6)},
		{"yearmonth", string(r0[col("mois")].ByteArray()), "2026-11"},
		{"lon", r0[col("position", "lon")].Double(), -1.5536},
		{"lat", r0[col("position", "lat")].Double(), 47.2184},
		{"geopoint null", r1[col("position", "lat")].IsNull(), true},
		{"object", string(r0[col("attributs")].ByteArray()), `{"a":1}`},
		{"any", string(r1[col("divers")].ByteArray()), "3"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("parquet %s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func logical(lt *format.LogicalType) format.LogicalTypeValue {
	if lt == nil {
		return nil
	}
	return lt.Value
}

func isMicros(u format.TimeUnit) bool { _, ok := u.Value.(*format.MicroSeconds); return ok }

func checkDuckDB(t *testing.T, path string) {
	t.Helper()
	db, src := duckParquet(t, path)
	var tCode, tInt, tNum, tDate, tTS, tBool, tTime, tGeo string
	err := db.QueryRow(`SELECT typeof(code_postal), typeof(effectif), typeof(prix), typeof(date_maj),
		typeof(horodatage), typeof(ouvert), typeof(heure), typeof(position) FROM `+src+` LIMIT 1`).
		Scan(&tCode, &tInt, &tNum, &tDate, &tTS, &tBool, &tTime, &tGeo)
	if err != nil {
		t.Fatal(err)
	}
	types := []struct{ col, got, want string }{
		{"code_postal", tCode, "VARCHAR"},
		{"effectif", tInt, "BIGINT"},
		{"prix", tNum, "DOUBLE"},
		{"date_maj", tDate, "DATE"},
		{"horodatage", tTS, "TIMESTAMP WITH TIME ZONE"},
		{"ouvert", tBool, "BOOLEAN"},
		{"heure", tTime, "TIME"},
	}
	for _, c := range types {
		if c.got != c.want {
			t.Errorf("duckdb typeof(%s) = %s, want %s", c.col, c.got, c.want)
		}
	}
	if !strings.HasPrefix(tGeo, "STRUCT(") || !strings.Contains(tGeo, "lon DOUBLE") {
		t.Errorf("duckdb typeof(position) = %s", tGeo)
	}
	var count int
	var codes, dates string
	var sumPrix float64
	err = db.QueryRow(`SELECT count(*), string_agg(code_postal, '|' ORDER BY code_postal),
		string_agg(strftime(date_maj, '%Y-%m-%d'), '|' ORDER BY code_postal), sum(prix) FROM `+src).
		Scan(&count, &codes, &dates, &sumPrix)
	if err != nil {
		t.Fatal(err)
	}
	if count != 3 || codes != "00042|01000|44000" || dates != "2026-11-27|1969-12-31" || math.Abs(sumPrix-12.6) > 1e-9 {
		t.Errorf("duckdb: count %d codes %q dates %q sum %v", count, codes, dates, sumPrix)
	}
	var lat float64
	if err := db.QueryRow(`SELECT position.lat FROM ` + src + ` WHERE code_postal = '01000'`).Scan(&lat); err != nil || lat != 47.2184 {
		t.Errorf("duckdb position.lat = %v, %v", lat, err)
	}
	// The list is a LIST of text: typed, indexable, with its empty and
	// missing values apart.
	var tList, first, lens string
	err = db.QueryRow(`SELECT any_value(typeof(etiquettes)), max(etiquettes[2]),
		string_agg(coalesce(CAST(len(etiquettes) AS VARCHAR), 'null'), '|' ORDER BY code_postal) FROM `+src).Scan(&tList, &first, &lens)
	if err != nil || tList != "VARCHAR[]" || first != "y" || lens != "null|2|0" {
		t.Errorf("duckdb list: type %q etiquettes[2] %q lengths %q, %v", tList, first, lens, err)
	}
	// Columns in schema order, the geometry last.
	rows, err := db.Query(`SELECT column_name FROM (DESCRIBE SELECT * FROM ` + src + `)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if got := strings.Join(names, ","); got != "code_postal,nom,effectif,annee,prix,ouvert,date_maj,horodatage,heure,mois,duree,position,attributs,etiquettes,divers,geometry" {
		t.Errorf("duckdb columns %s", got)
	}
}

func TestCrashSafety(t *testing.T) {
	public := t.TempDir()
	const r1, r2, r3 = "20261127T100000Z-0001", "20261127T110000Z-0002", "20261127T120000Z-0003"
	publish(t, public, "communes", r1, allTypesRows(), Quality{})
	dir1 := filepath.Join(public, "datasets", "communes", r1)
	before := snapshot(t, dir1)

	tests := []struct {
		name string
		run  func(r *Release) error
	}{
		{"abort after append", func(r *Release) error {
			for _, row := range allTypesRows() {
				if err := r.Append(row); err != nil {
					return err
				}
			}
			return r.Abort()
		}},
		{"commit stopped before publish then abort", func(r *Release) error {
			r.hookFunc = func() error { return errors.New("simulated crash") }
			for range 3000 { // several batches
				if err := r.Append(allTypesRows()[0]); err != nil {
					return err
				}
			}
			if _, err := r.Commit(Quality{}); err == nil {
				return errors.New("commit should fail")
			}
			return r.Abort()
		}},
		{"encoding error then abort", func(r *Release) error {
			bad := allTypesRows()[0]
			bad[2] = "not an integer"
			if err := r.Append(bad); err != nil {
				return err
			}
			if _, err := r.Commit(Quality{}); err == nil {
				return errors.New("commit should fail on a string in an integer field")
			}
			return r.Abort()
		}},
		{"encoding error surfaces on a later append", func(r *Release) error {
			bad := allTypesRows()[0]
			bad[2] = "not an integer"
			if err := r.Append(bad); err != nil {
				return err
			}
			// Both encoders keep draining after the failure: Append never
			// blocks, and reports the error once a batch is handed over
			// after the encoder has failed.
			var appendErr error
			for i := 0; i < 20*batchRows && appendErr == nil; i++ {
				appendErr = r.Append(allTypesRows()[0])
			}
			if appendErr == nil {
				return errors.New("append should report the encoding error")
			}
			if !strings.Contains(appendErr.Error(), "unexpected value of type string") {
				return fmt.Errorf("append error %q does not name the cause", appendErr)
			}
			if _, err := r.Commit(Quality{}); err == nil {
				return errors.New("commit after a failed append should fail")
			}
			return r.Abort()
		}},
		{"wrong number of values", func(r *Release) error {
			if err := r.Append([]schemas.Value{"x"}); err == nil {
				return errors.New("append should fail")
			}
			return r.Abort()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRelease(public, testMeta("communes"), allTypesSchema(t), r2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.run(r); err != nil {
				t.Fatal(err)
			}
			if err := r.Abort(); err != nil { // idempotent
				t.Fatal(err)
			}
			if l, err := Latest(public, "communes"); err != nil || l != r1 {
				t.Fatalf("Latest = %q, %v", l, err)
			}
			if got := snapshot(t, dir1); !reflect.DeepEqual(got, before) {
				t.Fatalf("release %s changed", r1)
			}
			assertNoEntry(t, filepath.Join(public, "datasets", "communes", ".staging-"+r2))
			assertNoEntry(t, filepath.Join(public, "datasets", "communes", r2))
		})
	}

	// A crash (no Abort) leaves a staging folder: never listed, cleaned.
	r, err := NewRelease(public, testMeta("communes"), allTypesSchema(t), r3, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.hookFunc = func() error { return errors.New("simulated crash") }
	r.Append(allTypesRows()[0])
	if _, err := r.Commit(Quality{}); err == nil {
		t.Fatal("commit should fail")
	}
	staging := filepath.Join(public, "datasets", "communes", ".staging-"+r3)
	if _, err := os.Stat(filepath.Join(staging, FileSums)); err != nil {
		t.Fatalf("staging folder should hold the complete release: %v", err)
	}
	// A fresh staging folder of another run of the same dataset is not adopted.
	if _, err := NewRelease(public, testMeta("communes"), allTypesSchema(t), r3, nil); err == nil {
		t.Fatal("NewRelease should refuse an existing staging folder")
	}
	if got, _ := Releases(public, "communes"); !reflect.DeepEqual(got, []string{r1}) {
		t.Fatalf("Releases = %v", got)
	}
	if got, _ := Datasets(public); !reflect.DeepEqual(got, []string{"communes"}) {
		t.Fatalf("Datasets = %v", got)
	}
	if err := CleanStaging(public); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(staging); err != nil {
		t.Fatalf("CleanStaging removed a fresh staging folder: %v", err)
	}
	// Only the folder is old: its files were written recently.
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(staging, old, old); err != nil {
		t.Fatal(err)
	}
	if err := CleanStaging(public); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(staging); err != nil {
		t.Fatalf("CleanStaging removed a staging folder with recent files: %v", err)
	}
	entries, _ := os.ReadDir(staging)
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(staging, e.Name()), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := CleanStaging(public); err != nil {
		t.Fatal(err)
	}
	assertNoEntry(t, staging)
	if got := snapshot(t, dir1); !reflect.DeepEqual(got, before) {
		t.Fatalf("release %s changed", r1)
	}
	// Publishing r3 after the crash works.
	publish(t, public, "communes", r3, allTypesRows(), Quality{})
	if l, _ := Latest(public, "communes"); l != r3 {
		t.Fatalf("Latest = %q", l)
	}
	if _, err := NewRelease(public, testMeta("communes"), allTypesSchema(t), r3, nil); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("NewRelease of a published release: %v", err)
	}
}

func TestCleanStagingAll(t *testing.T) {
	public := t.TempDir()
	r, err := NewRelease(public, testMeta("a"), allTypesSchema(t), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	if err := CleanStagingOlderThan(public, 0); err != nil {
		t.Fatal(err)
	}
	assertNoEntry(t, filepath.Join(public, "datasets", "a", ".staging-r1"))
}

func TestLatestNone(t *testing.T) {
	public := t.TempDir()
	tests := []struct{ name, dataset string }{
		{"missing dataset", "absent"},
		{"hidden name", ".staging-x"},
		{"path escape", "../x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Latest(public, tt.dataset); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Latest(%q) = %v, want fs.ErrNotExist", tt.dataset, err)
			}
		})
	}
	if ds, err := Datasets(public); err != nil || len(ds) != 0 {
		t.Errorf("Datasets = %v, %v", ds, err)
	}
}

func TestNewReleaseRejectsBadNames(t *testing.T) {
	tests := []struct{ name, dataset, release string }{
		{"empty dataset", "", "r1"},
		{"dataset with slash", "a/b", "r1"},
		{"hidden release", "a", ".r1"},
		{"latest release", "a", "latest"},
		{"empty release", "a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewRelease(t.TempDir(), testMeta(tt.dataset), allTypesSchema(t), tt.release, nil); err == nil {
				t.Error("NewRelease should fail")
			}
		})
	}
}

func TestQualityMismatch(t *testing.T) {
	public := t.TempDir()
	r, err := NewRelease(public, testMeta("a"), allTypesSchema(t), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	r.Append(allTypesRows()[0])
	if _, err := r.Commit(Quality{Read: 10, Rejected: 1}); err == nil {
		t.Fatal("Commit should refuse read != accepted + rejected")
	}
}

// snapshot maps each file of dir to its content hash.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		out[e.Name()], _ = sha256File(t, filepath.Join(dir, e.Name()))
	}
	return out
}

func assertNoEntry(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s should not exist (err %v)", path, err)
	}
}
