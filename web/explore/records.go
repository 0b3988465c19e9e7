package explore

import (
	"bufio"
	"context"
	"fmt"
	"net/http"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// from is the table every query reads: the release's Parquet file, whose
// path is a parameter, with the number of each row (rowNumber).
const from = "read_parquet(?, file_row_number = true)"

// compileOn compiles req over the release d: full-text searches over every
// text field look up the release's word index (built on the first one,
// waiting at most until ctx ends).
func (h *Handler) compileOn(ctx context.Context, d *Dataset, req odsql.Request, opts odsql.Options) (*odsql.Query, error) {
	var cols []string
	for _, f := range d.Fields {
		if f.Type == odsql.Text {
			cols = append(cols, f.Name)
		}
	}
	opts.RowNumber = rowNumber
	opts.FullText = func(words []string) ([]uint64, error) {
		ix, err := h.eng.indexes.get(ctx, d.Parquet, func(ctx context.Context) (*textIndex, error) {
			return h.eng.buildIndex(ctx, d.Parquet, cols)
		})
		if err != nil {
			return nil, err
		}
		return ix.match(words), nil
	}
	return odsql.Compile(d.schema(), from, []any{d.Parquet}, req, opts)
}

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
	ctx, cancel := context.WithTimeout(r.Context(), h.eng.lim.Timeout)
	defer cancel()
	q, err := h.compileOn(ctx, d, req, odsql.Options{Format: odsql.FormatJSON, WKBToGeoJSON: wkbFunc, JSONText: true})
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
	if q.Indexed {
		page, err := h.eng.fetch(ctx, q, q.Page)
		if err != nil {
			return 0, nil, fmt.Errorf("explore: records: %w", orDeadline(ctx, err))
		}
		return q.Matched, page, nil
	}
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
	if total == 0 {
		return 0, nil, nil
	}
	var out []string
	if q.RowsSQL != "" {
		out, err = h.eng.twoPhase(ctx, q)
	} else {
		out, err = h.eng.page(ctx, q)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("explore: records: %w", orDeadline(ctx, err))
	}
	return total, out, nil
}

// page runs the one-phase query of a records page: one JSON object a row.
func (e *engine) page(ctx context.Context, q *odsql.Query) ([]string, error) {
	rows, err := e.db.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// twoPhase runs a records page in two phases: the numbers of the page's
// rows, read from the columns the filter and the order need, then those
// rows rendered (a Parquet file is read only in the row groups that hold
// them), put back in the page's order.
func (e *engine) twoPhase(ctx context.Context, q *odsql.Query) ([]string, error) {
	rows, err := e.db.QueryContext(ctx, q.RowsSQL, q.RowsArgs...)
	if err != nil {
		return nil, err
	}
	var nums []uint64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		nums = append(nums, uint64(n))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return e.fetch(ctx, q, nums)
}

// fetch renders the rows numbered nums, in that order.
func (e *engine) fetch(ctx context.Context, q *odsql.Query, nums []uint64) ([]string, error) {
	if len(nums) == 0 {
		return nil, nil
	}
	fetchSQL, fetchArgs := q.Fetch(nums)
	rows, err := e.db.QueryContext(ctx, fetchSQL, fetchArgs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byNum := make(map[uint64]string, len(nums))
	for rows.Next() {
		var n int64
		var s string
		if err := rows.Scan(&n, &s); err != nil {
			return nil, err
		}
		byNum[uint64(n)] = s
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = byNum[n]
	}
	return out, nil
}

// orDeadline reports a DuckDB error caused by the query's deadline as
// context.DeadlineExceeded (DuckDB says "INTERRUPT").
func orDeadline(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
