package schemas

import (
	"fmt"
	"strings"
)

// buildCaster compiles the caster of a field, or explains why it cannot:
// it checks that the type's options apply, then builds the type's caster.
func buildCaster(f *Field) (castSpec, []string) {
	typ := f.Type
	if typ == "" {
		typ = "string"
	}
	if !knownTypes[typ] {
		return castSpec{}, []string{fmt.Sprintf("type inconnu « %s »", f.Type)}
	}
	b := casterBuild{f: f, typ: typ}
	b.checkOptions()
	var spec castSpec
	switch typ {
	case "string":
		spec = b.stringCaster()
	case "any":
		spec = castSpec{cast: castString, what: "une valeur valide", identity: true}
	case "number", "integer":
		spec = b.numberCaster()
	case "boolean":
		spec = b.booleanCaster()
	case "list":
		spec = b.listCaster()
	case "date", "time", "datetime":
		spec = buildDateTimeCaster(typ, f.Format, &b.problems)
	case "geopoint", "geojson":
		spec = b.geoCaster()
	default: // object, array, year, yearmonth, duration: no option
		spec = b.plainCaster()
	}
	if spec.cast == nil {
		spec.cast = castString
	}
	return spec, b.problems
}

// casterBuild gathers the problems found while compiling one field.
type casterBuild struct {
	f        *Field
	typ      string
	problems []string
}

func (b *casterBuild) badFormat() {
	b.problems = append(b.problems, fmt.Sprintf("format « %s » non pris en charge par le type %s", b.f.Format, b.typ))
}

// defaultFormat reports a format other than default as a problem.
func (b *casterBuild) defaultFormat() {
	if !isDefault(b.f.Format) {
		b.badFormat()
	}
}

// checkOptions reports the type-specific properties given to another type.
func (b *casterBuild) checkOptions() {
	f, typ := b.f, b.typ
	if typ != "number" && typ != "integer" && (f.DecimalChar != "" || f.GroupChar != "" || f.BareNumber != nil) {
		b.problems = append(b.problems, fmt.Sprintf("decimalChar, groupChar et bareNumber s'appliquent à number et integer, pas à %s", typ))
	}
	if typ != "boolean" && (f.TrueValues != nil || f.FalseValues != nil) {
		b.problems = append(b.problems, fmt.Sprintf("trueValues et falseValues s'appliquent à boolean, pas à %s", typ))
	}
	if typ != "list" && (f.Delimiter != "" || f.ItemType != "") {
		b.problems = append(b.problems, fmt.Sprintf("delimiter et itemType s'appliquent à list, pas à %s", typ))
	}
}

func (b *casterBuild) stringCaster() castSpec {
	switch b.f.Format {
	case "", "default":
		return castSpec{cast: castString, what: "une chaîne de caractères valide", identity: true}
	case "email":
		return castSpec{cast: castEmail, what: "une adresse électronique valide", expect: "nom@domaine.fr"}
	case "uri":
		return castSpec{cast: castURI, what: "une URI valide", expect: "https://exemple.fr/chemin"}
	case "binary":
		return castSpec{cast: castBinary, what: "un contenu binaire valide", expect: "base64"}
	case "uuid":
		return castSpec{cast: castUUID, what: "un UUID valide", expect: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}
	case FormatOpeningHours:
		return openingHoursCaster
	}
	b.badFormat()
	return castSpec{cast: castString, what: "une chaîne de caractères valide", identity: true}
}

func (b *casterBuild) numberCaster() castSpec {
	b.defaultFormat()
	opts, errs := newNumberOptions(b.f)
	b.problems = append(b.problems, errs...)
	if b.typ == "integer" {
		return castSpec{cast: opts.castInteger, what: "un nombre entier valide", tooLarge: opts.integerTooLarge}
	}
	spec := castSpec{cast: opts.castNumber, what: "un nombre valide"}
	if opts.decimal != "." {
		spec.expect = "décimale « " + opts.decimal + " »"
	}
	return spec
}

func (b *casterBuild) booleanCaster() castSpec {
	b.defaultFormat()
	tv, fv := b.f.TrueValues, b.f.FalseValues
	if tv == nil {
		tv = []string{"true", "True", "TRUE", "1"}
	}
	if fv == nil {
		fv = []string{"false", "False", "FALSE", "0"}
	}
	for _, t := range tv {
		for _, x := range fv {
			if t == x {
				b.problems = append(b.problems, fmt.Sprintf("« %s » est à la fois une valeur vraie et fausse", t))
			}
		}
	}
	cast := func(s string) (Value, bool) {
		for _, t := range tv {
			if s == t {
				return true, true
			}
		}
		for _, x := range fv {
			if s == x {
				return false, true
			}
		}
		return nil, false
	}
	return castSpec{cast: cast, what: "un booléen valide", expect: strings.Join(tv, ", ") + " ou " + strings.Join(fv, ", ")}
}

func (b *casterBuild) listCaster() castSpec {
	b.defaultFormat()
	delim := b.f.Delimiter
	if delim == "" {
		delim = ","
	}
	item := b.f.ItemType
	if item == "" {
		item = "string"
	}
	if !listItemTypes[item] {
		b.problems = append(b.problems, fmt.Sprintf("itemType « %s » non pris en charge pour list", b.f.ItemType))
		return castSpec{}
	}
	itemSpec, _ := buildCaster(&Field{Name: b.f.Name, Type: item})
	cast := func(s string) (Value, bool) {
		parts := strings.Split(s, delim)
		out := make([]Value, len(parts))
		for i, p := range parts {
			v, ok := itemSpec.cast(p)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	}
	return castSpec{cast: cast, what: "une liste valide", expect: "éléments de type " + item + " séparés par « " + delim + " »"}
}

func (b *casterBuild) geoCaster() castSpec {
	switch b.typ + "/" + b.f.Format {
	case "geopoint/", "geopoint/default":
		return castSpec{cast: castGeopointDefault, what: "un point géographique valide", expect: "« longitude, latitude »"}
	case "geopoint/array":
		return castSpec{cast: castGeopointArray, what: "un point géographique valide", expect: "[longitude, latitude]"}
	case "geopoint/object":
		return castSpec{cast: castGeopointObject, what: "un point géographique valide", expect: `{"lon": longitude, "lat": latitude}`}
	case "geojson/", "geojson/default":
		return castSpec{cast: func(s string) (Value, bool) { return castGeoJSON(s, false) }, what: "un objet GeoJSON valide"}
	case "geojson/topojson":
		return castSpec{cast: func(s string) (Value, bool) { return castGeoJSON(s, true) }, what: "un objet TopoJSON valide"}
	}
	b.badFormat()
	return castSpec{}
}

// plainCaster builds the types that take no format nor option.
func (b *casterBuild) plainCaster() castSpec {
	b.defaultFormat()
	switch b.typ {
	case "object":
		return castSpec{cast: func(s string) (Value, bool) { return castJSON(s, '{') }, what: "un objet JSON valide"}
	case "array":
		return castSpec{cast: func(s string) (Value, bool) { return castJSON(s, '[') }, what: "un tableau JSON valide"}
	case "year":
		return castSpec{cast: castYear, what: "une année valide", expect: "AAAA"}
	case "yearmonth":
		return castSpec{cast: castYearMonth, what: "un mois valide", expect: "AAAA-MM"}
	}
	return castSpec{cast: castDuration, what: "une durée valide", expect: "ISO 8601, par exemple P1Y2M3DT4H5M6S"}
}
