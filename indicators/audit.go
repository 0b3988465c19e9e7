package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// resultTable is the temporary table holding the result of the query
// while it is audited and read.
const resultTable = "resultat"

// runAudits runs every audit of def on the result table. The verdicts
// are in French.
func (d *duck) runAudits(ctx context.Context, def *Definition) ([]AuditResult, error) {
	out := []AuditResult{}
	for _, a := range def.Audits {
		r, err := d.audit(ctx, a)
		if err != nil {
			return out, fmt.Errorf("audit %s : %s", a.Label(), withoutPosition(err))
		}
		out = append(out, r)
	}
	return out, nil
}

func (d *duck) audit(ctx context.Context, a Audit) (AuditResult, error) {
	r := AuditResult{Check: a.Check, Label: a.Label()}
	switch a.Check {
	case "not_null":
		var empty []string
		for _, f := range a.Fields {
			n, err := d.count(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s IS NULL", resultTable, quoteIdent(f)))
			if err != nil {
				return r, err
			}
			if n > 0 {
				empty = append(empty, fmt.Sprintf("%s vide sur %s", f, lignes(n)))
			}
		}
		r.Passed = len(empty) == 0
		r.Detail = "aucune valeur manquante"
		if !r.Passed {
			r.Detail = strings.Join(empty, ", ")
		}
	case "unique":
		n, err := d.count(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s GROUP BY %s HAVING count(*) > 1)", resultTable, identList(a.Fields)))
		if err != nil {
			return r, err
		}
		r.Passed = n == 0
		r.Detail = "aucun doublon"
		if !r.Passed {
			r.Detail = fmt.Sprintf("%d combinaison%s de (%s) en plusieurs exemplaires", n, plural(n), strings.Join(a.Fields, ", "))
		}
	case "range", "share":
		lo, hi := a.Min, a.Max
		if a.Check == "share" {
			zero, one := 0.0, 1.0
			lo, hi = &zero, &one
		}
		var conds []string
		if lo != nil {
			conds = append(conds, fmt.Sprintf("%s < %s", quoteIdent(a.Field), fmtNum(*lo)))
		}
		if hi != nil {
			conds = append(conds, fmt.Sprintf("%s > %s", quoteIdent(a.Field), fmtNum(*hi)))
		}
		n, err := d.count(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", resultTable, strings.Join(conds, " OR ")))
		if err != nil {
			return r, err
		}
		r.Passed = n == 0
		r.Detail = "toutes les valeurs dans l'intervalle"
		if !r.Passed {
			r.Detail = fmt.Sprintf("%s hors de l'intervalle", lignes(n))
		}
	case "total":
		return d.auditTotal(ctx, a, r)
	default:
		return r, fmt.Errorf("contrôle inconnu %q", a.Check)
	}
	return r, nil
}

// auditTotal compares the sum of a column (over the rows matching Where)
// with the number of rows of an input.
func (d *duck) auditTotal(ctx context.Context, a Audit, r AuditResult) (AuditResult, error) {
	where := ""
	if a.Where != "" {
		where = " WHERE " + a.Where
	}
	var sum sql.NullFloat64
	if err := d.conn.QueryRowContext(ctx, fmt.Sprintf("SELECT sum(%s)::DOUBLE FROM %s%s", quoteIdent(a.Field), resultTable, where)).Scan(&sum); err != nil {
		return r, err
	}
	var n int64
	for _, in := range a.EqualsCountOf {
		c, err := d.count(ctx, "SELECT count(*) FROM "+quoteIdent(ViewName(in)))
		if err != nil {
			return r, err
		}
		n += c
	}
	r.Passed = sum.Valid && sum.Float64 == float64(n)
	got := "aucune ligne"
	if sum.Valid {
		got = fmtNum(sum.Float64)
	}
	verb := "compte"
	if len(a.EqualsCountOf) > 1 {
		verb = "comptent ensemble"
	}
	r.Detail = fmt.Sprintf("total %s, %s %s %s", got, strings.Join(a.EqualsCountOf, " et "), verb, lignes(n))
	return r, nil
}

func (d *duck) count(ctx context.Context, query string) (int64, error) {
	var n int64
	err := d.conn.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// Label names the audit in French (run manifests, dashboard, the
// indicator's page).
func (a Audit) Label() string {
	switch a.Check {
	case "not_null":
		return "valeurs renseignées (" + strings.Join(a.Fields, ", ") + ")"
	case "unique":
		return "unicité de (" + strings.Join(a.Fields, ", ") + ")"
	case "range":
		switch {
		case a.Min != nil && a.Max != nil:
			return fmt.Sprintf("%s entre %s et %s", a.Field, fmtNum(*a.Min), fmtNum(*a.Max))
		case a.Min != nil:
			return fmt.Sprintf("%s au moins %s", a.Field, fmtNum(*a.Min))
		default:
			return fmt.Sprintf("%s au plus %s", a.Field, fmtNum(*a.Max))
		}
	case "share":
		return a.Field + " est une part, entre 0 et 1"
	case "total":
		l := "total de " + a.Field
		if a.Where != "" {
			l += " (" + a.Where + ")"
		}
		return l + " égal au nombre de lignes de " + strings.Join(a.EqualsCountOf, " et ")
	}
	return a.Check
}

func identList(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		q[i] = quoteIdent(f)
	}
	return strings.Join(q, ", ")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func plural(n int64) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// lignes says "1 ligne", "3 lignes" (0 and 1 singular in French).
func lignes(n int64) string { return fmt.Sprintf("%d ligne%s", n, plural(n)) }
