package alerts

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// send delivers a to every webhook and by e-mail; a target that fails is
// logged and the others still get it.
func (n *Notifier) send(a Alert) {
	n.log.Info("alert", "kind", a.Kind, "pipeline", a.Pipeline, "run", a.Run)
	for _, w := range n.cfg.Webhooks {
		if err := n.postWebhook(w, a); err != nil {
			n.log.Error("alert webhook failed", "url", w.URL, "error", err)
		}
	}
	if n.cfg.Email != nil {
		if err := n.sendMail(*n.cfg.Email, a); err != nil {
			n.log.Error("alert e-mail failed", "host", n.cfg.Email.Host, "error", err)
		}
	}
}

func (n *Notifier) postWebhook(w Webhook, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range w.Header {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// sendMail sends one message over SMTP, upgrading with STARTTLS when the
// server offers it (required unless e.Insecure), authenticating with PLAIN
// when a user name is set (only over TLS, as net/smtp enforces).
func (n *Notifier) sendMail(e Email, a Alert) error {
	port := e.Port
	if port == 0 {
		port = 587
	}
	addr := net.JoinHostPort(e.Host, strconv.Itoa(port))
	conn, err := net.DialTimeout("tcp", addr, 15*time.Second)
	if err != nil {
		return err
	}
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	c, err := smtp.NewClient(conn, e.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := n.tls
		if cfg == nil {
			cfg = &tls.Config{ServerName: e.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	} else if !e.Insecure {
		return errors.New("the server does not offer STARTTLS (set insecure: true to send in clear, e.g. to a relay on localhost)")
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, e.Host)); err != nil {
			return fmt.Errorf("authentication: %w", err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return err
	}
	for _, to := range e.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("recipient %s: %w", to, err)
		}
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := wc.Write(message(e, a, time.Now())); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message builds the e-mail: UTF-8 plain text, the subject encoded.
func message(e Email, a Alert, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", e.From)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(e.To, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", a.Title))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	fmt.Fprintf(&b, "X-Ligerdata-Kind: %s\r\n\r\n", a.Kind)
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(a.Message, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String())
}
