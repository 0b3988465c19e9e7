package pipelines

import (
	"context"
	"fmt"
	"testing"

	"github.com/ligerdata/ligerdata/internal/geo"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// runRows runs an embedded pipeline on the recordings and returns its
// manifest and published rows keyed by primary key (first field).
func runRows(t *testing.T, id string) (*Manifest, map[string]map[string]any) {
	t.Helper()
	r := newTestRunner(t, t.TempDir())
	def := embeddedDef(t, id)
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]any{}
	err = output.ReadRows(r.Store.PublicDir(), def.Dataset, m.Release, def.TableSchema, func(values []schemas.Value) error {
		row := map[string]any{}
		for i, f := range def.TableSchema.Fields {
			row[f.Name] = values[i]
		}
		rows[fmt.Sprint(values[0])] = row
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, rows
}

// TestTourismRecordings checks the counts and repairs of the recorded
// e-SPRIT exports (testdata/replay/ods-tourisme/README.md).
func TestTourismRecordings(t *testing.T) {
	m, rows := runRows(t, "esprit-offres-touristiques")
	// Read: 24 hotels + 26 restaurants + 22 events + 23 heritage lines
	// + 16 campsites + 18 rentals + 10 group + 8 residences = 147.
	// Rejected: 2 hotels, 2 restaurants, 1 event, 2 heritage, the rental
	// with e-mail "contact@", the group lodging with swapped coordinates = 9.
	if m.Read != 147 || m.Rejected != 9 || m.Accepted != 138 {
		t.Errorf("read %d, accepted %d, rejected %d; want 147 = 138 + 9", m.Read, m.Accepted, m.Rejected)
	}
	perDataset := map[string]int{}
	for _, r := range rows {
		perDataset[r["jeu_de_donnees"].(string)]++
	}
	// 16 campsites, 18 rentals - 1, 10 group - 1, 8 residences.
	for ds, want := range map[string]int{
		"234400034_070-005_offre-touristique-hotelleries-de-plein-air-rpdl": 16,
		"234400034_070-004_offre-touristique-hebergements-locatifs-rpdl":    17,
		"234400034_070-003_offre-touristique-hebergements-collectifs-rpdl":  9,
		"234400034_070-007_offre-touristique-residences-de-tourisme-rpdl":   8,
	} {
		if perDataset[ds] != want {
			t.Errorf("%s: %d offers, want %d", ds, perDataset[ds], want)
		}
	}
	var mouettes, pointe map[string]any
	for _, r := range rows {
		switch r["nom"] {
		case "Camping Les Mouettes":
			mouettes = r
		case "Camping de la Pointe":
			pointe = r
		}
	}
	if mouettes == nil || mouettes["nombre_emplacements"] != int64(170) || mouettes["capacite"] != int64(510) || mouettes["categorie"] != "hébergement" {
		t.Errorf("Camping Les Mouettes (\"env. 170\" pitches, 510 people): %v", mouettes)
	}
	if pointe == nil || pointe["code_insee"] != "85163" || pointe["code_postal"] != "85330" {
		t.Errorf("Camping de la Pointe (no postal code, no INSEE code): %v", pointe)
	}

	m, rows = runRows(t, "esprit-aires-camping-car")
	if m.Read != 12 || m.Accepted != 12 {
		t.Errorf("motorhome areas: read %d, accepted %d; want 12, 12", m.Read, m.Accepted)
	}
	for _, r := range rows {
		if r["nom"] == "Aire de camping-car des Salines" && (r["code_insee"] != "85163" || r["nombre_emplacements"] != int64(35)) {
			t.Errorf("Aire des Salines (commune in lower case, no INSEE code, 35 pitches): %v", r)
		}
	}
}

// TestCommunesReference checks the published reference table against the
// embedded table it is built from, with the stand-in rural class.
func TestCommunesReference(t *testing.T) {
	m, rows := runRows(t, "communes-pays-de-la-loire")
	if m.Accepted != 1228 || m.Rejected != 0 {
		t.Fatalf("accepted %d, rejected %d; want 1228, 0", m.Accepted, m.Rejected)
	}
	wantRural := 0
	for _, c := range geo.Communes() {
		if c.Population < 2000 {
			wantRural++
		}
	}
	rural := 0
	for _, r := range rows {
		if r["rural"] == true {
			rural++
			if r["classe_rurale"] != "rurale" || r["population"].(int64) >= 2000 {
				t.Errorf("%v: rural with %v inhabitants", r["code_insee"], r["population"])
			}
		}
	}
	if rural != wantRural {
		t.Errorf("%d rural communes, want %d (population under 2,000)", rural, wantRural)
	}
	yeu := rows["85113"]
	if yeu["siren_epci"] != nil || yeu["population_annee"] != int64(2023) || yeu["nom_departement"] != "Vendée" {
		t.Errorf("L'Île-d'Yeu: %v", yeu)
	}
}

// TestHALDisciplines checks the discipline taken from primaryDomain_s in the
// recorded harvest (testdata/replay/hal/gen.go, map domains).
func TestHALDisciplines(t *testing.T) {
	_, rows := runRows(t, "hal-publications")
	first := rows["3012457"]
	if first["discipline_code"] != "spi" || first["discipline"] != "Sciences de l'ingénieur" ||
		fmt.Sprint(first["domaines"]) != "[0.spi 1.spi.meca 2.spi.meca.robo 0.info 1.info.info-ro]" {
		t.Errorf("3012457 (spi.meca.robo, info.info-ro): %v / %v / %v", first["discipline_code"], first["discipline"], first["domaines"])
	}
	if r := rows["3356218"]; r["discipline_code"] != nil || r["discipline"] != nil {
		t.Errorf("3356218 has no domain: %v / %v", r["discipline_code"], r["discipline"])
	}
	if r := rows["3721433"]; r["discipline"] != "Sciences de l'Homme et Société" || fmt.Sprint(r["domaines"]) != "[0.shs]" {
		t.Errorf("3721433 (domain_s a single string \"0.shs\"): %v / %v", r["discipline"], r["domaines"])
	}
	// Primary domain spi: 3012457, 3108834, 3287712, 3402977, 3655870,
	// 3698215, 3879402, 3988064, 4012359, 4089245, 4198734, 4275418 = 12.
	spi := 0
	for _, r := range rows {
		if r["discipline_code"] == "spi" {
			spi++
		}
	}
	if spi != 12 {
		t.Errorf("%d publications in spi, want 12", spi)
	}
}

// TestMasterNationalRows checks that the survey's national rows are kept
// and flagged beside the académie's universities.
func TestMasterNationalRows(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	def := embeddedDef(t, "esr-insertion-professionnelle-master")
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	// 76 lines of the académie (2 rejected: "9O" and a repeated line) and
	// 37 national lines: 111 accepted.
	if m.Read != 113 || m.Accepted != 111 {
		t.Fatalf("read %d, accepted %d; want 113, 111", m.Read, m.Accepted)
	}
	count := map[string]int{}
	err = output.ReadRows(r.Store.PublicDir(), def.Dataset, m.Release, def.TableSchema, func(v []schemas.Value) error {
		uai := v[def.TableSchema.FieldIndex("numero_de_l_etablissement")]
		p := v[def.TableSchema.FieldIndex("perimetre")]
		if (uai == "UNIV") != (p == "national") {
			t.Errorf("UAI %v has perimetre %v", uai, p)
		}
		count[fmt.Sprint(p)]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count["national"] != 37 || count["etablissement"] != 74 {
		t.Errorf("perimetre counts %v, want 37 national and 74 etablissement", count)
	}
}
