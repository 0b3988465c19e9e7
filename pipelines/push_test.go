package pipelines

import (
	"context"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/output/udata/udatatest"
)

func TestRunPushesToTheTestPortal(t *testing.T) {
	srv := udatatest.New("cle", "org-region")
	defer srv.Close()
	t.Setenv("UDATA_API_KEY", "cle")
	r := newTestRunner(t, t.TempDir())
	r.Full = true
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	def.Push = &PushSpec{Udata: &UdataPush{URL: srv.URL, Organization: "org-region", Schema: "LaMednum/standard-mediation-num"}}

	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if first.Push == nil || first.Push.Error != "" || first.Push.DatasetID == "" || !first.Push.Created || len(first.Push.Uploaded) == 0 {
		t.Fatalf("first push: %+v", first.Push)
	}
	second, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if second.Push == nil || second.Push.DatasetID != first.Push.DatasetID || second.Push.Created {
		t.Fatalf("second push: %+v", second.Push)
	}
	if ds := srv.Datasets(); len(ds) != 1 || len(ds[0].Resources) != len(first.Push.Uploaded) {
		t.Errorf("portal after two runs: %d datasets", len(ds))
	}

	// A portal that refuses the key leaves the release published here.
	t.Setenv("UDATA_API_KEY", "mauvaise")
	third, err := r.Run(context.Background(), def)
	if err != nil || third.Outcome != OutcomePublished {
		t.Fatalf("a failed push must not fail the run: %v, %s", err, third.Outcome)
	}
	if third.Push == nil || !strings.Contains(third.Push.Error, "UDATA_API_KEY") {
		t.Errorf("failed push not recorded: %+v", third.Push)
	}
}

func TestPushDefinitionErrors(t *testing.T) {
	text := strings.Replace(goodDef, "id: good", "id: bad-push", 1) + "push:\n  udata:\n    url: ftp://portail\n    mode: copie\n"
	_, err := testLoader(nil).Load(mapFS("bad-push.yaml", text), "bad-push.yaml")
	if err == nil || !strings.Contains(err.Error(), "push.udata.url") || !strings.Contains(err.Error(), "push.udata.mode") {
		t.Errorf("want both push errors, got %v", err)
	}
}
