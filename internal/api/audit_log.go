package api

import (
	"net/http"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// auditWindow is how far back the audit log can be read, as in Contentstack.
const auditWindow = 30 * 24 * time.Hour

func auditJSON(e domain.AuditEntry) map[string]any {
	out := map[string]any{
		"uid": e.UID, "stack": e.APIKey, "module": e.Module, "event_type": e.EventType, "request_id": e.RequestID,
		"remote_addr": e.RemoteAddr, "metadata": map[string]any{"uid": e.MetaUID, "title": e.MetaTitle},
		"created_at": isoTime(e.CreatedAt), "actor_kind": e.ActorKind,
	}
	if e.ActorKind == "management_token" {
		out["management_token"] = map[string]any{"uid": e.TokenUID, "name": e.TokenName}
	} else {
		out["created_by"] = e.UserUID
	}
	return out
}

// listAuditLog is GET /v3/audit-logs: the last 30 days, newest first.
// query filters with the one query language (internal/query) over module,
// event_type, actor_kind, created_by, token_uid, created_at and a few more
// (store.auditQueryCols); asc/desc sort by one of them.
func (a *API) listAuditLog(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	q, err := query.Parse(r.URL.Query().Get("query"))
	if err != nil {
		return err
	}
	items, total, err := a.Store.AuditLog(r.Context(), store.AuditFilter{APIKey: rc.stack.APIKey,
		Since: a.Now().Add(-auditWindow).UnixMilli(), Query: q, Asc: p.Asc, Desc: p.Desc, Skip: p.Skip, Limit: p.Limit})
	if err != nil {
		return err
	}
	if p.CountOnly {
		writeJSON(w, http.StatusOK, map[string]any{"logs": total})
		return nil
	}
	logs := make([]map[string]any, 0, len(items))
	for _, e := range items {
		logs = append(logs, auditJSON(e))
	}
	body := map[string]any{"logs": logs}
	if p.IncludeCount {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// getAuditItem is GET /v3/audit-logs/{log_uid}.
func (a *API) getAuditItem(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	e, err := a.Store.AuditItem(r.Context(), rc.stack.APIKey, r.PathValue("log_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"log": auditJSON(e)})
	return nil
}
