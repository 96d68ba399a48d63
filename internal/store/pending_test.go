package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestPendingMigrations: none after Open; a version the database has not
// recorded is listed (what /readyz reports).
func TestPendingMigrations(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st, _, _ := e.Open(t)
			got, err := st.PendingMigrations(t.Context())
			if err != nil || len(got) != 0 {
				t.Fatalf("after open: %v %v", got, err)
			}
			if err := st.ForgetMigration(t.Context(), "0011_stack_seq"); err != nil {
				t.Fatal(err)
			}
			got, err = st.PendingMigrations(t.Context())
			if diff := cmp.Diff([]string{"0011_stack_seq"}, got); err != nil || diff != "" {
				t.Fatalf("pending (-want +got): %s %v", diff, err)
			}
		})
	}
}
