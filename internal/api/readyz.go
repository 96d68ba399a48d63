package api

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// readyz is GET /readyz on both listeners: whether this instance should
// get traffic. It is stricter than /healthz (which says only that the
// process and its database answer): the database must answer within 2 s,
// every migration this build knows must be applied, and the instance must
// not be draining after SIGTERM. It answers 200 {"status":"ready"} or 503
// {"status":"unavailable"}, both with the result of each check.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok", "shutdown": "no"}
	ready := true
	if err := a.Store.Ping(ctx); err != nil {
		checks["database"], checks["migrations"], ready = "unavailable", "unknown", false
		a.Log.WarnContext(ctx, "readiness: database unavailable", "err", err)
	} else if pending, err := a.Store.PendingMigrations(ctx); err != nil {
		checks["migrations"], ready = "unknown", false
		a.Log.WarnContext(ctx, "readiness: cannot read migrations", "err", err)
	} else if len(pending) > 0 {
		checks["migrations"], ready = "pending: "+strings.Join(pending, ", "), false
	}
	if a.Draining != nil && a.Draining() {
		checks["shutdown"], ready = "draining", false
	}
	if !ready {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "checks": checks})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "checks": checks})
}
