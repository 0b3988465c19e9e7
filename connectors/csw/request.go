package csw

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// GetRecordsBody returns the CSW 2.0.2 GetRecords request body that the
// connector POSTs for one page: full element set of gmd:MD_Metadata in the
// given output schema, records startPosition to startPosition+maxRecords-1
// (1-based), sorted by apiso:identifier for stable paging, restricted by the
// OGC CQL text constraint when it is not empty.
//
// The body is a pure function of its arguments, byte for byte, so that a
// recorded response can be matched by the SHA-256 of the request body
// (testdata/replay/geopal-csw/gen.go relies on it).
func GetRecordsBody(outputSchema, constraint string, startPosition, maxRecords int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" xmlns:ogc="http://www.opengis.net/ogc" xmlns:apiso="http://www.opengis.net/cat/csw/apiso/1.0" xmlns:gmd="http://www.isotc211.org/2005/gmd"`)
	b.WriteString(` service="CSW" version="2.0.2" outputFormat="application/xml" resultType="results"`)
	b.WriteString(` startPosition="` + strconv.Itoa(startPosition) + `" maxRecords="` + strconv.Itoa(maxRecords) + `"`)
	b.WriteString(` outputSchema="`)
	xml.EscapeText(&b, []byte(outputSchema))
	b.WriteString(`">` + "\n")
	b.WriteString(`  <csw:Query typeNames="gmd:MD_Metadata">` + "\n")
	b.WriteString(`    <csw:ElementSetName>full</csw:ElementSetName>` + "\n")
	if constraint != "" {
		b.WriteString(`    <csw:Constraint version="1.1.0">` + "\n")
		b.WriteString(`      <csw:CqlText>`)
		xml.EscapeText(&b, []byte(constraint))
		b.WriteString(`</csw:CqlText>` + "\n")
		b.WriteString(`    </csw:Constraint>` + "\n")
	}
	b.WriteString(`    <ogc:SortBy>` + "\n")
	b.WriteString(`      <ogc:SortProperty>` + "\n")
	b.WriteString(`        <ogc:PropertyName>apiso:identifier</ogc:PropertyName>` + "\n")
	b.WriteString(`        <ogc:SortOrder>ASC</ogc:SortOrder>` + "\n")
	b.WriteString(`      </ogc:SortProperty>` + "\n")
	b.WriteString(`    </ogc:SortBy>` + "\n")
	b.WriteString(`  </csw:Query>` + "\n")
	b.WriteString(`</csw:GetRecords>` + "\n")
	return b.Bytes()
}
