package alerts

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/pipelines"
)

// smtpReceiver is a minimal SMTP server on 127.0.0.1 that offers STARTTLS
// and AUTH PLAIN, and keeps every message it receives.
type smtpReceiver struct {
	ln       net.Listener
	tls      *tls.Config
	mu       sync.Mutex
	messages []string
	tlsUsed  []bool
}

func newSMTPReceiver(t *testing.T, cert tls.Certificate) *smtpReceiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &smtpReceiver{ln: ln, tls: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return r
}

func (r *smtpReceiver) serve(conn net.Conn) {
	defer func() { conn.Close() }()
	tp := textproto.NewConn(conn)
	secure := false
	_ = tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			if secure {
				_ = tp.PrintfLine("250-test\r\n250 AUTH PLAIN")
			} else {
				_ = tp.PrintfLine("250-test\r\n250-STARTTLS\r\n250 AUTH PLAIN")
			}
		case "STARTTLS":
			_ = tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, r.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			tp = textproto.NewConn(tc)
		case "AUTH":
			_ = tp.PrintfLine("235 ok")
		case "MAIL", "RCPT", "RSET", "NOOP":
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go")
			body, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			r.mu.Lock()
			r.messages = append(r.messages, string(body))
			r.tlsUsed = append(r.tlsUsed, secure)
			r.mu.Unlock()
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 unknown")
		}
	}
}

func TestAlertsDigestBackoffAndRecovery(t *testing.T) {
	// The HTTP receiver keeps every alert posted to it.
	var mu sync.Mutex
	var hooks []Alert
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a Alert
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil || r.Header.Get("Authorization") != "Bearer x" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		hooks = append(hooks, a)
		mu.Unlock()
	}))
	defer hook.Close()
	tlsSrv := httptest.NewTLSServer(nil) // lends its certificate for 127.0.0.1
	defer tlsSrv.Close()
	smtpSrv := newSMTPReceiver(t, tlsSrv.TLS.Certificates[0])
	port := smtpSrv.ln.Addr().(*net.TCPAddr).Port

	clock := time.Date(2026, 12, 4, 4, 0, 0, 0, time.UTC)
	cfg := Config{
		Webhooks:       []Webhook{{URL: hook.URL, Header: map[string]string{"Authorization": "Bearer x"}}},
		Email:          &Email{Host: "127.0.0.1", Port: port, Username: "u", Password: "p", From: "ligerdata@example.fr", To: []string{"equipe@example.fr"}},
		FailuresInARow: 2,
		Backoff:        time.Hour,
	}
	n := New(cfg, "https://donnees.example.fr", nil, func() time.Time { return clock })
	pool := x509.NewCertPool()
	pool.AddCert(tlsSrv.Certificate())
	n.tls = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}

	run := func(id, outcome string, after time.Duration) {
		clock = clock.Add(after)
		m := &pipelines.Manifest{Pipeline: "ping", RunID: id, Outcome: outcome, Read: 30, Accepted: 3, Rejected: 27,
			ErrorsBy: map[string]int{"pattern": 27, "required": 4}}
		switch outcome {
		case pipelines.OutcomeFailed:
			m.Error = "opendatasoft: page 3: 503 Service Unavailable"
		case pipelines.OutcomeBlocked:
			m.Gates = []pipelines.GateResult{{Gate: "rejected_share", Detail: "90 % de lignes rejetées, plus que 50 %"}}
		}
		n.RunFinished(m)
	}
	run("r1", pipelines.OutcomeFailed, 0)              // failed
	run("r2", pipelines.OutcomeBlocked, time.Hour)     // blocked
	run("r3", pipelines.OutcomeFailed, time.Hour)      // second failure in a row: down
	run("r4", pipelines.OutcomeFailed, 10*time.Minute) // within the hour of back-off: held back
	run("r5", pipelines.OutcomeFailed, 51*time.Minute) // 61 min after r3: down again, next wait 2 h
	run("r6", pipelines.OutcomeFailed, time.Hour)      // 60 min after r5 < 2 h: held back
	run("r7", pipelines.OutcomeCancelled, time.Hour)   // not the source's fault: nothing
	run("r8", pipelines.OutcomePublished, time.Hour)   // rétabli
	run("r9", pipelines.OutcomePublished, time.Hour)   // nothing to say
	n.AuditFailed("lieux-par-territoire", "a1", "Contrôle « total » : 1 202 lieux au lieu de 1 203.")

	want := []struct{ kind, run string }{
		{KindFailed, "r1"}, {KindBlocked, "r2"}, {KindDown, "r3"}, {KindDown, "r5"}, {KindRecovered, "r8"}, {KindAuditFailed, "a1"},
	}
	if len(hooks) != len(want) {
		t.Fatalf("webhook got %d alerts, want %d: %+v", len(hooks), len(want), hooks)
	}
	for i, w := range want {
		if hooks[i].Kind != w.kind || hooks[i].Run != w.run {
			t.Errorf("alert %d: %s %s, want %s %s", i, hooks[i].Kind, hooks[i].Run, w.kind, w.run)
		}
	}
	// One digest per event: the error codes counted, not listed row by row.
	if !strings.Contains(hooks[0].Message, "pattern : 27") || !strings.Contains(hooks[0].Message, "https://donnees.example.fr/tableau-de-bord/executions/ping/r1") {
		t.Errorf("failure digest:\n%s", hooks[0].Message)
	}
	if !strings.Contains(hooks[1].Message, "ligerdata release approve ping r2 --by") {
		t.Errorf("blocked alert lacks the approve command:\n%s", hooks[1].Message)
	}
	// Five failures since the last success: r1, r3, r4, r5, r6.
	if hooks[4].Title != "[ligerdata] Rétabli : ping" || !strings.Contains(hooks[4].Message, "après 5 échecs") {
		t.Errorf("recovery: %q\n%s", hooks[4].Title, hooks[4].Message)
	}
	smtpSrv.mu.Lock()
	defer smtpSrv.mu.Unlock()
	if len(smtpSrv.messages) != len(want) {
		t.Fatalf("SMTP got %d messages, want %d", len(smtpSrv.messages), len(want))
	}
	for i, used := range smtpSrv.tlsUsed {
		if !used {
			t.Errorf("message %d sent without STARTTLS", i)
		}
	}
	first := smtpSrv.messages[0]
	sc := bufio.NewScanner(strings.NewReader(first))
	var subject string
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "Subject: "); ok {
			subject = s
		}
	}
	if subject != "=?utf-8?q?[ligerdata]_=C3=89chec_de_la_moisson_ping?=" || !strings.Contains(first, "Content-Type: text/plain; charset=utf-8") {
		t.Errorf("first e-mail:\n%s", first)
	}
}

func TestAlertsRefuseClearTextUnlessInsecure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tp := textproto.NewConn(c)
		_ = tp.PrintfLine("220 plain")
		for {
			line, err := tp.ReadLine()
			if err != nil {
				return
			}
			if strings.HasPrefix(strings.ToUpper(line), "EHLO") {
				_ = tp.PrintfLine("250 plain")
			} else {
				_ = tp.PrintfLine("221 bye")
				return
			}
		}
	}()
	n := New(Config{}, "", nil, nil)
	err = n.sendMail(Email{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, From: "a@b", To: []string{"c@d"}}, Alert{Title: "t"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("clear-text relay accepted: %v", err)
	}
}
