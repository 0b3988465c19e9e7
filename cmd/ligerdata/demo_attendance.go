package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/pipelines"
)

// seedAttendance files the illustrative declarations of
// replay/frequentation/PLACE.csv in a store that has none yet, as if each
// place had sent its file (see testdata/replay/frequentation/README.md).
// The places' map is not published yet: only the schema and the other
// rules are checked.
func seedAttendance(ctx context.Context, storeRoot, replay string) error {
	now := time.Now()
	st := &attendance.Store{Root: storeRoot}
	if cur, err := st.Latest(); err != nil || len(cur) > 0 {
		return err
	}
	files, err := filepath.Glob(filepath.Join(replay, "frequentation", "*.csv"))
	if err != nil {
		return err
	}
	for _, f := range files {
		place := strings.TrimSuffix(filepath.Base(f), ".csv")
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		rows, problems, err := attendance.Check(ctx, data, place, nil, now)
		if err != nil {
			return err
		}
		if problems != nil {
			return fmt.Errorf("demo declarations %s: %s", f, problems[0].Message)
		}
		if _, err := st.Save(place, "demo", data, rows, now); err != nil {
			return err
		}
	}
	return nil
}

// attendanceLast moves the pipelines that publish declarations after the
// others, so the places' names and communes come from this run's map.
func attendanceLast(defs []*pipelines.Definition) []*pipelines.Definition {
	out := slices.Clone(defs)
	slices.SortStableFunc(out, func(a, b *pipelines.Definition) int {
		return boolInt(a.Kind.Name == "frequentation") - boolInt(b.Kind.Name == "frequentation")
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
