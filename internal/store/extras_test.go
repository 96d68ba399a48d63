package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestExtrasConformance runs the labels, extensions and webhooks suite on
// every available engine.
func TestExtrasConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.RunExtras(t, e) })
	}
}
