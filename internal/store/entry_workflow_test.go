package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestEntryWorkflowConformance runs the entry stage and publish request
// suite on every available engine.
func TestEntryWorkflowConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.RunEntryWorkflow(t, e) })
	}
}
