package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

type deliveryTokenBody struct {
	Token struct {
		Name        *string         `json:"name"`
		Description *string         `json:"description"`
		Scope       json.RawMessage `json:"scope"`
	} `json:"token"`
}

// envRef is one environment in a delivery token's scope: a name or uid, or
// the environment object stackd shows there (the SDK's update sends a
// fetched token back as it was shown), which names it by uid, else by name.
type envRef string

func (e *envRef) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		*e = envRef(name)
		return nil
	}
	var obj struct {
		UID  string `json:"uid"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	*e = envRef(cmp.Or(obj.UID, obj.Name))
	return nil
}

// deliveryScopeItem is one item of a delivery token's scope.
type deliveryScopeItem struct {
	Module        string          `json:"module"`
	ACL           json.RawMessage `json:"acl,omitempty"`
	Branches      []string        `json:"branches,omitempty"`
	BranchAliases []string        `json:"branch_aliases,omitempty"`
	Environments  []envRef        `json:"environments,omitempty"`
}

// deliveryScope validates a delivery token's scope: exactly one existing
// environment, read only, and the branch or alias the token serves. It
// returns the environment and the scope to store, which names it by name.
func (a *API) deliveryScope(ctx context.Context, apiKey string, raw json.RawMessage) (domain.Environment, json.RawMessage, error) {
	var items []deliveryScopeItem
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return domain.Environment{}, nil, domain.ErrInvalid("scope", "must be an array of scope objects.")
	}
	var envs []envRef
	branch := false
	for i, it := range items {
		switch it.Module {
		case "environment":
			envs = append(envs, it.Environments...)
		case "branch":
			branch = branch || len(it.Branches) > 0
		case "branch_alias":
			branch = branch || len(it.BranchAliases) > 0
		default:
			return domain.Environment{}, nil, domain.ErrInvalid(fmt.Sprintf("scope.%d.module", i), "must be environment, branch or branch_alias.")
		}
	}
	if !branch {
		return domain.Environment{}, nil, domain.ErrInvalid("scope.branch_or_alias", "is required: name the branches or branch aliases the token may use.")
	}
	if len(envs) != 1 {
		return domain.Environment{}, nil, domain.ErrInvalid("scope.environments", "must name exactly one environment.")
	}
	env, err := a.Store.Environment(ctx, apiKey, string(envs[0]))
	if err != nil {
		return env, nil, domain.ErrInvalid("scope.environments", fmt.Sprintf("names an unknown environment %q.", envs[0]))
	}
	for i := range items {
		if items[i].Module == "environment" {
			items[i].Environments = []envRef{envRef(env.Name)}
		}
	}
	scope, err := json.Marshal(items)
	if err != nil {
		return env, nil, fmt.Errorf("api: delivery token scope: %w", err)
	}
	return env, scope, nil
}

// deliveryTokenJSON shows a delivery token with its secret (Contentstack
// shows them: they are read-only keys meant for websites) and its
// environment expanded.
func (a *API) deliveryTokenJSON(ctx context.Context, t domain.DeliveryToken) (map[string]any, error) {
	secret, err := a.Box.Open(t.Sealed)
	if err != nil {
		return nil, fmt.Errorf("api: open delivery token %s: %w", t.UID, err)
	}
	var scope []map[string]any
	_ = json.Unmarshal(t.Scope, &scope)
	for _, it := range scope {
		if it["module"] == "environment" {
			if env, err := a.Store.Environment(ctx, t.APIKey, t.EnvironmentUID); err == nil {
				it["environments"] = []any{environmentJSON(env)}
			}
		}
	}
	return map[string]any{
		"uid": t.UID, "name": t.Name, "description": t.Description, "scope": scope, "token": string(secret),
		"type": "delivery", "api_key": t.APIKey, "created_by": t.CreatedBy, "updated_by": t.UpdatedBy,
		"created_at": isoTime(t.CreatedAt), "updated_at": isoTime(t.UpdatedAt),
	}, nil
}

// createDeliveryToken is POST /v3/stacks/delivery_tokens.
func (a *API) createDeliveryToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body deliveryTokenBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	t := domain.DeliveryToken{UID: domain.NewUID(), APIKey: rc.stack.APIKey, CreatedBy: rc.user.UID, UpdatedBy: rc.user.UID,
		CreatedAt: now, UpdatedAt: now}
	if err := a.applyDeliveryToken(r.Context(), &t, body, true); err != nil {
		return err
	}
	secret := auth.NewDeliverySecret()
	t.Hash, t.Sealed = auth.HashToken(secret), a.Box.Seal([]byte(secret))
	if err := a.Store.CreateDeliveryToken(r.Context(), t, a.audit(r, rc, domain.ModDeliveryToken, "create", t.UID, t.Name)); err != nil {
		return err
	}
	out, err := a.deliveryTokenJSON(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Delivery Token created successfully.", "token": out})
	return nil
}

func (a *API) applyDeliveryToken(ctx context.Context, t *domain.DeliveryToken, b deliveryTokenBody, creating bool) error {
	setIf(&t.Name, b.Token.Name)
	setIf(&t.Description, b.Token.Description)
	if err := domain.ValidateName("name", t.Name, true, 255); err != nil {
		return err
	}
	if b.Token.Scope == nil && !creating {
		return nil
	}
	env, scope, err := a.deliveryScope(ctx, t.APIKey, b.Token.Scope)
	if err != nil {
		return err
	}
	t.EnvironmentUID, t.Scope = env.UID, scope
	return nil
}

// listDeliveryTokens is GET /v3/stacks/delivery_tokens.
func (a *API) listDeliveryTokens(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	tokens, err := a.Store.DeliveryTokens(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(tokens))
	for _, t := range tokens {
		item, err := a.deliveryTokenJSON(r.Context(), t)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	writeJSON(w, http.StatusOK, listBody("tokens", items, p))
	return nil
}

// getDeliveryToken is GET /v3/stacks/delivery_tokens/{token_uid}.
func (a *API) getDeliveryToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	t, err := a.Store.DeliveryToken(r.Context(), rc.stack.APIKey, r.PathValue("token_uid"))
	if err != nil {
		return err
	}
	out, err := a.deliveryTokenJSON(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": out})
	return nil
}

// updateDeliveryToken is PUT /v3/stacks/delivery_tokens/{token_uid}.
func (a *API) updateDeliveryToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body deliveryTokenBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("token_uid")
	t, err := a.Store.UpdateDeliveryToken(r.Context(), rc.stack.APIKey, uid, func(t *domain.DeliveryToken) error {
		t.UpdatedBy, t.UpdatedAt = rc.user.UID, a.Now()
		return a.applyDeliveryToken(r.Context(), t, body, false)
	}, a.audit(r, rc, domain.ModDeliveryToken, "update", uid, ""))
	if err != nil {
		return err
	}
	out, err := a.deliveryTokenJSON(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Delivery Token updated successfully.", "token": out})
	return nil
}

// deleteDeliveryToken is DELETE /v3/stacks/delivery_tokens/{token_uid}.
func (a *API) deleteDeliveryToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("token_uid")
	if err := a.Store.DeleteDeliveryToken(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModDeliveryToken, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Delivery Token deleted successfully."))
	return nil
}
