package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// Webhooks are stored, shown, exported and imported, but stackd never
// calls their targets (it assumes no outbound network): their executions
// list is always empty.
//
// Secrets: the basic-auth password, bearer token, OAuth client secret and
// custom header values of every destination are stored only encrypted with
// the server key (sealWebhook). Like Contentstack, answers show them masked
// as "********": a token that may read webhooks cannot read the passwords
// of their targets. A secret sent back as "********" keeps the stored one,
// so a webhook can be fetched, edited and saved without losing them, but
// only while its destination's target_url is unchanged (a 422 otherwise:
// domain.KeepMaskedSecrets).

// webhookJSON is a webhook as Contentstack shows it, secrets masked.
func webhookJSON(w domain.Webhook, orgUID string) map[string]any {
	mask := func(s string) string {
		if s == "" {
			return s
		}
		return domain.MaskedSecret
	}
	dests := make([]domain.WebhookDestination, len(w.Destinations))
	for i, d := range w.Destinations {
		d.HTTPBasicPassword, d.BearerToken, d.ClientSecret = mask(d.HTTPBasicPassword), mask(d.BearerToken), mask(d.ClientSecret)
		headers := make([]domain.WebhookHeader, len(d.CustomHeader))
		for j, h := range d.CustomHeader {
			h.Value = mask(h.Value)
			headers[j] = h
		}
		d.CustomHeader = headers
		dests[i] = d
	}
	return map[string]any{
		"uid": w.UID, "name": w.Name, "destinations": dests, "channels": nonNil(w.Channels), "branches": nonNil(w.Branches),
		"notifiers": nonNil(w.Notifiers), "retry_policy": w.RetryPolicy, "disabled": w.Disabled, "concise_payload": w.ConcisePayload,
		"org_uid": orgUID, "unhealthy": map[string]any{"state": false}, "created_by": w.CreatedBy, "updated_by": w.UpdatedBy,
		"created_at": isoTime(w.CreatedAt), "updated_at": isoTime(w.UpdatedAt),
	}
}

// webhookBody is the body of POST and PUT. Fields left out keep their
// value; system fields the SDK sends back on update are ignored.
type webhookBody struct {
	Webhook *struct {
		Name           *string                      `json:"name"`
		Destinations   *[]domain.WebhookDestination `json:"destinations"`
		Channels       *[]string                    `json:"channels"`
		Branches       *[]string                    `json:"branches"`
		Notifiers      json.RawMessage              `json:"notifiers"`
		RetryPolicy    *string                      `json:"retry_policy"`
		Disabled       *bool                        `json:"disabled"`
		ConcisePayload *bool                        `json:"concise_payload"`
	} `json:"webhook"`
}

// applyWebhook copies the body onto w (whose secrets are in clear) and
// validates the result.
func applyWebhook(w *domain.Webhook, b webhookBody) error {
	in := b.Webhook
	if in == nil {
		return domain.ErrInvalid("webhook", "is required.")
	}
	setIf(&w.Name, in.Name)
	setIf(&w.RetryPolicy, in.RetryPolicy)
	if in.Destinations != nil {
		next := *in.Destinations
		if err := domain.KeepMaskedSecrets(w.Destinations, next); err != nil {
			return err
		}
		w.Destinations = next
	}
	if in.Channels != nil {
		w.Channels = *in.Channels
	}
	if in.Branches != nil {
		w.Branches = *in.Branches
	}
	if in.Notifiers != nil {
		n, err := domain.ParseStringList("notifiers", in.Notifiers)
		if err != nil {
			return err
		}
		w.Notifiers = n
	}
	if in.Disabled != nil {
		w.Disabled = *in.Disabled
	}
	if in.ConcisePayload != nil {
		w.ConcisePayload = *in.ConcisePayload
	}
	return domain.ValidateWebhook(w)
}

