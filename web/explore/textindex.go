package explore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// rowNumber is the column read_parquet adds with file_row_number = true:
// the position of a row in its file, from 0.
const rowNumber = "file_row_number"

// textIndex is the word index of the text fields of one release file: a
// full-text search looks its words up instead of scanning every text
// field of every row. Words are those of odsql.Words.
type textIndex struct {
	words []string // sorted
	// posts holds, per word, the ascending numbers of the rows holding it,
	// each written as its difference from the previous one in a uvarint
	// (one byte for most rows of a frequent word).
	posts [][]byte
	rows  int // rows of the file
}

// each calls fn with the row numbers of posting list p, in order.
func each(p []byte, fn func(r uint32)) {
	var r uint64
	for len(p) > 0 {
		d, n := binary.Uvarint(p)
		p = p[n:]
		r += d
		fn(uint32(r))
	}
}

// match returns the ascending numbers of the rows that hold, for every
// query word, an indexed word beginning with it.
func (ix *textIndex) match(words []string) []uint64 {
	var acc []uint64 // bitset of the rows matched so far
	for i, w := range words {
		set := ix.prefixSet(w)
		if i == 0 {
			acc = set
			continue
		}
		for k := range acc {
			acc[k] &= set[k]
		}
	}
	var out []uint64
	for k, b := range acc {
		for b != 0 {
			out = append(out, uint64(k*64+bits.TrailingZeros64(b)))
			b &= b - 1
		}
	}
	return out
}

// prefixSet is the bitset of the rows holding a word that begins with w.
func (ix *textIndex) prefixSet(w string) []uint64 {
	set := make([]uint64, (ix.rows+63)/64)
	i := sort.SearchStrings(ix.words, w)
	for ; i < len(ix.words) && strings.HasPrefix(ix.words[i], w); i++ {
		each(ix.posts[i], func(r uint32) { set[r/64] |= 1 << (r % 64) })
	}
	return set
}

// indexBuilder adds rows to an index being built.
type indexBuilder struct {
	ids   map[string]int32
	posts [][]byte
	last  []uint32 // per word, the last row added + 1 (0: none yet)
	rows  int
}

// add indexes the text of row n (rows are added in ascending order).
func (b *indexBuilder) add(n uint32, text string) {
	odsql.Words(text, func(w []byte) {
		if !odsql.Indexed(w) {
			return
		}
		id, ok := b.ids[string(w)]
		if !ok {
			id = int32(len(b.posts))
			b.ids[string(w)] = id
			b.posts = append(b.posts, nil)
			b.last = append(b.last, 0)
		}
		if b.last[id] == n+1 {
			return // already in this row
		}
		prev := uint64(0)
		if b.last[id] > 0 {
			prev = uint64(b.last[id] - 1)
		}
		b.posts[id] = binary.AppendUvarint(b.posts[id], uint64(n)-prev)
		b.last[id] = n + 1
	})
	b.rows = max(b.rows, int(n)+1)
}

// index returns the built index, its words sorted.
func (b *indexBuilder) index() *textIndex {
	ix := &textIndex{words: make([]string, 0, len(b.ids)), rows: b.rows}
	for w := range b.ids {
		ix.words = append(ix.words, w)
	}
	slices.Sort(ix.words)
	ix.posts = make([][]byte, len(ix.words))
	for i, w := range ix.words {
		ix.posts[i] = slices.Clip(b.posts[b.ids[w]])
	}
	return ix
}

// maxIndexes bounds the indexes kept in memory; past it the oldest built
// is dropped (built again when searched again).
const maxIndexes = 4

// indexCache builds each release file's index once, on its first
// full-text search, and keeps the last maxIndexes. A release file never
// changes, so an index is keyed by its path.
type indexCache struct {
	mu      sync.Mutex
	entries map[string]*indexEntry
	order   []string // paths, oldest first
	build   sync.Mutex
}

type indexEntry struct {
	done chan struct{}
	ix   *textIndex
	err  error
}

// get returns the index of parquet over the text columns cols, building it
// with build when it is not kept. A build goes on when ctx ends (the next
// search uses it); only one runs at a time.
func (c *indexCache) get(ctx context.Context, parquet string, build func(context.Context) (*textIndex, error)) (*textIndex, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*indexEntry{}
	}
	e, ok := c.entries[parquet]
	if !ok {
		e = &indexEntry{done: make(chan struct{})}
		c.entries[parquet] = e
		c.order = append(c.order, parquet)
		if len(c.order) > maxIndexes {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		go c.run(parquet, e, build)
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.ix, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("explore: word index of %s is being built: %w", parquet, ctx.Err())
	}
}

func (c *indexCache) run(parquet string, e *indexEntry, build func(context.Context) (*textIndex, error)) {
	c.build.Lock()
	defer c.build.Unlock()
	e.ix, e.err = build(context.Background())
	if e.err != nil {
		// A failed build is not kept: the next search tries again.
		c.mu.Lock()
		if c.entries[parquet] == e {
			delete(c.entries, parquet)
			c.order = slices.DeleteFunc(c.order, func(p string) bool { return p == parquet })
		}
		c.mu.Unlock()
	}
	close(e.done)
}

// buildIndex reads the text columns of parquet and indexes their words.
func (e *engine) buildIndex(ctx context.Context, parquet string, cols []string) (*textIndex, error) {
	b := &indexBuilder{ids: map[string]int32{}}
	if len(cols) == 0 {
		return b.index(), nil
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	rows, err := e.db.QueryContext(ctx, "SELECT "+rowNumber+", concat_ws(' ', "+strings.Join(quoted, ", ")+") FROM read_parquet(?, file_row_number = true)", parquet)
	if err != nil {
		return nil, fmt.Errorf("explore: word index of %s: %w", parquet, err)
	}
	defer rows.Close()
	var n int64
	var text string
	for rows.Next() {
		if err := rows.Scan(&n, &text); err != nil {
			return nil, fmt.Errorf("explore: word index of %s: %w", parquet, err)
		}
		if n < 0 || n > 1<<32-1 {
			return nil, fmt.Errorf("explore: word index of %s: %w", parquet, errors.New("too many rows"))
		}
		b.add(uint32(n), text)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("explore: word index of %s: %w", parquet, err)
	}
	return b.index(), nil
}
