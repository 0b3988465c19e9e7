package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
)

func main() {
	st, err := store.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	defs, err := indicators.Load(indicators.Embedded)
	if err != nil {
		panic(err)
	}
	cfg, _ := indicators.ConfigFromEnv()
	e := &indicators.Engine{Store: st, DuckDB: cfg, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	ms, err := e.ComputeAll(context.Background(), defs)
	for _, m := range ms {
		fmt.Println(m.Indicator, m.Outcome, m.Error)
	}
	if err != nil {
		fmt.Println("err:", err)
	}
}
