// Package attendance collects the monthly attendance that public digital
// spaces (EPN) and fablabs declare: the files they submit are checked
// against the embedded schema frequentation-lieux-mediation and against
// the published places, stored as received and never overwritten, and
// the latest declaration of each place for each month is what counts.
// Places submit with a token of their own, kept here as its SHA-256 only.
//
// Only counts are collected, never a person.
package attendance
