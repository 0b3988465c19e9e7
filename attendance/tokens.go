package attendance

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// Token is a place's submission token as kept: its SHA-256, never the
// token itself.
type Token struct {
	Place    string     `json:"lieu"`
	SHA256   string     `json:"sha256"`
	Issued   time.Time  `json:"emis_le"`
	IssuedBy string     `json:"emis_par"`
	Revoked  *time.Time `json:"revoque_le,omitempty"`
}

// Tokens keeps the places' tokens in Root/attendance/tokens.json,
// rewritten atomically on each change.
type Tokens struct {
	Root string
	mu   sync.Mutex
}

func (t *Tokens) path() string { return filepath.Join(t.Root, Dir, "tokens.json") }

// List returns every token ever issued, revoked ones included.
func (t *Tokens) List() ([]Token, error) { return readList[Token](t.path()) }

func (t *Tokens) write(list []Token) error { return writeList(t.path(), list, 0o600) }

// Issue creates a token for place and returns it: it is shown once and
// only its hash is kept. The place's earlier live tokens stay valid
// until revoked.
func (t *Tokens) Issue(place, by string, at time.Time) (string, error) {
	if !placeDirRe.MatchString(place) {
		return "", fmt.Errorf("attendance: invalid place id %q", place)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	list, err := t.List()
	if err != nil {
		return "", err
	}
	list = append(list, Token{Place: place, SHA256: hashOf(token), Issued: at.UTC(), IssuedBy: by})
	return token, t.write(list)
}

// Revoke revokes every live token of place and returns how many.
func (t *Tokens) Revoke(place string, at time.Time) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	list, err := t.List()
	if err != nil {
		return 0, err
	}
	n := 0
	when := at.UTC()
	for i := range list {
		if list[i].Place == place && list[i].Revoked == nil {
			list[i].Revoked = &when
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	return n, t.write(list)
}

// Place returns the place of a live token, "" when the token is unknown
// or revoked. Every hash is compared in constant time.
func (t *Tokens) Place(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	list, err := t.List()
	if err != nil {
		return "", err
	}
	got := hashOf(token)
	place := ""
	for _, k := range list {
		if subtle.ConstantTimeCompare([]byte(got), []byte(k.SHA256)) == 1 && k.Revoked == nil {
			place = k.Place
		}
	}
	return place, nil
}

func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
