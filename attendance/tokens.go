package attendance

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
func (t *Tokens) List() ([]Token, error) {
	b, err := os.ReadFile(t.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attendance: tokens: %w", err)
	}
	var out []Token
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("attendance: tokens: %w", err)
	}
	return out, nil
}

func (t *Tokens) write(list []Token) error {
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return fmt.Errorf("attendance: tokens: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(t.path()), 0o755); err != nil {
		return fmt.Errorf("attendance: tokens: %w", err)
	}
	tmp := t.path() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("attendance: tokens: %w", err)
	}
	if err := os.Rename(tmp, t.path()); err != nil {
		return fmt.Errorf("attendance: tokens: %w", err)
	}
	return nil
}

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
