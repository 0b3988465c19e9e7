// Command publishbench measures validation + publication of a large file in
// the national "Lieux de médiation numérique" schema against DuckDB's own
// CSV to Parquet conversion of the same file, in the same run.
//
// Each contender runs in a child process so that its peak resident memory
// (getrusage maxrss) is its own. The figures are printed side by side with
// their ratio:
//
//	go run ./bench/publishbench -rows 1000000
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ligerdata/ligerdata/internal/geo"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "rows in the generated file")
	dir := flag.String("dir", filepath.Join("bench", "out"), "work folder (generated file and outputs)")
	mode := flag.String("mode", "", "internal: run one contender (duckdb or ligerdata) in this process")
	threads := flag.Int("duckdb-threads", 0, "DuckDB threads (0: DuckDB's default, all cores)")
	cpuprofile := flag.String("cpuprofile", "", "internal: write a CPU profile of the contender run in this process")
	flag.Parse()
	log.SetFlags(0)

	input := filepath.Join(*dir, fmt.Sprintf("lieux-%d.csv", *rows))
	switch *mode {
	case "duckdb":
		check(runDuckDB(input, filepath.Join(*dir, "duckdb.parquet"), *threads))
		return
	case "ligerdata":
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			check(err)
			check(pprof.StartCPUProfile(f))
			defer pprof.StopCPUProfile()
		}
		check(runLigerdata(input, filepath.Join(*dir, "public")))
		return
	}

	check(os.MkdirAll(*dir, 0o755))
	if _, err := os.Stat(input); err != nil {
		start := time.Now()
		check(generate(input, *rows))
		log.Printf("generated %s in %s", input, time.Since(start).Round(time.Millisecond))
	}
	st, err := os.Stat(input)
	check(err)
	mb := float64(st.Size()) / 1e6

	self, err := os.Executable()
	check(err)
	type result struct {
		name    string
		elapsed time.Duration
		rssMB   float64
	}
	var results []result
	// The outputs of the previous run are removed before the clock starts:
	// deleting a gigabyte of old files is not part of either contender's
	// work (a real run publishes a new release and prunes old ones later).
	check(os.RemoveAll(filepath.Join(*dir, "public")))
	check(os.RemoveAll(filepath.Join(*dir, "duckdb.parquet")))
	for _, c := range []string{"duckdb", "ligerdata"} {
		args := []string{"-mode", c, "-rows", strconv.Itoa(*rows), "-dir", *dir, "-duckdb-threads", strconv.Itoa(*threads)}
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		start := time.Now()
		check(cmd.Run())
		elapsed := time.Since(start)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		results = append(results, result{c, elapsed, float64(ru.Maxrss) / 1024})
	}
	base := results[0]
	fmt.Printf("\nInput: %s, %d rows, %.0f MB (national schema, %d cores)\n\n", input, *rows, mb, numCPU())
	fmt.Printf("%-44s %9s %10s %12s %12s %14s\n", "contender", "seconds", "MB/s", "rows/s", "peak RSS MB", "ratio to DuckDB")
	labels := map[string]string{
		"duckdb":    "DuckDB read_csv -> COPY (FORMAT parquet)",
		"ligerdata": "ligerdata validate + publish (3 files)",
	}
	for _, r := range results {
		s := r.elapsed.Seconds()
		fmt.Printf("%-44s %9.2f %10.1f %12.0f %12.0f %13.2fx\n", labels[r.name], s, mb/s, float64(*rows)/s, r.rssMB, base.elapsed.Seconds()/s)
	}
	fmt.Println("\nratio = DuckDB seconds / contender seconds (throughput ratio; 1.00x = as fast as DuckDB)")
	fmt.Println("ligerdata checks every row against the schema, writes data.parquet, data.csv and data-fr.csv with their sha256,")
	fmt.Println("the rejected rows, datapackage.json and quality.json; DuckDB writes one Parquet file without checks.")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func numCPU() int { return runtime.NumCPU() }

