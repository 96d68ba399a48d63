package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestContentConformance runs the content suite on every available engine.
func TestContentConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.RunContent(t, e) })
	}
}
