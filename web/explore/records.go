package explore

import (
	"bufio"
	"context"
	"fmt"
	"net/http"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// from is the table every query reads: the release's Parquet file, whose
// path is a parameter.
const from = "read_parquet(?)"

// records answers /records: {"total_count": N, "results": [{…}, …]}.
func (h *Handler) records(w http.ResponseWriter, r *http.Request) {
	d, err := h.lookup(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	req, err := queryParams(r.URL.Query())
	if err != nil {
		h.writeError(w, err)
		return
	}
	if req.Limit < 0 {
		req.Limit = defaultLimit
	}
	if req.Limit > maxLimit {
		h.writeError(w, badParam("limit doit être compris entre 0 et %d pour les enregistrements (reçu %d) : utilisez un export pour tout télécharger", maxLimit, req.Limit))
		return
	}
	if req.Offset+req.Limit > maxWindow {
		h.writeError(w, badParam("offset + limit ne peut dépasser %d : utilisez un export pour tout télécharger", maxWindow))
		return
	}
	q, err := odsql.Compile(d.schema(), from, []any{d.Parquet}, req, odsql.Options{Format: odsql.FormatJSON, WKBToGeoJSON: wkbFunc, JSONText: true})
	if err != nil {
		h.writeError(w, err)
		return
	}
	if answerHeaders(w, r, d) {
		return
	}
	total, rows, err := h.runRecords(r.Context(), d.Parquet, q)
	if err != nil {
		h.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"total_count": %d, "results": [`, total)
	for i, row := range rows {
		if i > 0 {
			bw.WriteString(", ")
		}
		bw.WriteString(row)
	}
	bw.WriteString("]}\n")
	_ = bw.Flush()
}

// runRecords runs the count and the page of a records query. When parquet
// names the release file the query reads, the count is kept for the next
// page (the catalogue, read from its metadata, passes "": never kept).
func (h *Handler) runRecords(ctx context.Context, parquet string, q *odsql.Query) (int64, []string, error) {
	release, err := h.eng.acquire(ctx)
	if err != nil {
		return 0, nil, err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, h.eng.lim.Timeout)
	defer cancel()
	var key string
	var total int64
	known := false
	if parquet != "" {
		key = countKey(parquet, q.CountSQL, q.CountArgs)
		total, known = h.eng.counts.get(key)
	}
	if !known {
		if err := h.eng.db.QueryRowContext(ctx, q.CountSQL, q.CountArgs...).Scan(&total); err != nil {
			return 0, nil, fmt.Errorf("explore: count: %w", orDeadline(ctx, err))
		}
	}
	if parquet != "" && !known {
		h.eng.counts.put(key, total)
	}
	rows, err := h.eng.db.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return 0, nil, fmt.Errorf("explore: records: %w", orDeadline(ctx, err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return 0, nil, fmt.Errorf("explore: records: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("explore: records: %w", orDeadline(ctx, err))
	}
	return total, out, nil
}

// orDeadline reports a DuckDB error caused by the query's deadline as
// context.DeadlineExceeded (DuckDB says "INTERRUPT").
func orDeadline(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
