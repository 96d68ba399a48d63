package metrics_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/stackd/stackd/internal/metrics"
)

// TestMethodLabelIsBounded: a client's made-up methods share one label
// value instead of each opening a series.
func TestMethodLabelIsBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, method := range []string{"GET", "BREW", "PROPFIND", "X-SECRET-TOKEN"} {
		m.ObserveRequest("cma", method, "(unmatched)", 405, time.Millisecond)
	}
	want := `
# HELP stackd_http_requests_total HTTP requests answered, by listener (cma, cda), method, route pattern and status code.
# TYPE stackd_http_requests_total counter
stackd_http_requests_total{code="405",listener="cma",method="GET",route="(unmatched)"} 1
stackd_http_requests_total{code="405",listener="cma",method="OTHER",route="(unmatched)"} 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "stackd_http_requests_total"); err != nil {
		t.Error(err)
	}
}

// BenchmarkObserveRequest is the cost metrics add to every request.
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New(prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest("cma", "GET", "/v3/content_types/{content_type_uid}/entries/{entry_uid}", 200, 3*time.Millisecond)
		}
	})
}
