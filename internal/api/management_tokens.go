package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

type rateLimitBody struct {
	Read  int `json:"read"`
	Write int `json:"write"`
}

type managementTokenBody struct {
	Token struct {
		Name             *string         `json:"name"`
		Description      *string         `json:"description"`
		Scope            json.RawMessage `json:"scope"`
		ExpiresOn        json.RawMessage `json:"expires_on"`
		EmailNotify      *bool           `json:"is_email_notification_enabled"`
		RateLimitEnabled *bool           `json:"rate_limit_enabled"`
		RateLimit        *rateLimitBody  `json:"rate_limit"`
	} `json:"token"`
}

func managementTokenJSON(t domain.ManagementToken) map[string]any {
	var expires any
	if t.ExpiresAt != 0 {
		expires = isoTime(time.UnixMilli(t.ExpiresAt))
	}
	var lastUsed any
	if t.LastUsedAt != 0 {
		lastUsed = isoTime(time.UnixMilli(t.LastUsedAt))
	}
	return map[string]any{
		"uid": t.UID, "name": t.Name, "description": t.Description, "scope": t.Scope, "expires_on": expires,
		"is_email_notification_enabled": t.EmailNotify, "rate_limit_enabled": t.RateLimitEnabled,
		"rate_limit": map[string]any{"read": t.RateRead, "write": t.RateWrite}, "last_used_at": lastUsed,
		"type": "management", "api_key": t.APIKey, "created_by": t.CreatedBy, "updated_by": t.UpdatedBy,
		"created_at": isoTime(t.CreatedAt), "updated_at": isoTime(t.UpdatedAt),
	}
}

// applyManagementToken copies and validates the fields a body gives.
func applyManagementToken(t *domain.ManagementToken, b managementTokenBody, now time.Time, creating bool) error {
	in := b.Token
	setIf(&t.Name, in.Name)
	setIf(&t.Description, in.Description)
	if err := domain.ValidateName("name", t.Name, true, 255); err != nil {
		return err
	}
	if in.Scope != nil || creating {
		if _, _, err := domain.ParseScope(in.Scope); err != nil {
			return err
		}
		t.Scope = in.Scope
	}
	if in.ExpiresOn != nil {
		exp, err := domain.ParseExpiry(in.ExpiresOn, now)
		if err != nil {
			return err
		}
		t.ExpiresAt = exp
	}
	if in.EmailNotify != nil {
		t.EmailNotify = *in.EmailNotify
	}
	if in.RateLimitEnabled != nil {
		t.RateLimitEnabled = *in.RateLimitEnabled
	}
	if in.RateLimit != nil {
		if err := domain.CheckInt("rate_limit.read", in.RateLimit.Read, 0, domain.MaxInt); err != nil {
			return err
		}
		if err := domain.CheckInt("rate_limit.write", in.RateLimit.Write, 0, domain.MaxInt); err != nil {
			return err
		}
		t.RateRead, t.RateWrite = in.RateLimit.Read, in.RateLimit.Write
	}
	return nil
}

// createManagementToken is POST /v3/stacks/management_tokens. The secret
// is in this answer and never again.
func (a *API) createManagementToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body managementTokenBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	t := domain.ManagementToken{UID: domain.NewUID(), APIKey: rc.stack.APIKey, CreatedBy: rc.user.UID, UpdatedBy: rc.user.UID,
		CreatedAt: now, UpdatedAt: now}
	if err := applyManagementToken(&t, body, now, true); err != nil {
		return err
	}
	secret := auth.NewManagementSecret()
	if err := a.Store.CreateManagementToken(r.Context(), t, auth.HashToken(secret), a.audit(r, rc, domain.ModManagementToken, "create", t.UID, t.Name)); err != nil {
		return err
	}
	out := managementTokenJSON(t)
	out["token"] = secret
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Management Token created successfully.", "token": out})
	return nil
}

// listManagementTokens is GET /v3/stacks/management_tokens (no secrets).
func (a *API) listManagementTokens(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	tokens, err := a.Store.ManagementTokens(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(tokens))
	for _, t := range tokens {
		items = append(items, managementTokenJSON(t))
	}
	writeJSON(w, http.StatusOK, listBody("tokens", items, p))
	return nil
}

// getManagementToken is GET /v3/stacks/management_tokens/{token_uid}.
func (a *API) getManagementToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	t, err := a.Store.ManagementToken(r.Context(), rc.stack.APIKey, r.PathValue("token_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": managementTokenJSON(t)})
	return nil
}

// updateManagementToken is PUT /v3/stacks/management_tokens/{token_uid}.
func (a *API) updateManagementToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body managementTokenBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("token_uid")
	t, err := a.Store.UpdateManagementToken(r.Context(), rc.stack.APIKey, uid, func(t *domain.ManagementToken) error {
		t.UpdatedBy, t.UpdatedAt = rc.user.UID, a.Now()
		return applyManagementToken(t, body, a.Now(), false)
	}, a.audit(r, rc, domain.ModManagementToken, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Management Token updated successfully.", "token": managementTokenJSON(t)})
	return nil
}

// deleteManagementToken is DELETE /v3/stacks/management_tokens/{token_uid}.
func (a *API) deleteManagementToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("token_uid")
	if err := a.Store.DeleteManagementToken(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModManagementToken, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Management Token deleted successfully."))
	return nil
}

// maxGrace bounds a rotation's grace period.
const maxGrace = 30 * 24 * time.Hour

// rotateManagementToken is POST …/management_tokens/{token_uid}/rotate
// (beyond Contentstack): a new secret, shown once; the old one keeps
// working for grace_period_seconds (default 0: it stops at once).
func (a *API) rotateManagementToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body struct {
		Grace *float64 `json:"grace_period_seconds"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
	}
	grace := time.Duration(0)
	if body.Grace != nil {
		if !(*body.Grace >= 0 && *body.Grace <= maxGrace.Seconds()) { // also refuses NaN, before any conversion
			return domain.ErrInvalid("grace_period_seconds", "must be between 0 and 2592000 (30 days).")
		}
		grace = time.Duration(*body.Grace * float64(time.Second))
	}
	now := a.Now()
	uid := r.PathValue("token_uid")
	secret := auth.NewManagementSecret()
	t, err := a.Store.RotateManagementToken(r.Context(), rc.stack.APIKey, uid, auth.HashToken(secret), now.Add(grace).UnixMilli(), now,
		a.audit(r, rc, domain.ModManagementToken, "rotate", uid, ""))
	if err != nil {
		return err
	}
	out := managementTokenJSON(t)
	out["token"] = secret
	out["previous_token_expires_at"] = isoTime(now.Add(grace))
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Management Token rotated successfully.", "token": out})
	return nil
}
