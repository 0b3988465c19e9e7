package pipelines

import (
	"github.com/ligerdata/ligerdata/connectors"
)

// stagedPages is how many pages may wait between the connector and the
// normaliser.
const stagedPages = 2

// stage runs a page handler in its own goroutine, so that a connector
// reads and parses the next page while the previous one is normalised
// (two stages of the run's pipeline, on two cores). Pages are copied
// (shallowly: the records' field maps are the connector's, which must not
// change them after handing them over), so the connector may reuse its
// page slice as soon as send returns.
type stage struct {
	pages  chan []connectors.Record
	failed chan struct{} // closed when the handler fails
	done   chan struct{} // closed when the handler's goroutine ends
	err    error         // the handler's error; read after failed is closed
}

// newStage starts handle on its goroutine; close must be called.
func newStage(handle func([]connectors.Record) error) *stage {
	st := &stage{pages: make(chan []connectors.Record, stagedPages), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(st.done)
		for page := range st.pages {
			if st.err != nil {
				continue // drain: the sender learns the error on its next send
			}
			if err := handle(page); err != nil {
				st.err = err
				close(st.failed)
			}
		}
	}()
	return st
}

// send hands a copy of page to the handler. Once the handler has failed it
// returns the handler's error (and no more pages are handled).
func (st *stage) send(page []connectors.Record) error {
	select {
	case <-st.failed:
		return st.err
	default:
	}
	select {
	case <-st.failed:
		return st.err
	case st.pages <- append([]connectors.Record(nil), page...):
		return nil
	}
}

// close waits for the handler to finish the pages sent and returns its
// error.
func (st *stage) close() error {
	close(st.pages)
	<-st.done
	return st.err
}
