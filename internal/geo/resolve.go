package geo

import (
	"fmt"
	"strings"
)

// Methods reported in Match.Method.
const (
	MethodPostalName   = "postal+name"   // the postal code and the name agree on one commune
	MethodName         = "name"          // no postal code; the name is unique in the région
	MethodPostalUnique = "postal-unique" // the postal code serves one commune; the name was empty or did not match
)

// Match is a resolved commune and how it was found.
type Match struct {
	Commune Commune
	Method  string // MethodPostalName, MethodName or MethodPostalUnique
}

// ResolveError explains, in French for the data user, why Resolve found no
// single commune.
type ResolveError struct {
	PostalCode string // the postal code as given
	Name       string // the name as given
	// Reason says why, in French, quoting the inputs.
	Reason string
	// Candidates lists the communes that were in the running, as
	// "Name (INSEE)" in INSEE order; empty when none was.
	Candidates []string
}

// maxListed bounds the candidates quoted in Error.
const maxListed = 10

// Error returns the reason followed by the candidates, if any.
func (e *ResolveError) Error() string {
	if len(e.Candidates) == 0 {
		return e.Reason
	}
	list := e.Candidates
	more := ""
	if len(list) > maxListed {
		list = list[:maxListed]
		more = fmt.Sprintf(" et %d autres", len(e.Candidates)-maxListed)
	}
	return e.Reason + " (communes possibles : " + strings.Join(list, ", ") + more + ")"
}

// Resolve finds the commune for a postal code and a name.
//
// Names compare through NormalizeName, hence tolerant of case, accents,
// hyphens, apostrophes and spaces, "St"/"Ste" for "Saint"/"Sainte", and a
// leading article in parentheses or not ("Les Sables-d'Olonne" matches
// "SABLES D OLONNE (LES)"); when no name matches exactly, a match ignoring
// the leading article is accepted if it is unique ("Sables-d'Olonne").
//
// With a postal code (spaces ignored), only the communes it serves are
// candidates; a postal code serving exactly one commune resolves even when
// the name is empty or unknown (MethodPostalUnique). Without a postal code,
// a name unique in the région resolves (MethodName). Otherwise the error is
// a *ResolveError saying why in French: no commune for this postal code,
// several communes match, or unknown name.
func Resolve(postalCode, name string) (Match, error) {
	t := ref()
	pc := strings.Join(strings.Fields(postalCode), "")
	key := NormalizeName(name)
	fail := func(reason string, cands []int) (Match, error) {
		e := &ResolveError{PostalCode: postalCode, Name: name, Reason: reason}
		for _, i := range cands {
			c := t.communes[i]
			e.Candidates = append(e.Candidates, c.Name+" ("+c.INSEE+")")
		}
		return Match{}, e
	}
	found := func(i int, method string) (Match, error) {
		return Match{Commune: t.communes[i].clone(), Method: method}, nil
	}

	if pc == "" {
		if key == "" {
			return fail("ni code postal ni nom de commune renseigné", nil)
		}
		cands := t.byName[key]
		if len(cands) == 0 {
			cands = t.byBare[stripArticle(key)]
		}
		switch len(cands) {
		case 1:
			return found(cands[0], MethodName)
		case 0:
			return fail(fmt.Sprintf("aucune commune de la région ne s'appelle « %s »", name), nil)
		default:
			return fail(fmt.Sprintf("plusieurs communes de la région s'appellent « %s » ; le code postal est nécessaire pour choisir", name), cands)
		}
	}

	if !isPostalCode(pc) {
		return fail(fmt.Sprintf("le code postal « %s » est mal formé : 5 chiffres attendus", postalCode), nil)
	}
	cands := t.byPostal[pc]
	if len(cands) == 0 {
		return fail(fmt.Sprintf("aucune commune de la région n'est desservie par le code postal « %s »", pc), nil)
	}
	if key != "" {
		if i, n := pick(t, cands, key, false); n == 1 {
			return found(i, MethodPostalName)
		} else if n > 1 {
			return fail(fmt.Sprintf("plusieurs communes du code postal « %s » s'appellent « %s »", pc, name), cands)
		}
		if i, n := pick(t, cands, stripArticle(key), true); n == 1 {
			return found(i, MethodPostalName)
		}
	}
	if len(cands) == 1 {
		return found(cands[0], MethodPostalUnique)
	}
	if key == "" {
		return fail(fmt.Sprintf("le code postal « %s » dessert %d communes ; le nom de la commune est nécessaire pour choisir", pc, len(cands)), cands)
	}
	return fail(fmt.Sprintf("aucune des %d communes desservies par le code postal « %s » ne s'appelle « %s »", len(cands), pc, name), cands)
}

// pick counts the candidates whose key (or key without its leading article,
// when bare) equals key, and returns the last one found.
func pick(t *table, cands []int, key string, bare bool) (found, n int) {
	for _, i := range cands {
		k := t.keys[i]
		if bare {
			k = stripArticle(k)
		}
		if k == key {
			found, n = i, n+1
		}
	}
	return found, n
}

func isPostalCode(s string) bool {
	return len(s) == 5 && isNumber(s)
}
