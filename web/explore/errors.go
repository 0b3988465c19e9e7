package explore

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// apiError is the body of an error answer, in the shape of the ODS
// Explore API ({"error_code": …, "message": …}), with a French message.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"error_code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func badParam(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "InvalidRESTParameterError", Message: sprintf(format, args...)}
}

func notFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "NotFound", Message: msg}
}

// classify turns an error of a query into the answer the reuser gets.
func (h *Handler) classify(err error) *apiError {
	var ae *apiError
	var oe *odsql.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &oe):
		return &apiError{Status: http.StatusBadRequest, Code: "ODSQLError", Message: oe.Error()}
	case errors.Is(err, errBusy):
		return &apiError{Status: http.StatusTooManyRequests, Code: "TooManyRequests",
			Message: "Trop de requêtes en cours sur le serveur : réessayez dans quelques secondes."}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "QueryTimeout",
			Message: "La requête a dépassé le temps permis : filtrez davantage (where, refine) ou utilisez un export."}
	case errors.Is(err, ErrNotFound):
		return notFound("Jeu de données ou version introuvable.")
	case errors.Is(err, context.Canceled):
		// The client went away: nobody reads the answer.
		return &apiError{Status: 499, Code: "ClientClosedRequest", Message: "Requête abandonnée par le client."}
	}
	h.log.Error("query failed", "err", err)
	return &apiError{Status: http.StatusInternalServerError, Code: "InternalError",
		Message: "Erreur interne en exécutant la requête. Merci de réessayer plus tard."}
}

// writeError writes err as an ODS error body.
func (h *Handler) writeError(w http.ResponseWriter, err error) {
	ae := h.classify(err)
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	if ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable {
		hd.Set("Retry-After", strconv.Itoa(5))
	}
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(ae)
}
