package odsql

import "fmt"

// Error is a refused clause: Clause names the parameter (where, select,
// group_by, order_by, refine, exclude), Pos is the byte offset in it, and
// Msg says what is wrong, in French.
type Error struct {
	Clause string
	Pos    int
	Msg    string
}

// Error returns the French message, with the clause and position when known.
func (e *Error) Error() string {
	switch {
	case e.Clause != "" && e.Pos >= 0:
		return fmt.Sprintf("requête ODSQL invalide dans le paramètre %s (position %d) : %s", e.Clause, e.Pos+1, e.Msg)
	case e.Clause != "":
		return fmt.Sprintf("requête ODSQL invalide dans le paramètre %s : %s", e.Clause, e.Msg)
	default:
		return "requête ODSQL invalide : " + e.Msg
	}
}

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// inClause sets the clause name of an *Error.
func inClause(err error, clause string) error {
	if e, ok := err.(*Error); ok && e.Clause == "" {
		e.Clause = clause
	}
	return err
}
