package web

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditFile is where the audit log lives in the store: one JSON document
// (an AuditEntry) per line, appended.
const AuditFile = "audit/actions.jsonl"

// AuditEntry is one line of the audit log: who did (or tried) what. It is
// the one Go type of that file; readers import it.
type AuditEntry struct {
	Time time.Time `json:"time"`
	// Steward is the signed-in steward, "" when the request carried no
	// valid session or token.
	Steward string `json:"steward,omitempty"`
	// Action is sign_in, sign_out, run, approve, attendance_submit,
	// attendance_token_emettre, attendance_token_revoquer.
	Action   string `json:"action"`
	Pipeline string `json:"pipeline,omitempty"`
	Run      string `json:"run,omitempty"`
	// Place is the place of an attendance submission or token.
	Place  string `json:"place,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Allowed tells an action done from one refused; Detail says why it
	// was refused or what it started.
	Allowed bool   `json:"allowed"`
	Detail  string `json:"detail,omitempty"`
	Remote  string `json:"remote,omitempty"`
	Via     string `json:"via"` // "site" or "api"
}

// auditLog appends entries to the store's audit file; with no store it
// only logs them.
type auditLog struct {
	path string
	mu   sync.Mutex
}

func (a *auditLog) write(e AuditEntry) error {
	if a == nil || a.path == "" {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: encode: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(a.path), 0o755); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("audit: %w", err)
	}
	return f.Close()
}
