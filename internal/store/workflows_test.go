package store_test

import (
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestWorkflowConformance runs the workflow and publish-rule suite on
// every available engine.
func TestWorkflowConformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { storetest.RunWorkflows(t, e) })
	}
}
