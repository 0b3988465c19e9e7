package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Cookie names of the stewards' sign-in.
const (
	sessionCookie = "ligerdata_session"
	// preCSRFCookie carries the CSRF token of the sign-in form, before any
	// session exists (double-submit).
	preCSRFCookie = "ligerdata_csrf"
	csrfField     = "csrf"
)

// auth signs stewards in with their token and keeps their sessions in
// memory (a restart signs everyone out). Tokens are compared by their
// SHA-256 only; failed attempts are counted per client address and refused
// beyond the limit.
type auth struct {
	stewards []Steward
	secure   bool // cookies only over HTTPS
	lifetime time.Duration
	attempts int
	window   time.Duration
	now      func() time.Time

	mu       sync.Mutex
	sessions map[string]*session // by sha256 of the cookie value
	failures map[string][]time.Time
}

// session is one signed-in steward.
type session struct {
	steward *Steward
	csrf    string
	expires time.Time
}

func newAuth(stewards []Steward, secure bool, l Limits, now func() time.Time) *auth {
	c := Config{Limits: l}
	c.SetDefaults()
	return &auth{
		stewards: stewards, secure: secure, now: now,
		lifetime: c.Limits.SessionLifetime, attempts: c.Limits.SignInAttempts, window: c.Limits.SignInWindow,
		sessions: map[string]*session{}, failures: map[string][]time.Time{},
	}
}

// HashToken returns the hex SHA-256 of a token, as the configuration keeps it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a new random token (32 bytes, URL-safe base64).
func NewToken() string { return randomString(32) }

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// steward returns the steward whose token this is, comparing every hash in
// constant time.
func (a *auth) steward(token string) *Steward {
	if token == "" {
		return nil
	}
	got := HashToken(token)
	var found *Steward
	for i := range a.stewards {
		if subtle.ConstantTimeCompare([]byte(got), []byte(strings.ToLower(a.stewards[i].TokenSHA256))) == 1 {
			found = &a.stewards[i]
		}
	}
	return found
}

// clientAddr is the address failures are counted against.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited reports whether addr used up its failed attempts in the window.
func (a *auth) limited(addr string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	cut := a.now().Add(-a.window)
	recent := slices.DeleteFunc(a.failures[addr], func(t time.Time) bool { return t.Before(cut) })
	a.failures[addr] = recent
	return len(recent) >= a.attempts
}

func (a *auth) fail(addr string) {
	a.mu.Lock()
	a.failures[addr] = append(a.failures[addr], a.now())
	a.mu.Unlock()
}

// signIn opens a session for st and sets its cookie.
func (a *auth) signIn(w http.ResponseWriter, st *Steward) {
	value := randomString(32)
	a.mu.Lock()
	a.sessions[HashToken(value)] = &session{steward: st, csrf: randomString(32), expires: a.now().Add(a.lifetime)}
	a.mu.Unlock()
	http.SetCookie(w, a.cookie(sessionCookie, value, a.lifetime))
}

func (a *auth) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, HashToken(c.Value))
		a.mu.Unlock()
	}
	http.SetCookie(w, a.cookie(sessionCookie, "", -1))
}

func (a *auth) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// session returns the request's live session, or nil.
func (a *auth) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	key := HashToken(c.Value)
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[key]
	if s != nil && a.now().After(s.expires) {
		delete(a.sessions, key)
		return nil
	}
	return s
}

// sameToken compares a submitted CSRF token in constant time.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// mayAct reports whether the steward may act on pipeline.
func (st *Steward) mayAct(pipeline string) bool {
	return len(st.Pipelines) == 0 || slices.Contains(st.Pipelines, pipeline)
}
