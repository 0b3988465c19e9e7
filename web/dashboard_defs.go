package web

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ligerdata/ligerdata/pipelines"
)

// brokenDef is one problem of a pipeline definition that could not be
// loaded, as the dashboard shows it: the file, the position in French, the
// key, and the checker's message in French when it is one of the common
// ones (English marks the others, which keep the checker's words).
type brokenDef struct {
	File, Where, Key, Message string
	English                   bool
}

// brokenDefs turns the problems the daemon met loading the definitions
// (Options.DefinitionProblems) into the dashboard's rows.
func brokenDefs(problems pipelines.DefErrors) []brokenDef {
	out := make([]brokenDef, 0, len(problems))
	for _, p := range problems {
		msg, fr := frenchDefMessage(p.Msg)
		b := brokenDef{File: p.File, Key: p.Path, Message: msg, English: !fr}
		switch {
		case p.Line > 0 && p.Col > 0:
			b.Where = fmt.Sprintf("ligne %d, colonne %d", p.Line, p.Col)
		case p.Line > 0:
			b.Where = fmt.Sprintf("ligne %d", p.Line)
		}
		out = append(out, b)
	}
	return out
}

// defMessages render in French the checker's messages that are still in
// English (those of connectors); the definition decoder and
// the pipeline and indicator checks write theirs in French already.
var defMessages = []struct {
	re *regexp.Regexp
	fr func(m []string) string
}{
	{regexp.MustCompile(`^unknown connector kind "(.*)" \(known: (.*)\)$`), func(m []string) string {
		return "type de connecteur « " + m[1] + " » inconnu (connus : " + m[2] + ")"
	}},
}

// frenchDefMessage returns the French form of a checker message, and
// false when it has none: a message neither in defMessages nor already
// French (see looksEnglish) keeps its English words.
func frenchDefMessage(msg string) (string, bool) {
	msg = strings.TrimSpace(msg)
	for _, d := range defMessages {
		if m := d.re.FindStringSubmatch(msg); m != nil {
			return d.fr(m), true
		}
	}
	return msg, !looksEnglish(msg)
}

var (
	// quotedOrDetail is what a French message may quote from elsewhere:
	// values written in the file, between « and », and the technical
	// detail of a library, last.
	quotedOrDetail = regexp.MustCompile(`«[^»]*»|détail technique : .*`)
	// englishWords are words of the English messages that no French
	// message uses.
	englishWords = regexp.MustCompile(`\b(the|is|are|must|not|of|and|unknown|expected|invalid|cannot|missing|got|no|known|allowed|should)\b`)
)

// looksEnglish reports whether msg is an English message: one with an
// English word outside what it quotes.
func looksEnglish(msg string) bool {
	return englishWords.MatchString(quotedOrDetail.ReplaceAllString(msg, ""))
}
