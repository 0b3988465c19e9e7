package alerts

import "time"

// Config says where alerts go and how often. It is the `alerts` block of
// the server configuration file (decoded strictly by package pipelines'
// DecodeYAML, hence the yaml tags).
type Config struct {
	// Webhooks receive each alert as a JSON document (POST).
	Webhooks []Webhook `yaml:"webhooks"`
	// Email sends each alert as one e-mail to every address of To.
	Email *Email `yaml:"email"`
	// FailuresInARow is how many failed runs in a row make a source
	// "down" (default 3).
	FailuresInARow int `yaml:"failures_in_a_row"`
	// Backoff is the first wait before repeating an alert for a source that
	// stays down; it doubles each time up to a day (default 1h).
	Backoff time.Duration `yaml:"backoff"`
}

// Webhook is a generic JSON receiver.
type Webhook struct {
	URL string `yaml:"url,required"`
	// Header is added to each request (e.g. Authorization).
	Header map[string]string `yaml:"header"`
}

// Email is an SMTP relay; STARTTLS is used whenever the server offers it
// and required unless Insecure is set (tests, a relay on localhost).
type Email struct {
	Host     string   `yaml:"host,required"`
	Port     int      `yaml:"port"` // default 587
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	From     string   `yaml:"from,required"`
	To       []string `yaml:"to,required"`
	// Insecure allows sending without STARTTLS.
	Insecure bool `yaml:"insecure"`
}