// runDuckDB converts the file with DuckDB, passing the dialect and every
// column type from the schema: nothing is guessed.
func runDuckDB(input, out string, threads int) error {
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if threads > 0 {
		if _, err := db.Exec(fmt.Sprintf("SET threads = %d", threads)); err != nil {
			return err
		}
	}
	var cols []string
	for _, f := range s.Fields {
		typ := "VARCHAR"
		switch f.Type {
		case "number":
			typ = "DOUBLE"
		case "integer":
			typ = "BIGINT"
		case "date":
			typ = "DATE"
		}
		cols = append(cols, fmt.Sprintf("'%s': '%s'", f.Name, typ))
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s', delim=',', quote='"', header=true, auto_detect=false, dateformat='%%Y-%%m-%%d', ignore_errors=true, columns={%s}))
TO '%s' (FORMAT parquet, COMPRESSION zstd)`, input, strings.Join(cols, ", "), out)
	_, err = db.Exec(q)
	return err
}

// runLigerdata validates the file against the schema and publishes the
// accepted rows as a release (Parquet, CSV, Data Package, quality report),
// with the rejected rows written for stewards: the work of a real run.
func runLigerdata(input, public string) error {
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	os.RemoveAll(public) // already done by the parent process under `make bench`
	if err := os.MkdirAll(public, 0o755); err != nil {
		return err
	}
	meta := output.DatasetMeta{ID: "bench", Title: "Banc d'essai", Description: "Fichier généré", License: output.License{ID: "etalab-2.0", Title: "Licence Ouverte 2.0"}}
	rel, err := output.NewRelease(public, meta, s, "20261127T000000Z-bench", nil)
	if err != nil {
		return err
	}
	rej, err := output.NewRejectWriter(filepath.Join(public, "rejected.csv"))
	if err != nil {
		return err
	}
	f, err := os.Open(input)
	if err != nil {
		return err
	}
	defer f.Close()
	q := output.Quality{Dataset: "bench", ErrorsByCode: map[string]int{}, ErrorsByField: map[string]int{}}
	sum, err := schemas.ReadCSV(context.Background(), bufio.NewReaderSize(f, 1<<20), schemas.DefaultDialect(), s, func(r schemas.RowResult) error {
		if len(r.Errors) > 0 {
			return rej.Write(r.Errors, r.Cells)
		}
		return rel.Append(r.Values)
	})
	if err != nil {
		return err
	}
	q.Read, q.Accepted, q.Rejected, q.ErrorsByCode = sum.Read, sum.Valid, sum.Invalid, sum.ErrorsByCode
	if err := rej.Close(); err != nil {
		return err
	}
	pub, err := rel.Commit(q)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]any{"read": sum.Read, "valid": sum.Valid, "invalid": sum.Invalid, "files": pub.Files})
	fmt.Fprintln(os.Stderr, string(b))
	return nil
}

// generate writes n rows in the national schema with realistic, varied
// values; about one row in a thousand is faulty, as real exports are.
func generate(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	header := make([]string, len(s.Fields))
	for i, fd := range s.Fields {
		header[i] = fd.Name
	}
	if err := w.Write(header); err != nil {
		return err
	}
	communes := geo.Communes()
	r := rand.New(rand.NewPCG(52, 2026))
	pick := func(vals []string) string { return vals[r.IntN(len(vals))] }
	multi := func(vals []string) string {
		k := 1 + r.IntN(3)
		seen := map[string]bool{}
		var out []string
		for len(out) < k {
			v := pick(vals)
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return strings.Join(out, "|")
	}
	kinds := []string{"Espace public numérique", "Médiathèque", "Fablab", "Tiers-lieu", "France Services", "Centre social", "Maison de quartier"}
	typologies := []string{"EPN", "BIB", "FABLAB", "TIERS_LIEUX", "ASSO", "CCAS", "MUNI"}
	services := []string{"Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien", "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique", "Parentalité et éducation avec le numérique", "Loisirs et créations numériques", "Compréhension du monde numérique", "Accès internet et matériel informatique"}
	publics := []string{"Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"}
	frais := []string{"Gratuit", "Gratuit sous condition", "Payant"}
	acces := []string{"Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne"}
	accomp := []string{"En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"}
	voies := []string{"rue de la Paix", "avenue de la République", "place de l'Église", "boulevard Victor Hugo", "rue des Écoles", "chemin du Moulin", "rue Jean Jaurès"}
	row := make([]string, len(header))
	for i := 0; i < n; i++ {
		c := communes[r.IntN(len(communes))]
		for j := range row {
			row[j] = ""
		}
		set := func(name, v string) { row[s.FieldIndex(name)] = v }
		kind := pick(kinds)
		set("id", fmt.Sprintf("lieu-%07d", i+1))
		set("pivot", fmt.Sprintf("%014d", 20000000000000+r.Int64N(9999999999999)))
		set("nom", kind+" de "+c.Name)
		set("commune", c.Name)
		set("code_postal", c.PostalCodes[0])
		set("code_insee", c.INSEE)
		set("adresse", fmt.Sprintf("%d %s", 1+r.IntN(120), pick(voies)))
		set("latitude", strconv.FormatFloat(46.3+r.Float64()*2.2, 'f', 5, 64))
		set("longitude", strconv.FormatFloat(-2.6+r.Float64()*3, 'f', 5, 64))
		set("typologie", pick(typologies))
		set("telephone", fmt.Sprintf("+332%08d", r.IntN(100000000)))
		set("courriels", fmt.Sprintf("contact@lieu-%d.example.org", i+1))
		set("site_web", fmt.Sprintf("https://lieu-%d.example.org/", i+1))
		set("horaires", "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00")
		set("presentation_resume", kind+" ouvert à tous, accompagnement aux usages numériques du quotidien.")
		set("source", "Région Pays de la Loire")
		set("itinerance", pick([]string{"Fixe", "Itinérant", "Fixe|Itinérant"}))
		set("date_maj", fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(11), 1+r.IntN(28)))
		set("services", multi(services))
		set("publics_specifiquement_adresses", multi(publics))
		set("frais_a_charge", pick(frais))
		set("modalites_acces", multi(acces))
		set("modalites_accompagnement", multi(accomp))
		if r.IntN(1000) == 0 {
			set("code_postal", c.PostalCodes[0][:4])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
