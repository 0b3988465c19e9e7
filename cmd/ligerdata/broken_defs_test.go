package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/web"
)

// TestRunAllWithABrokenDefinition: a broken pipeline file beside a good
// one is reported with its file and line, the good one still runs and
// publishes, and the exit code says that something failed.
func TestRunAllWithABrokenDefinition(t *testing.T) {
	dir := stewardDefs(t, "code_insee,code_departement,population\n44001,44,100\n")
	broken := "id: casse\ntitle: Cassé\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: nulle-part\nschema: aucun\n"
	if err := os.WriteFile(filepath.Join(dir, "casse.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "run", "--all", "--defs", dir, "--store", t.TempDir(), "--json")
	if code != exitFailed {
		t.Errorf("exit %d, want %d (failed)\n%s", code, exitFailed, errs)
	}
	if !strings.Contains(errs, "casse.yaml:8") {
		t.Errorf("stderr does not name casse.yaml:8 (the unknown kind):\n%s", errs)
	}
	var res runResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res.Pipelines) != 1 || res.Pipelines[0].Pipeline != "communes-test" || res.Pipelines[0].Outcome != "published" {
		t.Errorf("pipelines run: %+v, want communes-test published", res.Pipelines)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeStartsWithOnlyBrokenDefinitions: when every pipeline file is
// broken, serve still starts the site (nothing is scheduled), and logs the
// problems with their file and line.
func TestServeStartsWithOnlyBrokenDefinitions(t *testing.T) {
	dir := t.TempDir()
	broken := "id: casse\ntitle: Cassé\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: nulle-part\nschema: aucun\n"
	if err := os.WriteFile(filepath.Join(dir, "casse.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &web.Config{Addr: "127.0.0.1:0", Store: t.TempDir(), Defs: dir}
	cfg.SetDefaults()
	c := &common{store: cfg.Store, defs: dir, baseURL: "http://127.0.0.1:8080"}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- serveDaemon(ctx, cfg, c, daemonMode{cron: true}, slog.New(slog.NewTextHandler(&errs, nil)), &out, &errs)
	}()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exit %d\n%s", code, errs.String())
		}
	}()
	addrRe := regexp.MustCompile(`Site prêt : (http://[^/\s]+)/`)
	deadline := time.Now().Add(60 * time.Second)
	for !addrRe.MatchString(out.String()) {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve stopped with exit %d before the site was ready\n%s", code, errs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("site not ready after 60 s\n%s", errs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	base := addrRe.FindStringSubmatch(out.String())[1]
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz: %d", resp.StatusCode)
	}
	if !strings.Contains(errs.String(), "casse.yaml:8") {
		t.Errorf("the log does not name casse.yaml:8:\n%s", errs.String())
	}
}
