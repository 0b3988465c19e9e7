package indicators

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// PreludeFile is the name of the SQL prelude among the embedded
// definitions (indicators/defs/_prelude.sql).
const PreludeFile = "_prelude.sql"

// Prelude is the SQL prelude of the indicators: DuckDB macros (CREATE
// MACRO statements) that the engine creates in every computation's
// database after the input views and before the query, so that queries
// share the label tables, the territory roll-up and the like instead of
// repeating them. A statement ends with ";" at the end of a line (comment
// lines aside). The prelude is owned by the engine: every indicator, a
// steward's included, runs with the embedded one.
type Prelude struct {
	File string // the file name, for error positions
	SQL  string
}

// EmbeddedPrelude returns the prelude shipped in the binary.
func EmbeddedPrelude() (*Prelude, error) {
	b, err := fs.ReadFile(Embedded, PreludeFile)
	if err != nil {
		return nil, fmt.Errorf("indicators: prelude: %w", err)
	}
	return &Prelude{File: PreludeFile, SQL: string(b)}, nil
}

// SHA256 is the sha256 of the prelude's text.
func (p *Prelude) SHA256() string {
	if p == nil {
		return ""
	}
	sum := sha256.Sum256([]byte(p.SQL))
	return hex.EncodeToString(sum[:])
}

func (p *Prelude) text() string {
	if p == nil {
		return ""
	}
	return p.SQL
}

// preludeStatement is one statement of the prelude and the 1-based line of
// the prelude where its text starts.
type preludeStatement struct {
	line int
	text string
}

// statements splits the prelude into its statements: a line whose text
// (trailing spaces aside) ends with ";" and is not a "--" comment ends
// one. Chunks holding only comments and blank lines are dropped; a last
// statement without ";" is kept.
func (p *Prelude) statements() []preludeStatement {
	if p == nil {
		return nil
	}
	var out []preludeStatement
	var cur []string
	start, code := 1, false
	flush := func(next int) {
		if code {
			out = append(out, preludeStatement{line: start, text: strings.Join(cur, "\n")})
		}
		cur, start, code = nil, next, false
	}
	for i, line := range strings.Split(p.SQL, "\n") {
		cur = append(cur, line)
		t := strings.TrimSpace(line)
		isComment := strings.HasPrefix(t, "--")
		if t != "" && !isComment {
			code = true
		}
		if !isComment && strings.HasSuffix(t, ";") {
			flush(i + 2)
		}
	}
	flush(0)
	return out
}

// create runs the prelude's statements in d. A failed statement is a
// DefError positioned in the prelude file (line and column of DuckDB's
// caret when it gives one). Unless strict, a statement failing on a
// missing table or macro (a catalog error) is skipped: the macro reads a
// table the computation does not have, so the indicator does not use it
// (if it does, its query fails naming the macro). Lint is strict, with
// every dataset as a view.
func (p *Prelude) create(ctx context.Context, d *duck, strict bool) error {
	for _, st := range p.statements() {
		_, err := d.conn.ExecContext(ctx, st.text)
		var de *duckdb.Error
		if err == nil || (!strict && errors.As(err, &de) && de.Type == duckdb.ErrorTypeCatalog) {
			continue
		}
		return positionedError(p.File, p.SQL, 1-st.line, err)
	}
	return nil
}
