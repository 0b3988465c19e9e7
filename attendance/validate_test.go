package attendance

import (
	"context"
	"strings"
	"testing"
	"time"
)

// now is 10 March 2026 in Paris: February 2026 is the last month a place
// can declare, March is not over.
var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

var places = PlaceTable{"ping-12": {ID: "ping-12"}, "ping-13": {ID: "ping-13"}}

const header = "id,mois,visites,visiteurs_distincts,ateliers,visites_jeunes,visites_etudiants,visites_familles_enfants,visites_seniors,visites_femmes,commentaire\n"

func TestCheckAcceptsAValidFile(t *testing.T) {
	data := header +
		"ping-12,2026-01,140,52,8,30,,12,40,50,Fermé le 1er\n" +
		"ping-12,2026-02,100,,5,,,,,,\n"
	rows, problems, err := Check(context.Background(), []byte(data), "ping-12", places, now)
	if err != nil || problems != nil {
		t.Fatalf("problems %v, err %v", problems, err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	r := rows[0]
	if r.Place != "ping-12" || r.Month != "2026-01" || r.Visits != 140 || *r.Distinct != 52 || r.Workshops != 8 || r.Comment != "Fermé le 1er" {
		t.Errorf("row 1 = %+v", r)
	}
	// 30 young, students not counted, 12 families, 40 seniors, 50 women.
	want := []int64{30, -1, 12, 40, 50}
	for i, p := range r.ByProfile {
		if (p == nil) != (want[i] < 0) || (p != nil && *p != want[i]) {
			t.Errorf("profile %s = %v, want %d", Profiles[i].Column, p, want[i])
		}
	}
	if rows[1].Distinct != nil || rows[1].ByProfile[0] != nil {
		t.Errorf("row 2 empty counts should be nil: %+v", rows[1])
	}
}

func TestCheckReadsTheFrenchSpreadsheetTemplate(t *testing.T) {
	data := Example("ping-13", Months(now, 3), true)
	if !strings.HasPrefix(string(data), "\uFEFFid;mois;") {
		t.Fatalf("french example starts %q", data[:20])
	}
	rows, problems, err := Check(context.Background(), data, "ping-13", places, now)
	if err != nil || problems != nil || len(rows) != 3 {
		t.Fatalf("rows %d, problems %v, err %v", len(rows), problems, err)
	}
	// Months(10 March 2026, 3) = December, January, February.
	if rows[0].Month != "2025-12" || rows[2].Month != "2026-02" {
		t.Errorf("months %s…%s", rows[0].Month, rows[2].Month)
	}
}

func TestCheckListsEveryProblem(t *testing.T) {
	data := header +
		"ping-12,2026-01,10,,1,,,,,,\n" + // row 2: fine
		"ping-13,2026-02,10,,1,,,,,,\n" + // row 3: another place
		"ping-12,2026-03,10,,1,,,,,,\n" + // row 4: March is not over
		"ping-12,2025-12,10,11,1,,,,,,\n" + // row 5: 11 visitors for 10 visits
		"ping-12,2025-11,10,,1,4,4,,3,,\n" + // row 6: profiles 11 > 10
		"ping-12,2025-10,dix,,1,,,,,,\n" + // row 7: not a number
		"ping-12,2026-01,12,,1,,,,,,\n" // row 8: January twice
	_, problems, err := Check(context.Background(), []byte(data), "ping-12", places, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		row   int
		field string
	}{{3, "id"}, {4, "mois"}, {5, "visiteurs_distincts"}, {6, "visites"}, {7, "visites"}, {8, ""}}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(problems), len(want), problems)
	}
	for i, w := range want {
		if problems[i].Row != w.row || (w.field != "" && problems[i].Field != w.field) {
			t.Errorf("problem %d = %+v, want row %d field %q", i, problems[i], w.row, w.field)
		}
	}
	if !strings.Contains(problems[0].Message, "« ping-12 »") || !strings.Contains(problems[3].Message, "11") {
		t.Errorf("messages: %q / %q", problems[0].Message, problems[3].Message)
	}
}

func TestCheckRefusesUnknownPlacesAndOversizedFiles(t *testing.T) {
	_, problems, _ := Check(context.Background(), []byte(header+"ping-99,2026-01,1,,0,,,,,,\n"), "ping-99", places, now)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "n'est pas dans la cartographie") {
		t.Errorf("unknown place: %+v", problems)
	}
	big := []byte(header + strings.Repeat("x", MaxBytes))
	_, problems, _ = Check(context.Background(), big, "ping-12", places, now)
	if len(problems) != 1 || problems[0].Row != 0 {
		t.Errorf("oversized: %+v", problems)
	}
	_, problems, _ = Check(context.Background(), []byte(header), "ping-12", places, now)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "aucune ligne") {
		t.Errorf("header only: %+v", problems)
	}
	_, problems, _ = Check(context.Background(), []byte("lieu,mois\nping-12,2026-01\n"), "ping-12", places, now)
	if len(problems) == 0 {
		t.Error("a file with other columns was accepted")
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(header + "ping-12,2026-01,140,52,8,30,,12,40,70,x\n"))
	f.Add(Example("ping-12", Months(now, 2), true))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := Check(context.Background(), data, "ping-12", places, now)
		if err != nil {
			t.Fatal(err)
		}
		if (rows == nil) == (problems == nil) {
			t.Fatalf("rows %v and problems %v", rows, problems)
		}
		for _, r := range rows {
			if r.Place != "ping-12" || r.Month > "2026-02" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}
