package pipelines

import (
	"errors"
	"fmt"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

// explainBodyLimit completes a harvest error caused by a response body
// larger than the source's bound with a French sentence naming the bound
// and the key that sets it; other errors are returned as they are.
func (def *Definition) explainBodyLimit(err error) error {
	if errors.Is(err, fetch.ErrGzipBomb) {
		return fmt.Errorf("%w : la réponse compressée de la source grossit de plus de %d fois une fois décompressée (bombe de décompression ?) ; elle est refusée", err, fetch.MaxGzipRatio)
	}
	if !errors.Is(err, fetch.ErrBodyTooLarge) {
		return err
	}
	limit := "la limite par défaut de 512 Mio"
	if def.MaxBodyMB > 0 {
		limit = fmt.Sprintf("la limite de %d Mo fixée par max_body_mb", def.MaxBodyMB)
	}
	return fmt.Errorf("%w : une réponse de la source dépasse %s (augmentez max_body_mb dans la définition si elle est attendue)", err, limit)
}
