package pipelines

import (
	"errors"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
)

// The stage handles every page in order, from copies, so the sender may
// reuse its page slice at once.
func TestStageHandlesCopiesInOrder(t *testing.T) {
	var got []string
	st := newStage(func(page []connectors.Record) error {
		for _, r := range page {
			got = append(got, r.Fields["id"].(string))
		}
		return nil
	})
	page := make([]connectors.Record, 1)
	for _, id := range []string{"a", "b", "c"} {
		page[0] = connectors.Record{Fields: map[string]any{"id": id}}
		if err := st.send(page); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("handled %v, want [a b c]", got)
	}
}

// A failing handler stops the stage: later pages are not handled, a later
// send or the close returns its error.
func TestStageReportsTheHandlersError(t *testing.T) {
	boom := errors.New("boom")
	handled := 0
	st := newStage(func([]connectors.Record) error {
		handled++
		return boom
	})
	page := []connectors.Record{{Fields: map[string]any{}}}
	sendErr := error(nil)
	for i := 0; i < 100 && sendErr == nil; i++ {
		sendErr = st.send(page)
	}
	if err := st.close(); !errors.Is(err, boom) || !errors.Is(sendErr, boom) {
		t.Errorf("close %v, send %v; want boom from both", err, sendErr)
	}
	if handled != 1 {
		t.Errorf("%d pages handled, want 1 (the failing one)", handled)
	}
}
