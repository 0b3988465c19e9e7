package explore

import (
	"errors"
	"time"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// ErrNotFound is returned by a Catalog for an unknown dataset or release.
var ErrNotFound = errors.New("explore: not found")

// Catalog is what the API knows of the published datasets; the site
// implements it over the published tree.
type Catalog interface {
	// Datasets lists the latest release of every dataset, sorted by id.
	Datasets() ([]Dataset, error)
	// Dataset returns one release of a dataset ("" for the latest), or an
	// error wrapping ErrNotFound.
	Dataset(id, release string) (*Dataset, error)
}

// Dataset is one release of a dataset, as the API describes and queries
// it.
type Dataset struct {
	ID          string
	Release     string
	Title       string
	Description string
	Publisher   string
	License     string
	LicenseURL  string
	Keywords    []string
	Themes      []string
	// Modified is the release's publication time.
	Modified time.Time
	Rows     int64
	Fields   []Field
	// Parquet is the path of the release's data.parquet.
	Parquet string
	// Page is the address of the dataset's page on the site.
	Page string
}

// Field is one column of a dataset.
type Field struct {
	odsql.Field
	Label       string
	Description string
}

// schema is the query schema of d.
func (d *Dataset) schema() odsql.Schema {
	s := make(odsql.Schema, len(d.Fields))
	for i, f := range d.Fields {
		s[i] = f.Field
	}
	return s
}

// geographic reports whether d has a geographic field.
func (d *Dataset) geographic() bool {
	for _, f := range d.Fields {
		if f.Type == odsql.GeoPoint || f.Type == odsql.GeoShape {
			return true
		}
	}
	return false
}

// TypeOf maps a Table Schema field type to the ODS type the API gives it;
// list fields are multivalued text.
func TypeOf(tableSchemaType string) (t odsql.Type, list bool) {
	switch tableSchemaType {
	case "integer", "year":
		return odsql.Int, false
	case "number":
		return odsql.Double, false
	case "boolean":
		return odsql.Boolean, false
	case "date":
		return odsql.Date, false
	case "datetime":
		return odsql.DateTime, false
	case "geopoint":
		return odsql.GeoPoint, false
	case "geojson":
		return odsql.GeoShape, false
	case "object", "array":
		return odsql.JSON, false
	case "list":
		return odsql.Text, true
	}
	return odsql.Text, false
}
