package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// stackSettingsJSON shows a stack's settings: every section, as stored.
func stackSettingsJSON(s domain.StackSettings) map[string]any {
	out := make(map[string]any, len(s.Sections))
	for name, values := range s.Sections {
		out[name] = values
	}
	return out
}

// getStackSettings is GET /v3/stacks/settings.
func (a *API) getStackSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	s, err := a.Store.StackSettings(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"stack_settings": stackSettingsJSON(s)})
	return nil
}

// updateStackSettings is POST /v3/stacks/settings: the sections sent are
// merged into the stored ones, value by value (null removes a value).
func (a *API) updateStackSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeStackSettings(w, r, rc, false)
}

// resetStackSettings is POST /v3/stacks/settings/reset: the defaults, then
// the sections sent, if any.
func (a *API) resetStackSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeStackSettings(w, r, rc, true)
}

func (a *API) writeStackSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx, reset bool) error {
	var body struct {
		StackSettings json.RawMessage `json:"stack_settings"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	sections := map[string]map[string]json.RawMessage{}
	if len(body.StackSettings) > 0 || !reset {
		var err error
		if sections, err = domain.ParseStackSettings(body.StackSettings); err != nil {
			return err
		}
	}
	event := "update"
	if reset {
		event = "reset"
	}
	s, err := a.Store.UpdateStackSettings(r.Context(), rc.stack.APIKey, func(s *domain.StackSettings) error {
		if reset {
			*s = domain.DefaultStackSettings(s.APIKey)
		}
		s.Merge(sections)
		s.UpdatedBy, s.UpdatedAt = actorUID(rc), a.Now()
		return nil
	}, a.audit(r, rc, domain.ModStackSettings, event, rc.stack.APIKey, rc.stack.Name))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Stack settings updated successfully.", "stack_settings": stackSettingsJSON(s)})
	return nil
}
