package output

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// TestColumnarParquetMatchesWriteRows publishes more than two row groups
// of rows (with nulls in every column, and the background fsyncs of the
// CSV files on every flush) and checks that data.parquet, written column
// by column, has the bytes that parquet-go's own row writer gives for the
// same rows, and the expected row groups.
func TestColumnarParquetMatchesWriteRows(t *testing.T) {
	defer func(n int64) { earlySyncBytes = n }(earlySyncBytes)
	earlySyncBytes = 1 // a background fsync request on every CSV flush

	s := allTypesSchema(t)
	base := allTypesRows()
	tests := []struct {
		name string
		rows int
	}{
		{"one partial row group", 1500},
		{"row groups and a tail", 2*rowGroupRows + 1500},
		{"exact row groups", rowGroupRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([][]schemas.Value, tt.rows)
			for i := range rows {
				row := append([]schemas.Value(nil), base[i%len(base)]...)
				row[0] = fmt.Sprintf("%05d", i%100000) // varied text for the statistics
				if i%7 == 3 {
					row[1] = nil
				}
				rows[i] = row
			}
			public := t.TempDir()
			p := publish(t, public, "d", "20261127T152100Z-0001", rows, Quality{})
			got, err := os.ReadFile(filepath.Join(p.Dir, FileParquet))
			if err != nil {
				t.Fatal(err)
			}

			// The reference: the same rows through parquet.Writer.WriteRows.
			pl, err := newPlan(s)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := parquetConfig(pl, "d")
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			w := parquet.NewWriter(&want, cfg)
			prows := make([]parquet.Row, len(rows))
			st := newGeoStats()
			for i, vals := range rows {
				var scratch []byte
				row, err := pl.parquetRow(vals, &scratch, st)
				if err != nil {
					t.Fatal(err)
				}
				prows[i] = row
			}
			// One call: the writer cuts the rows in its chunks of 64.
			if _, err := w.WriteRows(prows); err != nil {
				t.Fatal(err)
			}
			if pl.geo == nil {
				t.Fatal("the schema is not geographic: the geometry column is not tested")
			}
			geo, err := geoMetadataJSON(st.metadata(pl))
			if err != nil {
				t.Fatal(err)
			}
			w.SetKeyValueMetadata("geo", geo)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("data.parquet (%d bytes) differs from parquet-go's WriteRows output (%d bytes)", len(got), want.Len())
			}

			f, err := parquet.OpenFile(bytes.NewReader(got), int64(len(got)))
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int64
			for _, rg := range f.RowGroups() {
				sizes = append(sizes, rg.NumRows())
			}
			var wantSizes []int64
			for left := int64(tt.rows); left > 0; left -= rowGroupRows {
				wantSizes = append(wantSizes, min(left, rowGroupRows))
			}
			if fmt.Sprint(sizes) != fmt.Sprint(wantSizes) {
				t.Fatalf("row groups of %v rows, want %v", sizes, wantSizes)
			}
			verifySums(t, p.Dir)
		})
	}
}
