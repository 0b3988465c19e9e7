package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
)

func TestSubmissionLimiterSlidesAndForgetsQuietAddresses(t *testing.T) {
	l := newSubmissionLimiter(3, 10*time.Minute)
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	// a: attempts at 0, 1 and 2 minutes let through, the fourth (3 min) not.
	for i, want := range []bool{true, true, true, false} {
		if got := l.allow("a", t0.Add(time.Duration(i)*time.Minute)); got != want {
			t.Errorf("a attempt %d: %v, want %v", i+1, got, want)
		}
	}
	if !l.allow("b", t0.Add(3*time.Minute)) {
		t.Error("b is limited by a's attempts")
	}
	// At 10 min 30 s the attempt of minute 0 left the window: one more.
	if !l.allow("a", t0.Add(10*time.Minute+30*time.Second)) {
		t.Error("a not let through after its first attempt left the window")
	}
	if l.allow("a", t0.Add(10*time.Minute+40*time.Second)) {
		t.Error("a let through with 3 attempts (1, 2, 10.5 min) in the window")
	}
	// At 25 min, b (last at 3 min) and a (last at 10.5 min) are quiet for
	// a whole window: both forgotten, c alone is held.
	l.allow("c", t0.Add(25*time.Minute))
	if n := l.addresses(); n != 1 {
		t.Errorf("%d addresses held, want 1", n)
	}
}

// TestAttendanceSubmissionLimits: a place has at most
// placeSubmissionsPerDay accepted submissions in 24 hours, counted from
// the store; an address at most submissionsPerWindow attempts in the
// window. Refusals store nothing and are in the audit log.
func TestAttendanceSubmissionLimits(t *testing.T) {
	srv, st := newAttendanceSite(t, nil)
	c := cookieClient(t)
	a := issuePlaceToken(t, srv, c, "pdl-0001")
	b := issuePlaceToken(t, srv, c, "pdl-0002")
	file := func(place string, visits int) []byte {
		return []byte(attendanceHeader + fmt.Sprintf("%s,2026-02,%d,,1,,,,,,\n", place, visits))
	}
	for i := range placeSubmissionsPerDay {
		if code, ans := submitAPI(t, srv, a, file("pdl-0001", 10+i)); code != http.StatusOK {
			t.Fatalf("submission %d: %d %+v", i+1, code, ans)
		}
	}
	// Attempt 11: the place's eleventh in 24 hours.
	code, ans := submitAPI(t, srv, a, file("pdl-0001", 99))
	if code != http.StatusTooManyRequests || ans.Error != "Ce lieu a déjà envoyé 10 déclarations acceptées en 24 heures, le maximum : réessayez demain." {
		t.Errorf("11th of the place: %d %+v", code, ans)
	}
	// Attempts 12 to 20 from the same address for another place pass.
	for i := 12; i <= submissionsPerWindow; i++ {
		if code, ans := submitAPI(t, srv, b, file("pdl-0002", i)); code != http.StatusOK {
			t.Fatalf("attempt %d for pdl-0002: %d %+v", i, code, ans)
		}
	}
	// Attempt 21 from this address: refused before anything is read.
	code, ans = submitAPI(t, srv, b, file("pdl-0002", 5))
	if code != http.StatusTooManyRequests || ans.Error != "Trop de déclarations envoyées depuis votre adresse : réessayez dans quelques minutes." {
		t.Errorf("21st from the address: %d %+v", code, ans)
	}
	// 10 + 9 stored, the two refused ones not.
	if n := storedFiles(t, st); n != 19 {
		t.Errorf("%d files stored, want 19", n)
	}
	refusals := map[string]int{}
	for _, e := range readAudit(t, st) {
		if e.Action == "attendance_submit" && !e.Allowed {
			refusals[e.Detail]++
		}
	}
	if refusals["trop de déclarations du lieu en 24 heures"] != 1 || refusals["trop de déclarations"] != 1 {
		t.Errorf("audited refusals %v", refusals)
	}
}

// TestAttendanceFormRefusalsAreAudited: a form too large, without its
// CSRF token or without a file is refused, stores nothing, and is in the
// audit log like every other submission.
func TestAttendanceFormRefusalsAreAudited(t *testing.T) {
	srv, st := newAttendanceSite(t, nil)
	token := issuePlaceToken(t, srv, cookieClient(t), "pdl-0001")
	if code, body := submitForm(t, srv, token, bytes.Repeat([]byte("x"), attendance.MaxBytes+100<<10), true); code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d %s", code, body)
	}
	resp, err := http.Post(srv.URL+attendancePath+"/declarer", "application/x-www-form-urlencoded", strings.NewReader("jeton="+token))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("not a multipart form: %d", resp.StatusCode)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("jeton", token)
	mw.Close()
	resp, err = http.Post(srv.URL+attendancePath+"/declarer", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d", resp.StatusCode)
	}
	if n := storedFiles(t, st); n != 0 {
		t.Errorf("%d files stored", n)
	}
	got := map[string]bool{}
	for _, e := range readAudit(t, st) {
		if e.Action == "attendance_submit" && !e.Allowed {
			got[e.Detail] = true
		}
	}
	for _, want := range []string{"fichier trop gros", "formulaire illisible", "jeton CSRF absent ou faux"} {
		if !got[want] {
			t.Errorf("audit lacks %q: %v", want, got)
		}
	}
}

// TestAPIPageDocumentsTheDeclarations: the API page gives the endpoint
// and the limits the handlers apply.
func TestAPIPageDocumentsTheDeclarations(t *testing.T) {
	srv, _ := newAttendanceSite(t, nil)
	_, body, _ := page(t, cookieClient(t), srv.URL+"/api")
	for _, want := range []string{"<code>POST " + attendanceAPIPath + "</code>",
		fmt.Sprintf("fichier de plus de %d Kio", attendance.MaxBytes>>10),
		fmt.Sprintf("(%d en %d minutes) ou du lieu (%d acceptés en 24 heures)", submissionsPerWindow, int(submissionWindow.Minutes()), placeSubmissionsPerDay)} {
		if !strings.Contains(body, want) {
			t.Errorf("API page lacks %q", want)
		}
	}
}
