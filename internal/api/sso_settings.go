package api

import (
	"net/http"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// ssoCallbackPath is where the identity provider sends the browser back;
// the owner registers <public URL>/v3/sso/callback at the provider.
const ssoCallbackPath = "/v3/sso/callback"

// secretMask stands for the write-only client secret in answers.
const secretMask = "********"

// ssoJSON shows an organization's SSO settings; the client secret only as
// a mask. Without settings, enabled is false.
func (a *API) ssoJSON(r *http.Request, cfg *domain.OrgSSO) map[string]any {
	out := map[string]any{"enabled": cfg != nil, "callback_url": a.baseURL(r) + ssoCallbackPath}
	if cfg != nil {
		out["issuer"], out["client_id"], out["client_secret"], out["strict"] = cfg.Issuer, cfg.ClientID, secretMask, cfg.Strict
		out["created_at"], out["updated_at"] = isoTime(cfg.CreatedAt), isoTime(cfg.UpdatedAt)
	}
	return out
}

// getOrgSSO is GET /v3/organizations/{org_uid}/sso.
func (a *API) getOrgSSO(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	cfg, err := a.Store.OrgSSO(r.Context(), r.PathValue("org_uid"))
	if domain.IsKind(err, domain.KindInvalid) {
		writeJSON(w, http.StatusOK, map[string]any{"sso": a.ssoJSON(r, nil)})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sso": a.ssoJSON(r, &cfg)})
	return nil
}

type ssoBody struct {
	SSO *struct {
		Issuer       string `json:"issuer"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Strict       bool   `json:"strict"`
	} `json:"sso"`
}

// putOrgSSO is PUT /v3/organizations/{org_uid}/sso: issuer, client id and
// strict mode; the client secret may be left out (or sent as the mask) to
// keep the stored one.
func (a *API) putOrgSSO(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var body ssoBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.SSO == nil {
		return domain.ErrInvalid("sso", "is required.")
	}
	in := body.SSO
	cfg, err := a.newOrgSSO(r.PathValue("org_uid"), in.Issuer, in.ClientID, in.ClientSecret, in.Strict)
	if err != nil {
		return err
	}
	saved, err := a.Store.PutOrgSSO(r.Context(), cfg)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Single sign-on settings saved.", "sso": a.ssoJSON(r, &saved)})
	return nil
}

// newOrgSSO validates SSO settings and seals the client secret; "" or the
// mask keeps the stored secret.
func (a *API) newOrgSSO(orgUID, issuer, clientID, secret string, strict bool) (domain.OrgSSO, error) {
	cfg, err := domain.NewOrgSSO(orgUID, strings.TrimSpace(issuer), strings.TrimSpace(clientID), secret, strict, a.Now())
	if err != nil {
		return cfg, err
	}
	if secret != "" && secret != secretMask {
		cfg.ClientSecret = a.Box.Seal([]byte(secret))
	}
	return cfg, nil
}

// deleteOrgSSO is DELETE /v3/organizations/{org_uid}/sso: single sign-on
// off (strict mode with it); linked identities are kept for a later
// return.
func (a *API) deleteOrgSSO(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	found, err := a.Store.DeleteOrgSSO(r.Context(), r.PathValue("org_uid"))
	if err != nil {
		return err
	}
	if !found {
		return domain.Errorf(domain.KindInvalid, domain.CodeNotFound, "Single sign-on is not configured for this organization.").
			WithField("organization_uid", "has no single sign-on.")
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Single sign-on is turned off.", "sso": a.ssoJSON(r, nil)})
	return nil
}
