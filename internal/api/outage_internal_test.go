package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"slices"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stackd/stackd/internal/domain"
)

// TestWriteErrorOutage: a database outage answers 503 with Retry-After and
// the Contentstack error body (never a bare 500 and never the cause's
// text), whether it comes bare or wrapped in an internal domain error;
// other faults stay 500.
func TestWriteErrorOutage(t *testing.T) {
	for _, c := range []struct {
		name       string
		err        error
		wantStatus int
		wantRetry  string
	}{
		{"connection refused", fmt.Errorf("store: find stack: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), 503, "5"},
		{"server shut down", fmt.Errorf("store: commit: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection"}), 503, "5"},
		{"statement timeout", &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}, 503, "5"},
		{"contention gave up", fmt.Errorf("store: transaction gave up after 8 attempts: %w", &pgconn.PgError{Code: "40001"}), 503, "1"},
		{"inside an internal error", &domain.Error{Kind: domain.KindInternal, Message: "x", Err: &pgconn.PgError{Code: "08006"}}, 503, "5"},
		{"a plain fault", errors.New("boom"), 500, ""},
		{"a client error wrapping nothing", domain.ErrInvalid("title", "is required."), 422, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			w := httptest.NewRecorder()
			writeError(w, httptest.NewRequest("GET", "/v3/content_types", nil), slog.New(slog.NewJSONHandler(&logs, nil)), c.err)
			if w.Code != c.wantStatus || w.Header().Get("Retry-After") != c.wantRetry {
				t.Fatalf("status %d Retry-After %q, want %d %q", w.Code, w.Header().Get("Retry-After"), c.wantStatus, c.wantRetry)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"error_code", "error_message", "errors"}, keys(body)); diff != "" {
				t.Errorf("body keys (-want +got):\n%s", diff)
			}
			if c.wantStatus == 503 && (body["error_code"] != float64(503) || bytes.Contains(w.Body.Bytes(), []byte("SQLSTATE"))) {
				t.Errorf("503 body: %s", w.Body.String())
			}
		})
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
