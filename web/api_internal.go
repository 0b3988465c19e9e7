package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/ligerdata/ligerdata/web/explore"
)

// pageRecords is the body of a records answer of the query API.
type pageRecords struct {
	TotalCount int64            `json:"total_count"`
	Results    []map[string]any `json:"results"`
}

// apiRecords asks the site's own query API for the records of dataset
// with the parameters q (the same answer a reuser's request gets). Numbers
// are kept as json.Number, as the API wrote them.
func (s *site) apiRecords(ctx context.Context, dataset string, q url.Values) (*pageRecords, error) {
	target := explore.Prefix + "/catalog/datasets/" + url.PathEscape(dataset) + "/records?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("web: records of %s: %w", dataset, err)
	}
	w := &bufferWriter{header: http.Header{}}
	s.query.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(w.body.Bytes(), &e)
		return nil, &apiAnswerError{Status: w.status, Message: e.Message}
	}
	dec := json.NewDecoder(&w.body)
	dec.UseNumber()
	var a pageRecords
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("web: records of %s: %w", dataset, err)
	}
	return &a, nil
}

// apiAnswerError is a refusal of the query API, with its French message.
type apiAnswerError struct {
	Status  int
	Message string
}

func (e *apiAnswerError) Error() string {
	return fmt.Sprintf("query API answered %d: %s", e.Status, e.Message)
}
