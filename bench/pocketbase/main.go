// Command pocketbase is PocketBase v0.39.11 as its own documentation shows
// it embedded in a Go program, for scripts/bench.sh to compare stackd with.
// It is a separate module so that stackd's build and CI never compile it.
package main

import (
	"log"

	"github.com/pocketbase/pocketbase"
)

func main() {
	app := pocketbase.New()
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
