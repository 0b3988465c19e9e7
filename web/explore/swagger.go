package explore

import (
	_ "embed"
	"net/http"
)

//go:embed swagger.json
var swaggerJSON []byte

// swagger serves the OpenAPI description of the API.
func (h *Handler) swagger(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(swaggerJSON)
}
