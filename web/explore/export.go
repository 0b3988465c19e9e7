package explore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// exportFormat describes one export format.
type exportFormat struct {
	format    odsql.Format
	mediaType string
	ext       string
}

var exportFormats = map[string]exportFormat{
	"csv":     {odsql.FormatCSV, "text/csv; charset=utf-8", "csv"},
	"json":    {odsql.FormatJSON, "application/json; charset=utf-8", "json"},
	"jsonl":   {odsql.FormatJSON, "application/jsonl; charset=utf-8", "jsonl"},
	"geojson": {odsql.FormatGeoJSON, "application/geo+json", "geojson"},
	"parquet": {odsql.FormatParquet, "application/vnd.apache.parquet", "parquet"},
}

// csvDelimiters are the accepted CSV separators (the SQL of COPY is written
// from this table, never from the request).
var csvDelimiters = map[string]string{";": "';'", ",": "','", "\t": "'\t'", "|": "'|'"}

// export answers /exports/{format}: the whole result, written by DuckDB
// to a temporary file (so that memory stays bounded whatever the size)
// then streamed to the client.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	d, err := h.lookup(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	name := r.PathValue("format")
	ef, ok := exportFormats[name]
	if !ok {
		h.writeError(w, badParam("format d'export inconnu « %s » : csv, json, jsonl, geojson ou parquet", name))
		return
	}
	qv := r.URL.Query()
	req, err := queryParams(qv)
	if err != nil {
		h.writeError(w, err)
		return
	}
	delim := qv.Get("delimiter")
	if delim == "" {
		delim = ";"
	}
	if _, ok := csvDelimiters[delim]; !ok {
		h.writeError(w, badParam("délimiteur CSV « %s » non pris en charge : ; , | ou tabulation", delim))
		return
	}
	listSep := qv.Get("list_separator")
	if listSep == "" {
		listSep = ","
	}
	if ef.format == odsql.FormatGeoJSON && !d.geographic() {
		h.writeError(w, badParam("le jeu de données %s n'a pas de champ géographique : pas d'export GeoJSON", d.ID))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.eng.lim.Timeout)
	q, err := h.compileOn(ctx, d, req, odsql.Options{Format: ef.format, ListSeparator: listSep, WKBToGeoJSON: wkbFunc})
	cancel()
	if err != nil {
		h.writeError(w, err)
		return
	}
	if answerHeaders(w, r, d) {
		return
	}
	path, err := h.writeExport(r.Context(), q, ef, delim)
	if path != "" {
		defer os.Remove(path)
	}
	if err != nil {
		h.writeError(w, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		h.writeError(w, err)
		return
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("Content-Type", ef.mediaType)
	hd.Set("Content-Disposition", `attachment; filename="`+d.ID+"."+ef.ext+`"`)
	if err := frame(w, f, name, q, delim, qv.Get("with_bom") != "false"); err != nil {
		h.log.Warn("export interrupted", "dataset", d.ID, "format", name, "err", err)
	}
}

// writeExport runs COPY of the query to a new temporary file and returns
// its path (to be removed by the caller, also after an error).
func (h *Handler) writeExport(ctx context.Context, q *odsql.Query, ef exportFormat, delim string) (string, error) {
	release, err := h.eng.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, h.eng.lim.ExportTimeout)
	defer cancel()
	f, err := os.CreateTemp(h.eng.lim.TempDir, "ligerdata-export-*")
	if err != nil {
		return "", fmt.Errorf("explore: export: %w", err)
	}
	path := f.Name()
	f.Close()
	var opts string
	switch ef.format {
	case odsql.FormatCSV:
		opts = "FORMAT csv, HEADER false, DELIMITER " + csvDelimiters[delim]
	case odsql.FormatParquet:
		opts = "FORMAT parquet, COMPRESSION zstd"
	default:
		opts = "FORMAT json"
	}
	// The path is ours (CreateTemp); it is quoted as a SQL string.
	copySQL := "COPY (" + q.SQL + ") TO '" + strings.ReplaceAll(path, "'", "''") + "' (" + opts + ")"
	if _, err := h.eng.db.ExecContext(ctx, copySQL, q.Args...); err != nil {
		return path, fmt.Errorf("explore: export: %w", orDeadline(ctx, err))
	}
	return path, nil
}

// frame streams the file DuckDB wrote, framed as the format wants: CSV
// gets its header line (and a byte order mark), JSON lines {"j": …} are
// unwrapped into an array, JSON lines, or a GeoJSON FeatureCollection.
func frame(w io.Writer, f io.Reader, format string, q *odsql.Query, delim string, bom bool) error {
	switch format {
	case "parquet":
		_, err := io.Copy(w, f)
		return err
	case "csv":
		bw := bufio.NewWriter(w)
		if bom {
			bw.WriteString("\ufeff")
		}
		cw := csv.NewWriter(bw)
		cw.Comma = rune(delim[0])
		header := make([]string, len(q.Columns))
		for i, c := range q.Columns {
			header[i] = c.Name
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		cw.Flush()
		if _, err := io.Copy(bw, f); err != nil {
			return err
		}
		return bw.Flush()
	}
	open, sep, closing := "[", ",\n", "]\n"
	switch format {
	case "jsonl":
		open, sep, closing = "", "\n", "\n"
	case "geojson":
		open, sep, closing = `{"type": "FeatureCollection", "features": [`, ",\n", "]}\n"
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(open)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 256<<20)
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		v, ok := bytes.CutPrefix(line, []byte(`{"j":`))
		if !ok || len(v) == 0 || v[len(v)-1] != '}' {
			return fmt.Errorf("explore: unexpected line in DuckDB's JSON output: %.80q", line)
		}
		if n > 0 {
			bw.WriteString(sep)
		}
		bw.Write(v[:len(v)-1])
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if format == "jsonl" && n == 0 {
		closing = ""
	}
	bw.WriteString(closing)
	return bw.Flush()
}
