package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/ligerdata/ligerdata/web/explore"
)

// downloadChoice is one file offered first on a dataset page, with the
// tools it is for.
type downloadChoice struct {
	Label string // "CSV pour Excel / LibreOffice"
	Hint  string // what to know before opening it
	File  string
	URL   string
	Size  string
}

// downloadGuide lists, in the order a reader looks for them, the data
// files of a release and who they are for.
var downloadGuide = []struct{ file, label, hint string }{
	{"data-fr.csv", "CSV pour Excel / LibreOffice", "séparateur point-virgule, virgule décimale, s'ouvre d'un double clic"},
	{"data.geojson", "GeoJSON pour QGIS, uMap", "les lieux et leurs attributs, en longitude/latitude (WGS 84)"},
	{"data.parquet", "Parquet pour DuckDB, pandas, R (arrow)", "typé et compressé : le plus rapide à lire par un programme"},
	{"data.csv", "CSV standard", "UTF-8, séparateur virgule, point décimal : pour les scripts et les outils de données"},
}

// downloadChoices returns the data files of rel with their guide.
func (s *site) downloadChoices(rel *release) []downloadChoice {
	var out []downloadChoice
	for _, g := range downloadGuide {
		if _, ok := rel.sum(g.file); !ok {
			continue
		}
		c := downloadChoice{Label: g.label, Hint: g.hint, File: g.file, URL: s.absURL(fileURL(rel.Dataset, rel.Name, g.file))}
		if fi, err := os.Stat(filepath.Join(rel.Dir, g.file)); err == nil {
			c.Size = frenchSize(fi.Size())
		}
		out = append(out, c)
	}
	return out
}

// snippet is one "how to reuse" example.
type snippet struct {
	Tool, Lang, Code string
}

// reuseSnippets are the examples of a dataset page, with the permanent
// addresses of its latest files (absolute, under r's base).
func (s *site) reuseSnippets(r *http.Request, rel *release) []snippet {
	latest := func(f string) string { return s.urlFor(r, fileURL(rel.Dataset, latestName, f)) }
	api := s.urlFor(r, explore.Prefix+"/catalog/datasets/"+url.PathEscape(rel.Dataset)+"/records?limit=10")
	csv, pq := latest("data.csv"), latest("data.parquet")
	out := []snippet{
		{Tool: "curl (ligne de commande)", Lang: "shell", Code: "# le fichier CSV de la dernière version\ncurl -L -o data.csv '" + csv + "'\n" +
			"# dix enregistrements par l'API (compatible OpenDataSoft Explore v2.1)\ncurl '" + api + "'"},
		{Tool: "Python (pandas)", Lang: "python", Code: "import pandas as pd\n\n" +
			"df = pd.read_parquet(\"" + pq + "\")  # ou pd.read_csv(\"" + csv + "\")\nprint(df.head())"},
		{Tool: "R", Lang: "r", Code: "donnees <- read.csv(\"" + csv + "\", encoding = \"UTF-8\")\nhead(donnees)"},
		{Tool: "DuckDB (SQL)", Lang: "sql", Code: "SELECT * FROM read_parquet('" + pq + "') LIMIT 10;"},
	}
	if _, ok := rel.sum("data.geojson"); ok {
		out = append(out, snippet{Tool: "QGIS", Lang: "text", Code: "Couche › Ajouter une couche › Ajouter une couche vecteur › Protocole HTTP(S) :\n" + latest("data.geojson")})
	}
	return out
}
