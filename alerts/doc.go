// Package alerts tells stewards when a harvest needs them: a failed run, a
// blocked release, a failed audit, a source failing several runs in a row.
// Each event gives one message (a digest of its errors), sent to generic
// JSON webhooks and by e-mail (SMTP with STARTTLS). While a source stays
// down the repeats back off, and one "rétabli" message says when it
// recovers.
package alerts
