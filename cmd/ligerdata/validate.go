package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ligerdata/ligerdata/schemas"
)

// validation is the outcome of checking one CSV file against its schema.
type validation struct {
	file   string
	schema *schemas.Schema
	sum    schemas.Summary
	errs   []schemas.Error // header errors then row errors, at most max
}

func (v *validation) valid() bool { return len(v.errs) == 0 && v.sum.Invalid == 0 }

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", stderr)
	var c common
	c.register(fs, false)
	schemaArg := fs.String("schema", "", "`SCHÉMA` : fichier de schéma, ou nom d'un schéma intégré ("+strings.Join(schemas.Names(), ", ")+") ; sans lui, le fichier est un datapackage.json dont chaque ressource est vérifiée, clés étrangères entre elles comprises")
	delim := fs.String("delimiter", "", "`SÉPARATEUR` des champs du CSV (par défaut, lu sur la ligne d'en-tête : virgule, point-virgule ou tabulation)")
	maxErrors := fs.Int("max-errors", 1000, "nombre d'erreurs listées au plus (toutes sont comptées)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) != 1 || (*schemaArg == "" && !strings.HasSuffix(files[0], ".json")) {
		fmt.Fprintln(stderr, "utilisation : ligerdata validate --schema FICHIER_OU_NOM FICHIER_DE_DONNÉES [--json]\n              ligerdata validate datapackage.json [--json]")
		return exitUsage
	}
	if *schemaArg == "" {
		return validatePackage(ctx, &c, files[0], *maxErrors, stdout, stderr)
	}
	s, err := schemas.Load(*schemaArg)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata validate :", err)
		return exitUsage
	}
	if refs := s.ReferencedResources(); len(refs) > 0 {
		fmt.Fprintf(stderr, "ligerdata validate : les clés étrangères du schéma renvoient à d'autres ressources (%s) : validez le paquet de données qui les décrit (ligerdata validate datapackage.json)\n", strings.Join(refs, ", "))
		return exitUsage
	}
	d := schemas.DefaultDialect()
	d.Delimiter = 0
	if *delim != "" {
		r := []rune(strings.ReplaceAll(*delim, `\t`, "\t"))
		if len(r) != 1 {
			fmt.Fprintln(stderr, "ligerdata validate : --delimiter doit être un seul caractère")
			return exitUsage
		}
		d.Delimiter = r[0]
	}
	v, code := validateFile(ctx, files[0], d, s, *maxErrors, stderr)
	if code != exitOK {
		return code
	}
	if c.json {
		printJSON(stdout, v.report())
	} else {
		v.print(stdout)
	}
	if !v.valid() {
		return exitFailed
	}
	return exitOK
}

// validateFile checks one CSV file; on a read error it prints it and
// returns the exit code.
func validateFile(ctx context.Context, path string, d schemas.Dialect, s *schemas.Schema, maxErrors int, stderr io.Writer) (*validation, int) {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata validate :", err)
		return nil, exitUsage
	}
	defer f.Close()
	v := &validation{file: path, schema: s}
	var listed []schemas.Error
	v.sum, err = schemas.ReadCSV(ctx, f, d, s, func(r schemas.RowResult) error {
		for _, e := range r.Errors {
			if len(listed) < maxErrors {
				listed = append(listed, e)
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "ligerdata validate : %s : %v\n", path, err)
		return nil, exitFailed
	}
	v.errs = append(append([]schemas.Error{}, v.sum.HeaderErrors...), listed...)
	if len(v.errs) > maxErrors {
		v.errs = v.errs[:max(maxErrors, 0)]
	}
	return v, exitOK
}

func (v *validation) report() map[string]any {
	return map[string]any{
		"valid":          v.valid(),
		"file":           v.file,
		"schema":         v.schema.Name,
		"rows":           v.sum.Read,
		"valid_rows":     v.sum.Valid,
		"invalid_rows":   v.sum.Invalid,
		"errors_by_code": v.sum.ErrorsByCode,
		"errors":         v.errs,
	}
}

func (v *validation) print(w io.Writer) {
	for _, e := range v.errs {
		fmt.Fprintf(w, "%s:%d: [%s] %s\n", termSafe(v.file), max(e.Line, e.Row), e.Code, termSafe(e.Message))
	}
	if v.valid() {
		fmt.Fprintf(w, "%s : valide (%d lignes, schéma %s)\n", termSafe(v.file), v.sum.Read, v.schema.Name)
	} else {
		fmt.Fprintf(w, "%s : invalide — %d lignes lues, %d valides, %d invalides\n", termSafe(v.file), v.sum.Read, v.sum.Valid, v.sum.Invalid)
	}
}

// validatePackage checks every resource of a Data Package, the foreign
// keys from one resource to another included.
func validatePackage(ctx context.Context, c *common, path string, maxErrors int, stdout, stderr io.Writer) int {
	res, err := schemas.LoadPackage(path)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata validate :", termSafe(err.Error()))
		return exitUsage
	}
	refs, err := schemas.PackageReferences(ctx, res)
	if err != nil {
		fmt.Fprintf(stderr, "ligerdata validate : %s : %v\n", path, err)
		return exitFailed
	}
	valid := true
	var reports []map[string]any
	for _, r := range res {
		v, code := validateFile(ctx, r.Path, r.Dialect, r.Schema.WithReferences(refs), maxErrors, stderr)
		if code != exitOK {
			return code
		}
		valid = valid && v.valid()
		if c.json {
			rep := v.report()
			rep["resource"] = r.Name
			reports = append(reports, rep)
		} else {
			v.print(stdout)
		}
	}
	if c.json {
		printJSON(stdout, map[string]any{"valid": valid, "package": path, "resources": reports})
	}
	if !valid {
		return exitFailed
	}
	return exitOK
}
