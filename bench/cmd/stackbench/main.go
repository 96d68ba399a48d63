// Command stackbench is stackd's load harness (scripts/bench.sh runs it):
//
//	stackbench run     starts stackd, PocketBase and a plain net/http handler,
//	                   seeds the same records in each, drives every scenario
//	                   with wrk and prints rps, p50, p99 and RSS with ratios
//	stackbench handler the plain handler (the ceiling), as its own process
//	stackbench scale   creates a stack through the API, loads a million entries
//	                   through the store in batched transactions (stackd
//	                   stopped), then measures the scale scenarios
//
// It is bench-only code: not a stackd subcommand, not in stackd's binary.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stackbench run|handler [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(ctx, os.Args[2:])
	case "handler":
		err = handlerCmd(ctx, os.Args[2:])
	case "scale":
		err = scaleCmd(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stackbench:", err)
		os.Exit(1)
	}
}
