package domain

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// StackSettingSections are the sections of a stack's settings, each a JSON
// object of free-form values (GET/POST /v3/stacks/settings).
var StackSettingSections = []string{"stack_variables", "discrete_variables", "live_preview", "rte"}

// StackSettings are a stack's settings: every section of
// StackSettingSections, each an object of values kept as given.
type StackSettings struct {
	APIKey    string
	Sections  map[string]map[string]json.RawMessage
	UpdatedBy string
	UpdatedAt time.Time
}

// DefaultStackSettings are the settings of a stack nobody has set: every
// section empty.
func DefaultStackSettings(apiKey string) StackSettings {
	s := StackSettings{APIKey: apiKey, Sections: map[string]map[string]json.RawMessage{}}
	for _, name := range StackSettingSections {
		s.Sections[name] = map[string]json.RawMessage{}
	}
	return s
}

// ParseStackSettings reads the body's stack_settings: an object whose keys
// are sections (StackSettingSections), each an object. Another key, or a
// section that is not an object, is a 422 naming it.
func ParseStackSettings(raw json.RawMessage) (map[string]map[string]json.RawMessage, error) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		return nil, ErrInvalid("stack_settings", "must be an object of settings sections.")
	}
	out := map[string]map[string]json.RawMessage{}
	for _, name := range slices.Sorted(maps.Keys(body)) {
		if !slices.Contains(StackSettingSections, name) {
			return nil, ErrInvalid("stack_settings."+name, fmt.Sprintf("is not a section of the stack settings (%s).",
				strings.Join(StackSettingSections, ", ")))
		}
		var section map[string]json.RawMessage
		if err := json.Unmarshal(body[name], &section); err != nil || section == nil {
			return nil, ErrInvalid("stack_settings."+name, "must be an object.")
		}
		out[name] = section
	}
	return out, nil
}

// Merge sets every value of the sections given, keeping the values they do
// not name; a value of null removes it.
func (s *StackSettings) Merge(sections map[string]map[string]json.RawMessage) {
	for name, values := range sections {
		dst := s.Sections[name]
		if dst == nil {
			dst = map[string]json.RawMessage{}
			s.Sections[name] = dst
		}
		for k, v := range values {
			if string(v) == "null" {
				delete(dst, k)
				continue
			}
			dst[k] = v
		}
	}
}
