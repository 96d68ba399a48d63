package domain

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// ManagementToken is a stack-level credential tied to no user. Its secret
// is never stored; the store keeps SHA-256 hashes of its secrets.
type ManagementToken struct {
	UID              string
	APIKey           string
	Name             string
	Description      string
	Scope            json.RawMessage // the scope items as given
	ExpiresAt        int64           // Unix ms; 0 = never
	EmailNotify      bool
	RateLimitEnabled bool
	RateRead         int // requests per second; 0 = no limit of its own
	RateWrite        int
	LastUsedAt       int64
	CreatedBy        string
	UpdatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Expired reports whether the token no longer works at now.
func (t ManagementToken) Expired(now time.Time) bool {
	return t.ExpiresAt != 0 && now.UnixMilli() >= t.ExpiresAt
}

// MaxManagementTokens is how many management tokens a stack may hold.
const MaxManagementTokens = 30

// DeliveryToken reads published content of one environment on the CDA.
type DeliveryToken struct {
	UID            string
	APIKey         string
	Name           string
	Description    string
	EnvironmentUID string
	Scope          json.RawMessage
	Hash           string // SHA-256 of the secret, for lookups
	Sealed         []byte // the secret encrypted with the server key, to show it again
	CreatedBy      string
	UpdatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

var (
	dateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ParseExpiry reads a token's expires_on: null or "" means never; a date
// (YYYY-MM-DD) means 00:00 UTC of that date; otherwise an ISO 8601 time.
// The result must lie after now.
func ParseExpiry(raw json.RawMessage, now time.Time) (int64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, ErrInvalid("expires_on", "must be a date (YYYY-MM-DD), an ISO 8601 time or null.")
	}
	if v == "" {
		return 0, nil
	}
	var t time.Time
	var err error
	if dateOnly.MatchString(v) {
		t, err = time.Parse("2006-01-02", v)
	} else {
		t, err = time.Parse(time.RFC3339Nano, v)
	}
	if err != nil {
		return 0, ErrInvalid("expires_on", "must be a date (YYYY-MM-DD), an ISO 8601 time or null.")
	}
	if !t.After(now) {
		return 0, ErrInvalid("expires_on", "must be in the future.")
	}
	return t.UnixMilli(), nil
}

// Environment is a publishing target, addressed by name in the API.
type Environment struct {
	UID           string
	APIKey        string
	Name          string
	URLs          json.RawMessage
	Servers       json.RawMessage
	DeployContent bool
	CreatedBy     string
	UpdatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

var envName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_\- ]{0,99}$`)

// ValidateEnvironment checks an environment's name and the shapes of its
// urls and servers.
func ValidateEnvironment(e *Environment) error {
	if !envName.MatchString(e.Name) {
		return ErrInvalid("name", "must be 1 to 100 letters, digits, spaces, _ or -.")
	}
	var urls []struct {
		Locale string `json:"locale"`
		URL    string `json:"url"`
	}
	if len(e.URLs) > 0 && json.Unmarshal(e.URLs, &urls) != nil {
		return ErrInvalid("urls", "must be an array of {locale, url}.")
	}
	var servers []struct {
		Name string `json:"name"`
	}
	if len(e.Servers) > 0 && json.Unmarshal(e.Servers, &servers) != nil {
		return ErrInvalid("servers", "must be an array of {name}.")
	}
	return nil
}

// AuditEntry is one item of a stack's audit log. For a management token it
// names the token and carries no user details.
type AuditEntry struct {
	UID        string
	APIKey     string
	Module     string
	EventType  string
	RequestID  string
	RemoteAddr string
	ActorKind  string // "user" or "management_token"
	UserUID    string
	TokenUID   string
	TokenName  string
	MetaUID    string
	MetaTitle  string
	CreatedAt  time.Time
}
