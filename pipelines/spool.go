package pipelines

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ligerdata/ligerdata/connectors"
)

// spool keeps the pages of a harvest on disk until the run knows whether
// the source changed: a source whose every response is byte-identical to
// the last good run's is not normalised again, and a changed one is
// normalised from the spool, then streamed. Memory does not grow with the
// source.
type spool struct {
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	pages int
}

type spooled struct {
	Line   int            `json:"l"`
	Fields map[string]any `json:"f"`
}

// spoolPage is the page size used when reading the spool back.
const spoolPage = 1000

func newSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "spool-*.jsonl")
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	return &spool{f: f, w: w, enc: json.NewEncoder(w)}, nil
}

func (s *spool) add(page []connectors.Record) error {
	for _, r := range page {
		if err := s.enc.Encode(spooled{Line: r.Line, Fields: r.Fields}); err != nil {
			return fmt.Errorf("spooling records: %w", err)
		}
	}
	s.pages++
	return nil
}

// replay hands the spooled records back in their order, in pages, and
// empties the spool.
func (s *spool) replay(fn func([]connectors.Record) error) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.f, 1<<16))
	dec.UseNumber()
	page := make([]connectors.Record, 0, spoolPage)
	for {
		var r spooled
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading spooled records: %w", err)
		}
		page = append(page, connectors.Record{Line: r.Line, Fields: r.Fields})
		if len(page) == spoolPage {
			if err := fn(page); err != nil {
				return err
			}
			page = make([]connectors.Record, 0, spoolPage)
		}
	}
	if len(page) > 0 {
		if err := fn(page); err != nil {
			return err
		}
	}
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	s.w.Reset(s.f)
	return err
}

func (s *spool) close() {
	name := s.f.Name()
	s.f.Close()
	os.Remove(name)
}
