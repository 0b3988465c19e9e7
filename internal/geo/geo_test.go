package geo

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var regionDepartements = map[string]bool{"44": true, "49": true, "53": true, "72": true, "85": true}

func TestCommunesTable(t *testing.T) {
	all := Communes()
	if len(all) != 1228 {
		t.Fatalf("len(Communes()) = %d, want 1228", len(all))
	}
	perDep := map[string]int{}
	postal := regexp.MustCompile(`^\d{5}$`)
	for i, c := range all {
		if i > 0 && all[i-1].INSEE >= c.INSEE {
			t.Errorf("not sorted by INSEE at %d: %s then %s", i, all[i-1].INSEE, c.INSEE)
		}
		if !regionDepartements[c.Departement] {
			t.Errorf("%s %s: département %q outside the région", c.INSEE, c.Name, c.Departement)
		}
		if !strings.HasPrefix(c.INSEE, c.Departement) {
			t.Errorf("%s %s: INSEE code does not start with département %s", c.INSEE, c.Name, c.Departement)
		}
		if c.Name == "" || c.Population <= 0 || c.PopulationYear != 2023 || len(c.PostalCodes) == 0 || c.DepartementName == "" {
			t.Errorf("%s: incomplete row %+v", c.INSEE, c)
		}
		for _, pc := range c.PostalCodes {
			if !postal.MatchString(pc) {
				t.Errorf("%s %s: bad postal code %q", c.INSEE, c.Name, pc)
			}
		}
		perDep[c.Departement]++
	}
	// Counts of communes per département at 1 January 2026 (INSEE COG).
	want := map[string]int{"44": 207, "49": 176, "53": 240, "72": 352, "85": 253}
	for d, n := range want {
		if perDep[d] != n {
			t.Errorf("département %s: %d communes, want %d", d, perDep[d], n)
		}
	}
}

func TestCommunesReturnsCopy(t *testing.T) {
	all := Communes()
	all[0].Name = "changed"
	all[0].PostalCodes[0] = "00000"
	c, ok := ByINSEE(all[0].INSEE)
	if !ok || c.Name == "changed" || c.PostalCodes[0] == "00000" {
		t.Fatalf("modifying the result of Communes changed the table: %+v", c)
	}
}