// sealWebhook returns w as it may be stored: its secrets taken out of the
// destinations and encrypted with the server key.
func (a *API) sealWebhook(w domain.Webhook) (domain.Webhook, error) {
	stored, secrets := w.WithoutSecrets()
	raw, err := json.Marshal(secrets)
	if err != nil {
		return stored, fmt.Errorf("api: encode webhook %s secrets: %w", w.UID, err)
	}
	stored.Sealed = a.Box.Seal(raw)
	return stored, nil
}

// openWebhook returns a stored webhook with its secrets decrypted.
func (a *API) openWebhook(w domain.Webhook) (domain.Webhook, error) {
	raw, err := a.Box.Open(w.Sealed)
	if err != nil {
		return w, fmt.Errorf("api: open webhook %s secrets: %w", w.UID, err)
	}
	var secrets []domain.WebhookSecrets
	if err := json.Unmarshal(raw, &secrets); err != nil {
		return w, fmt.Errorf("api: decode webhook %s secrets: %w", w.UID, err)
	}
	return w.WithSecrets(secrets)
}

// createWebhook is POST /v3/webhooks.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body webhookBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	wh := domain.Webhook{UID: domain.NewUID(), APIKey: rc.stack.APIKey, Branches: []string{domain.DefaultBranch}, Notifiers: []string{},
		RetryPolicy: "manual", CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyWebhook(&wh, body); err != nil {
		return err
	}
	stored, err := a.sealWebhook(wh)
	if err != nil {
		return err
	}
	if err := a.Store.CreateWebhook(r.Context(), stored, a.audit(r, rc, domain.ModWebhook, "create", wh.UID, wh.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "The webhook was created successfully", "webhook": webhookJSON(wh, rc.stack.OrgUID)})
	return nil
}

// listWebhooks is GET /v3/webhooks.
func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	q, err := parseExtrasQuery(r)
	if err != nil {
		return err
	}
	hooks, err := a.Store.Webhooks(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(hooks))
	for _, h := range hooks {
		open, err := a.openWebhook(h)
		if err != nil {
			return err
		}
		items = append(items, webhookJSON(open, rc.stack.OrgUID))
	}
	writeJSON(w, http.StatusOK, listBody("webhooks", q.filter(items), p))
	return nil
}

// getWebhook is GET /v3/webhooks/{webhook_uid}.
func (a *API) getWebhook(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	h, err := a.Store.Webhook(r.Context(), rc.stack.APIKey, r.PathValue("webhook_uid"))
	if err != nil {
		return err
	}
	open, err := a.openWebhook(h)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhook": webhookJSON(open, rc.stack.OrgUID)})
	return nil
}

// updateWebhook is PUT /v3/webhooks/{webhook_uid}.
func (a *API) updateWebhook(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body webhookBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("webhook_uid")
	var shown domain.Webhook
	_, err := a.Store.UpdateWebhook(r.Context(), rc.stack.APIKey, uid, func(stored *domain.Webhook) error {
		open, err := a.openWebhook(*stored)
		if err != nil {
			return err
		}
		open.UpdatedBy, open.UpdatedAt = actorUID(rc), a.Now()
		if err := applyWebhook(&open, body); err != nil {
			return err
		}
		sealed, err := a.sealWebhook(open)
		if err != nil {
			return err
		}
		*stored, shown = sealed, open
		return nil
	}, a.audit(r, rc, domain.ModWebhook, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "The Webhook was updated successfully", "webhook": webhookJSON(shown, rc.stack.OrgUID)})
	return nil
}

// deleteWebhook is DELETE /v3/webhooks/{webhook_uid}.
func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("webhook_uid")
	if err := a.Store.DeleteWebhook(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModWebhook, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("The Webhook was deleted successfully"))
	return nil
}

// webhookExecutions is GET /v3/webhooks/{webhook_uid}/executions: always an
// empty list, as stackd delivers no webhook (the official SDK reads the
// executions from the "webhooks" key).
func (a *API) webhookExecutions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if _, err := a.Store.Webhook(r.Context(), rc.stack.APIKey, r.PathValue("webhook_uid")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": []any{}})
	return nil
}
