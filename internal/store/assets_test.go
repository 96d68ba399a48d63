package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestAssetConformance runs the asset suite on every available engine.
func TestAssetConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.RunAssets(t, e) })
	}
}