func TestByINSEE(t *testing.T) {
	tests := []struct {
		name, code, want, dep, epci string
		wantPostal, depName, nature string
	}{
		{name: "Nantes", code: "44109", want: "Nantes", dep: "44", epci: "Nantes Métropole", wantPostal: "44000", depName: "Loire-Atlantique", nature: "Métropole"},
		{name: "Angers", code: "49007", want: "Angers", dep: "49", epci: "CU Angers Loire Métropole", wantPostal: "49000", depName: "Maine-et-Loire", nature: "Communauté urbaine"},
		{name: "Le Mans", code: "72181", want: "Le Mans", dep: "72", epci: "CU Le Mans Métropole", wantPostal: "72000", depName: "Sarthe"},
		{name: "Laval", code: "53130", want: "Laval", dep: "53", epci: "CA Laval Agglomération", wantPostal: "53000", depName: "Mayenne", nature: "Communauté d'agglomération"},
		{name: "La Roche-sur-Yon", code: "85191", want: "La Roche-sur-Yon", dep: "85", wantPostal: "85000"},
		{name: "Saint-Nazaire", code: "44184", want: "Saint-Nazaire", dep: "44", wantPostal: "44600"},
		{name: "Cholet", code: "49099", want: "Cholet", dep: "49", wantPostal: "49300"},
		{name: "spaces around the code", code: " 44162 ", want: "Saint-Herblain", dep: "44", wantPostal: "44800"},
		{name: "island without EPCI", code: "85113", want: "L'Île-d'Yeu", dep: "85", wantPostal: "85350"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := ByINSEE(tt.code)
			if !ok {
				t.Fatalf("ByINSEE(%q) not found", tt.code)
			}
			if c.Name != tt.want || c.Departement != tt.dep {
				t.Errorf("ByINSEE(%q) = %s (%s), want %s (%s)", tt.code, c.Name, c.Departement, tt.want, tt.dep)
			}
			if tt.epci != "" && c.EPCIName != tt.epci {
				t.Errorf("EPCIName = %q, want %q", c.EPCIName, tt.epci)
			}
			if tt.depName != "" && c.DepartementName != tt.depName {
				t.Errorf("DepartementName = %q, want %q", c.DepartementName, tt.depName)
			}
			if tt.nature != "" && c.EPCINature != tt.nature {
				t.Errorf("EPCINature = %q, want %q", c.EPCINature, tt.nature)
			}
			if tt.code == "85113" && c.EPCI != "" {
				t.Errorf("L'Île-d'Yeu has EPCI %q, want none", c.EPCI)
			}
			found := false
			for _, pc := range c.PostalCodes {
				found = found || pc == tt.wantPostal
			}
			if !found {
				t.Errorf("postal codes %v lack %s", c.PostalCodes, tt.wantPostal)
			}
		})
	}
	for _, code := range []string{"75056", "", "4410", "44109x"} {
		if c, ok := ByINSEE(code); ok {
			t.Errorf("ByINSEE(%q) = %+v, want not found", code, c)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Nantes", "nantes"},
		{"accents and hyphens", "Château-Gontier-sur-Mayenne", "chateau gontier sur mayenne"},
		{"capitals without accents", "CHATEAU GONTIER SUR MAYENNE", "chateau gontier sur mayenne"},
		{"St abbreviation", "ST HERBLAIN", "saint herblain"},
		{"St. with a dot", "St.-Herblain", "saint herblain"},
		{"Ste abbreviation", "Ste-Pazanne", "sainte pazanne"},
		{"apostrophe", "Les Sables-d'Olonne", "les sables d olonne"},
		{"typographic apostrophe", "Les Sables-d’Olonne", "les sables d olonne"},
		{"article in parentheses", "SABLES D OLONNE (LES)", "les sables d olonne"},
		{"elided article in parentheses", "ILE D YEU (L')", "l ile d yeu"},
		{"article after a comma", "Roche-sur-Yon, La", "la roche sur yon"},
		{"ligature", "Beaumont-Pied-de-Bœuf", "beaumont pied de boeuf"},
		{"extra spaces", "  la   roche -- sur  yon ", "la roche sur yon"},
		{"cedex with number", "NANTES CEDEX 1", "nantes"},
		{"combining accent", "Rez\u0065\u0301", "reze"},
		{"non-article parentheses kept", "Nantes (Loire-Atlantique)", "nantes loire atlantique"},
		{"empty", "", ""},
		{"only punctuation", " -'() ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name, postal, commune string
		wantINSEE, wantMethod string
	}{
		{"St abbreviation in capitals", "44800", "ST HERBLAIN", "44162", MethodPostalName},
		{"exact name", "44000", "Nantes", "44109", MethodPostalName},
		{"cedex name", "44000", "NANTES CEDEX 1", "44109", MethodPostalName},
		{"article in parentheses", "85100", "SABLES D OLONNE (LES)", "85194", MethodPostalName},
		{"missing article", "85340", "Sables-d'Olonne", "85194", MethodPostalName},
		{"shared postal code with name", "85340", "ile d olonne", "85112", MethodPostalName},
		{"ambiguous postal code with name", "85420", "MAILLEZAIS", "85133", MethodPostalName},
		{"ambiguous postal code with article", "85420", "MAZEAU (LE)", "85139", MethodPostalName},
		{"postal code with spaces", "44 800", "Saint-Herblain", "44162", MethodPostalName},
		{"homonym told apart by postal code", "72700", "Allonnes", "72003", MethodPostalName},
		{"ligature folded", "53290", "BEAUMONT PIED DE BOEUF", "53027", MethodPostalName},
		{"unique postal code, unknown name", "44800", "Saint Herblin", "44162", MethodPostalUnique},
		{"unique postal code, empty name", "44800", "", "44162", MethodPostalUnique},
		{"unique postal code, other commune's name", "44800", "Rezé", "44162", MethodPostalUnique},
		{"name only", "", "la roche sur yon", "85191", MethodName},
		{"name only, capitals and accents", "", "CHATEAU-GONTIER SUR MAYENNE", "53062", MethodName},
		{"name only, elided article", "", "ILE D YEU (L')", "85113", MethodName},
		{"name only, article dropped", "", "Sables d'Olonne", "85194", MethodName},
		{"name only, Ste", "", "Ste Pazanne", "44186", MethodName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Resolve(tt.postal, tt.commune)
			if err != nil {
				t.Fatalf("Resolve(%q, %q): %v", tt.postal, tt.commune, err)
			}
			if m.Commune.INSEE != tt.wantINSEE || m.Method != tt.wantMethod {
				t.Errorf("Resolve(%q, %q) = %s %s by %s, want %s by %s",
					tt.postal, tt.commune, m.Commune.INSEE, m.Commune.Name, m.Method, tt.wantINSEE, tt.wantMethod)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name, postal, commune string
		wantReason            []string // substrings of Reason, in French
		wantCandidates        []string
	}{
		{
			name: "ambiguous postal code without name", postal: "85420",
			wantReason: []string{"le code postal « 85420 » dessert 9 communes", "nom de la commune est nécessaire"},
			wantCandidates: []string{"Bouillé-Courdault (85028)", "Damvix (85078)", "Liez (85123)", "Maillé (85132)",
				"Maillezais (85133)", "Le Mazeau (85139)", "Rives-d'Autise (85162)", "Saint-Pierre-le-Vieux (85265)", "Saint-Sigismond (85269)"},
		},
		{
			name: "ambiguous postal code, unknown name", postal: "85340", commune: "Olonne-sur-Mer",
			wantReason:     []string{"aucune des 2 communes desservies par le code postal « 85340 » ne s'appelle « Olonne-sur-Mer »"},
			wantCandidates: []string{"L'Île-d'Olonne (85112)", "Les Sables-d'Olonne (85194)"},
		},
		{
			name: "postal code outside the région", postal: "75001", commune: "Paris",
			wantReason: []string{"aucune commune de la région n'est desservie par le code postal « 75001 »"},
		},
		{
			name: "four-digit postal code", postal: "4400", commune: "Nantes",
			wantReason: []string{"le code postal « 4400 » est mal formé : 5 chiffres attendus"},
		},
		{
			name: "homonyms without postal code", commune: "ALLONNES",
			wantReason:     []string{"plusieurs communes de la région s'appellent « ALLONNES »", "code postal est nécessaire"},
			wantCandidates: []string{"Allonnes (49002)", "Allonnes (72003)"},
		},
		{
			name: "unknown name", commune: "Trifouilly-les-Oies",
			wantReason: []string{"aucune commune de la région ne s'appelle « Trifouilly-les-Oies »"},
		},
		{
			name: "nothing given", postal: " ", commune: "  ",
			wantReason: []string{"ni code postal ni nom de commune renseigné"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Resolve(tt.postal, tt.commune)
			if err == nil {
				t.Fatalf("Resolve(%q, %q) = %+v, want an error", tt.postal, tt.commune, m)
			}
			var re *ResolveError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *ResolveError", err, err)
			}
			if re.PostalCode != tt.postal || re.Name != tt.commune {
				t.Errorf("ResolveError inputs = %q, %q, want %q, %q", re.PostalCode, re.Name, tt.postal, tt.commune)
			}
			for _, w := range tt.wantReason {
				if !strings.Contains(re.Reason, w) {
					t.Errorf("Reason %q lacks %q", re.Reason, w)
				}
			}
			if strings.Join(re.Candidates, "; ") != strings.Join(tt.wantCandidates, "; ") {
				t.Errorf("Candidates = %q, want %q", re.Candidates, tt.wantCandidates)
			}
			if !strings.HasPrefix(err.Error(), re.Reason) {
				t.Errorf("Error() = %q, does not start with the reason", err.Error())
			}
			if len(tt.wantCandidates) > 0 && !strings.Contains(err.Error(), tt.wantCandidates[0]) {
				t.Errorf("Error() = %q, does not list the candidates", err.Error())
			}
		})
	}
}

func TestResolveErrorTruncatesList(t *testing.T) {
	e := &ResolveError{Reason: "raison", Candidates: strings.Split("a b c d e f g h i j k l", " ")}
	got := e.Error()
	if !strings.Contains(got, "j et 2 autres)") || strings.Contains(got, "k") {
		t.Errorf("Error() = %q, want 10 candidates then « et 2 autres »", got)
	}
}

// Every commune resolves from its own name and each of its postal codes.
func TestResolveEveryCommune(t *testing.T) {
	for _, c := range Communes() {
		for _, pc := range c.PostalCodes {
			m, err := Resolve(pc, strings.ToUpper(c.Name))
			if err != nil {
				t.Errorf("Resolve(%s, %s): %v", pc, c.Name, err)
				continue
			}
			if m.Commune.INSEE != c.INSEE {
				t.Errorf("Resolve(%s, %s) = %s, want %s", pc, c.Name, m.Commune.INSEE, c.INSEE)
			}
		}
	}
}

func TestParseTableErrors(t *testing.T) {
	const header = "code_insee,nom,codes_postaux,population,population_annee,departement,departement_nom,epci,epci_nom,epci_nature\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "read header"},
		{"wrong header", "insee,nom,cp,pop,dep,epci,epci_nom\n", "header"},
		{"bad population", header + "44109,Nantes,44000,many,2023,44,Loire-Atlantique,,,\n", "population"},
		{"bad vintage", header + "44109,Nantes,44000,1,,44,Loire-Atlantique,,,\n", "population_annee"},
		{"out of order", header + "44109,Nantes,44000,1,2023,44,L,,,\n44001,Abbaretz,44170,1,2023,44,L,,,\n", "out of order"},
		{"short code", header + "4410,Nantes,44000,1,2023,44,L,,,\n", "bad commune"},
		{"missing column", header + "44109,Nantes,44000,1,2023,44,L,,\n", "read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTable(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseTable error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"Nantes", "SABLES D OLONNE (LES)", "ILE D YEU (L')", "St-Herblain", "Ste Pazanne", "Roche-sur-Yon, La",
		"NANTES CEDEX 1", "Beaumont-Pied-de-Bœuf", "Rez\u0065\u0301", "(LES)", ", la", "st st cedex 2", "ǅ İ ﬁ Ⅻ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := NormalizeName(s)
		if k2 := NormalizeName(k); k2 != k {
			t.Errorf("not idempotent: %q -> %q -> %q", s, k, k2)
		}
		if strings.HasPrefix(k, " ") || strings.HasSuffix(k, " ") || strings.Contains(k, "  ") {
			t.Errorf("NormalizeName(%q) = %q has stray spaces", s, k)
		}
	})
}
