package output

import (
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// The LibreOffice tests open data-fr.csv with LibreOffice Calc
// (soffice --headless --convert-to fods) and read the cells it made. They
// skip when soffice is not installed, unless LIGERDATA_LIBREOFFICE_TESTS=1
// (set by CI), which makes a missing soffice a failure.

// sofficeOrSkip returns the path of soffice, or skips the test.
func sofficeOrSkip(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("LIGERDATA_LIBREOFFICE_TESTS") == "1" {
			t.Fatal("soffice not found, and LIGERDATA_LIBREOFFICE_TESTS=1 requires it (apt-get install libreoffice-calc-nogui)")
		}
		t.Skip("soffice not found: LibreOffice test skipped (install libreoffice-calc-nogui, or set LIGERDATA_LIBREOFFICE_TESTS=1 to make this a failure)")
	}
	return path
}

// odsCell is one cell as LibreOffice stored it in a flat ODS file.
type odsCell struct {
	Type    string // office:value-type: string, float, date, boolean …
	Value   string // office:value, office:date-value …, or the text for strings
	Formula string // table:formula, "" when the cell is not a formula
}

// libreOfficeOpen converts csvPath to a flat ODS with LibreOffice, the
// import set as a French user would set it (semicolon, UTF-8, French
// locale, « Évaluer les formules » and « Détecter les nombres spéciaux » on
// — the worst case for injection), quotedAsText telling whether « Formater
// les champs entre guillemets comme texte » is ticked, and returns the
// cells of its first sheet, row by row.
func libreOfficeOpen(t *testing.T, soffice, csvPath string, quotedAsText bool) [][]odsCell {
	t.Helper()
	dir := t.TempDir()
	// Tokens: separator ";", quote '"', UTF-8, from line 1, default column
	// formats, fr-FR, quoted as text, detect special numbers, (export
	// options), all sheets, evaluate formulas.
	filter := "CSV:59,34,76,1,,1036," + strconv.FormatBool(quotedAsText) + ",true,false,false,false,-1,true"
	cmd := exec.Command(soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--infilter="+filter, "--convert-to", "fods", "--outdir", dir, csvPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	name := strings.TrimSuffix(filepath.Base(csvPath), filepath.Ext(csvPath)) + ".fods"
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("soffice wrote no %s: %v\n%s", name, err, out)
	}
	defer f.Close()
	rows, err := readFODSCells(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readFODSCells reads the cells of the first table of a flat ODS document
// (repeated cells expanded, trailing empty ones dropped).
func readFODSCells(r io.Reader) ([][]odsCell, error) {
	const (
		office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
		table  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
		textNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	)
	dec := xml.NewDecoder(r)
	var rows [][]odsCell
	var cell *odsCell
	var text strings.Builder
	repeat, tables, inP := 1, 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch {
			case el.Name.Space == table && el.Name.Local == "table":
				tables++
			case tables != 1:
			case el.Name.Space == textNS && el.Name.Local == "p":
				if text.Len() > 0 {
					text.WriteByte('\n')
				}
				inP = true
			case inP && el.Name.Space == textNS && el.Name.Local == "tab":
				text.WriteByte('\t')
			case inP && el.Name.Space == textNS && el.Name.Local == "s":
				n := 1
				for _, a := range el.Attr {
					if a.Name.Local == "c" {
						n, _ = strconv.Atoi(a.Value)
					}
				}
				text.WriteString(strings.Repeat(" ", n))
			case el.Name.Space == table && el.Name.Local == "table-row":
				rows = append(rows, nil)
			case el.Name.Space == table && el.Name.Local == "table-cell":
				cell, repeat = &odsCell{}, 1
				text.Reset()
				for _, a := range el.Attr {
					switch {
					case a.Name.Space == office && a.Name.Local == "value-type":
						cell.Type = a.Value
					case a.Name.Space == office && strings.HasSuffix(a.Name.Local, "value") && a.Name.Local != "string-value":
						cell.Value = a.Value
					case a.Name.Space == table && a.Name.Local == "formula":
						cell.Formula = a.Value
					case a.Name.Space == table && a.Name.Local == "number-columns-repeated":
						repeat, _ = strconv.Atoi(a.Value)
					}
				}
			}
		case xml.CharData:
			if cell != nil && inP {
				text.Write(el)
			}
		case xml.EndElement:
			if el.Name.Space == textNS && el.Name.Local == "p" {
				inP = false
			}
			if tables == 1 && el.Name.Space == table && el.Name.Local == "table-cell" && cell != nil {
				if cell.Type == "string" {
					cell.Value = text.String()
				}
				last := len(rows) - 1
				for i := 0; i < repeat && i < 1000; i++ {
					rows[last] = append(rows[last], *cell)
				}
				cell = nil
			}
			if tables == 1 && el.Name.Space == table && el.Name.Local == "table-row" {
				last := len(rows) - 1
				for n := len(rows[last]); n > 0 && rows[last][n-1].Type == ""; n-- {
					rows[last] = rows[last][:n-1]
				}
			}
		}
	}
}

