package input

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// PublishTargets is where a publish body sends something:
// {"environments": [names], "locales": [codes]}.
type PublishTargets struct {
	Environments []string `json:"environments"`
	Locales      []string `json:"locales"`
}

// PublishBody is the body of an entry or asset publish or unpublish.
type PublishBody struct {
	Entry       *PublishTargets `json:"entry"`
	Asset       *PublishTargets `json:"asset"`
	Locale      string          `json:"locale"`
	Version     json.RawMessage `json:"version"`
	ScheduledAt string          `json:"scheduled_at"`
}

// PublishLocales checks the shape of a locale list (the store checks that
// each exists); an empty list is the master locale.
func PublishLocales(codes []string, master string) ([]string, error) {
	if len(codes) == 0 {
		return []string{master}, nil
	}
	if len(codes) > domain.MaxPublishTargets {
		return nil, domain.ErrInvalid("locales", fmt.Sprintf("may name at most %d locales.", domain.MaxPublishTargets))
	}
	var out []string
	for _, c := range codes {
		if !domain.CleanText(c) || strings.TrimSpace(c) == "" {
			return nil, domain.ErrInvalid("locales", "must be locale codes.")
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// PublishVersion reads an optional version: a whole number from 1 to
// MaxVersion, sent as a number or a string; 0 when absent.
func PublishVersion(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	s := string(raw)
	var str string
	if json.Unmarshal(raw, &str) == nil {
		s = str
	}
	return Version(s, "version", true)
}

// ScheduledAt reads scheduled_at: an ISO 8601 date-time. A time in the
// future schedules the action; none, or one already passed, acts now.
func ScheduledAt(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, domain.ErrInvalid("scheduled_at", "must be an ISO 8601 date-time such as 2030-01-02T15:04:05.000Z.")
	}
	if !t.After(now) {
		return nil, nil
	}
	return &t, nil
}
