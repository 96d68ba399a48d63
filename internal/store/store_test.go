package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestConformance runs the shared store suite on every available engine.
func TestConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.Run(t, e) })
	}
}