// lieuxFixtureSchema has the kinds of codes reusers lose in a spreadsheet.
const lieuxFixtureSchema = `{"name":"lieux","fields":[
 {"name":"id","type":"string"},
 {"name":"nom","type":"string"},
 {"name":"siret","type":"string"},
 {"name":"code_postal","type":"string"},
 {"name":"telephone","type":"string"},
 {"name":"telephone_local","type":"string"},
 {"name":"places","type":"integer"},
 {"name":"latitude","type":"number"},
 {"name":"date_maj","type":"date"},
 {"name":"horodatage","type":"datetime"},
 {"name":"services","type":"list","delimiter":"|"}
]}`

func TestLibreOfficeOpensFrenchCSV(t *testing.T) {
	soffice := sofficeOrSkip(t)
	s := parseSchema(t, lieuxFixtureSchema)
	rows := [][]schemas.Value{
		{"L1", "Médiathèque", "00012345678901", "01000", "+33240123456", "0240123456",
			int64(12), 47.2184, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 12, 5, 10, 30, 0, 0, time.UTC), []schemas.Value{"Wi-Fi", "Imprimante"}},
		{"L2", "=1+1", "12345678901234", "44000", "+33612345678", "0612345678",
			int64(-3), -1.5, time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC),
			nil, []schemas.Value{"=HYPERLINK(\"http://x\")"}},
		{"L3", "+cmd|' /C calc'!A0", "", "85000", "", "", nil, nil, nil, nil, nil},
		{"L4", "@SUM(1;2)", "", "", "", "", nil, nil, nil, nil, nil},
		{"L5", "-2+3", "", "", "", "", nil, nil, nil, nil, nil},
		{"L6", "\t=1+2", "", "", "", "", nil, nil, nil, nil, nil},
	}
	p := publishWith(t, t.TempDir(), "lieux", "20261205T103000Z-0001", s, rows)
	csvPath := filepath.Join(p.Dir, FileCSVFR)

	got := libreOfficeOpen(t, soffice, csvPath, true)
	if len(got) != 7 {
		t.Fatalf("%d rows, want 7: %v", len(got), got)
	}
	if h := got[0]; len(h) != 11 || h[0].Value != "id" || h[10].Value != "services" {
		t.Errorf("header %v (the BOM must not stick to the first name)", h)
	}
	text := func(v string) odsCell { return odsCell{Type: "string", Value: v} }
	want := map[[2]int]odsCell{
		{1, 2}: text("00012345678901"), {1, 3}: text("01000"), {1, 4}: text("+33240123456"), {1, 5}: text("0240123456"),
		{1, 6}: {Type: "float", Value: "12"}, {1, 7}: {Type: "float", Value: "47.2184"},
		{1, 8}: {Type: "date", Value: "2026-12-05"}, {1, 9}: {Type: "date", Value: "2026-12-05T10:30:00"},
		{1, 10}: text("Wi-Fi|Imprimante"),
		{2, 1}:  text("'=1+1"), {2, 2}: text("12345678901234"), {2, 3}: text("44000"), {2, 4}: text("+33612345678"),
		{2, 5}: text("0612345678"), {2, 6}: {Type: "float", Value: "-3"}, {2, 7}: {Type: "float", Value: "-1.5"},
		{2, 8}: {Type: "date", Value: "2026-01-31"}, {2, 10}: text(`'=HYPERLINK("http://x")`),
		{3, 1}: text("'+cmd|' /C calc'!A0"), {4, 1}: text("'@SUM(1;2)"), {5, 1}: text("'-2+3"), {6, 1}: text("'\t=1+2"),
	}
	for pos, w := range want {
		r, c := pos[0], pos[1]
		if c >= len(got[r]) {
			t.Errorf("row %d column %d missing: %v", r, c, got[r])
			continue
		}
		if g := got[r][c]; g != w {
			t.Errorf("row %d %s: LibreOffice made %+v, want %+v", r, got[0][c].Value, g, w)
		}
	}
	noFormula(t, got)

	// Without « champs entre guillemets comme texte », the codes become
	// numbers (a spreadsheet limit, said in the descriptor), but still no
	// formula runs.
	noFormula(t, libreOfficeOpen(t, soffice, csvPath, false))
}

func noFormula(t *testing.T, rows [][]odsCell) {
	t.Helper()
	for i, row := range rows {
		for j, c := range row {
			if c.Formula != "" {
				t.Errorf("row %d column %d: formula %q executed", i, j, c.Formula)
			}
		}
	}
}
