package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// The descriptor properties the engine knows. A property outside these
// sets is refused by Parse with its name rather than silently ignored: a
// schema that relies on a rule we do not check must not pass for checked.
var (
	// schemaProps: what Parse honours, then the documentation-only
	// properties of schema.data.gouv.fr and the frictionless profile.
	schemaProps = props("fields", "primaryKey", "missingValues", "foreignKeys", "fieldsMatch", "x-ligerdata-geometry",
		"name", "title", "description", "version", "homepage", "uri", "licenses", "$schema", "profile",
		"author", "contact", "contributors", "countryCode", "created", "updated", "lastModified",
		"keywords", "resources", "sources", "path", "image", "example")
	fieldProps = props("name", "type", "format", "constraints", "missingValues",
		"decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues", "delimiter", "itemType", "arrayItem",
		"title", "description", "example", "rdfType", "x-ligerdata-replace")
	constraintProps = props("required", "unique", "minLength", "maxLength", "minimum", "maximum",
		"exclusiveMinimum", "exclusiveMaximum", "pattern", "enum")
)

func props(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// unsupportedProperties lists the properties of the descriptor, of its
// fields (and their arrayItem) and of their constraints that the engine does
// not know, as "path: property \"x\" not supported".
func unsupportedProperties(data []byte) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil // Parse reports the syntax error
	}
	var problems []string
	problems = appendUnknown(problems, "", top, schemaProps)
	var fields []json.RawMessage
	if json.Unmarshal(top["fields"], &fields) != nil {
		return problems
	}
	for i, raw := range fields {
		problems = append(problems, unknownFieldProps(fmt.Sprintf("fields[%d]", i), raw, 0)...)
	}
	return problems
}

func unknownFieldProps(path string, raw json.RawMessage, depth int) []string {
	var f map[string]json.RawMessage
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	problems := appendUnknown(nil, path, f, fieldProps)
	if c := f["constraints"]; len(c) > 0 {
		var cons map[string]json.RawMessage
		if json.Unmarshal(c, &cons) == nil {
			problems = appendUnknown(problems, path+".constraints", cons, constraintProps)
		}
	}
	if item := f["arrayItem"]; len(item) > 0 && depth == 0 && !bytes.Equal(bytes.TrimSpace(item), []byte("null")) {
		problems = append(problems, unknownFieldProps(path+".arrayItem", item, depth+1)...)
	}
	return problems
}

func appendUnknown(problems []string, path string, m map[string]json.RawMessage, known map[string]bool) []string {
	var unknown []string
	for k := range m {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		where := "propriété"
		if path != "" {
			where = path + " : propriété"
		}
		problems = append(problems, fmt.Sprintf("%s « %s » non prise en charge", where, k))
	}
	return problems
}
