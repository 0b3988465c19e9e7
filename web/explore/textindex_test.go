package explore

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestTextIndexMatch(t *testing.T) {
	b := &indexBuilder{ids: map[string]int32{}}
	for n, text := range []string{
		"Médiathèque de Nantes\x1fWi-Fi",
		"Fablab nantais",
		"Tiers-lieu\x1fMÉDIATHÈQUE Tiers",
		"",
		"Café",
	} {
		b.add(uint32(n), text)
	}
	ix := b.index()
	tests := []struct {
		words []string
		want  []uint64
	}{
		{[]string{"mediatheque"}, []uint64{0, 2}},
		{[]string{"nant"}, []uint64{0, 1}}, // nantes and nantais
		{[]string{"mediath", "tiers"}, []uint64{2}},
		{[]string{"cafe"}, []uint64{4}},
		{[]string{"antes"}, nil}, // not the middle of a word
		{[]string{"zzz"}, nil},
		{[]string{"fablab", "wi"}, nil},
	}
	for _, tt := range tests {
		if got := ix.match(tt.words); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("match(%q) = %v, want %v", tt.words, got, tt.want)
		}
	}
	// "tiers" twice in row 2 is one posting; "mediatheque" is rows 0 and
	// 2, written 0 then +2.
	for i, w := range ix.words {
		if w == "tiers" && !reflect.DeepEqual(ix.posts[i], []byte{2}) {
			t.Errorf("postings of tiers = %v", ix.posts[i])
		}
		if w == "mediatheque" && !reflect.DeepEqual(ix.posts[i], []byte{0, 2}) {
			t.Errorf("postings of mediatheque = %v", ix.posts[i])
		}
	}
}

func TestIndexCacheBuildsOnceAndRetriesFailures(t *testing.T) {
	var c indexCache
	builds := 0
	ok := func(context.Context) (*textIndex, error) { builds++; return &textIndex{rows: 1}, nil }
	for range 3 {
		if _, err := c.get(context.Background(), "a.parquet", ok); err != nil {
			t.Fatal(err)
		}
	}
	if builds != 1 {
		t.Errorf("%d builds, want 1", builds)
	}
	boom := errors.New("boom")
	if _, err := c.get(context.Background(), "b.parquet", func(context.Context) (*textIndex, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failed build: %v", err)
	}
	if _, err := c.get(context.Background(), "b.parquet", ok); err != nil || builds != 2 {
		t.Errorf("after a failure: %v, %d builds (want a second one)", err, builds)
	}
	// Past maxIndexes the oldest is dropped.
	for _, p := range []string{"c", "d", "e", "f"} {
		c.get(context.Background(), p, ok)
	}
	if _, kept := c.entries["a.parquet"]; kept || len(c.entries) != maxIndexes {
		t.Errorf("entries %d, a kept %v", len(c.entries), kept)
	}
}
