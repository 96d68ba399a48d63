package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ExtensionTypes are the kinds of extension Contentstack knows: custom
// fields, custom widgets, dashboard widgets, asset sidebar widgets and JSON
// RTE plugins.
var ExtensionTypes = []string{"field", "widget", "dashboard", "asset_sidebar_widget", "rte_plugin"}

// MaxExtensions is how many extensions a stack may hold (Contentstack's
// documented limit, all types together).
const MaxExtensions = 50

// Contentstack's error codes for extensions.
const (
	CodeExtensionLimit    = 344 // the stack already holds MaxExtensions
	CodeExtensionNotFound = 347
)

// Extension is a custom field, widget, dashboard widget, asset sidebar
// widget or JSON RTE plugin. Its code is hosted elsewhere (Src, a URL) or
// kept by the stack (Srcdoc, the HTML itself). The pointer fields are
// shown only when set, as Contentstack shows each only for the types that
// use it.
type Extension struct {
	UID          string
	APIKey       string
	Title        string
	Type         string
	DataType     string // custom fields: the type of the value they hold
	Src          string
	Srcdoc       string
	Multiple     *bool
	Config       json.RawMessage // a JSON object
	Tags         []string
	Scope        json.RawMessage // widgets: {"content_types": [...]}; nil when none
	Enable       *bool           // dashboard widgets
	DefaultWidth string          // dashboard widgets: "full" or "half"
	Width        *int            // asset sidebar widgets: 335 to 1024 pixels
	Blur         *bool           // asset sidebar widgets
	Version      int
	CreatedBy    string
	UpdatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

var dataTypePattern = regexp.MustCompile(`^[a-z][a-z_]{0,49}$`)

// ValidateExtension checks an extension: a title, a known type, its code
// (src or srcdoc), a data type for custom fields, and the type-specific
// options in range.
func ValidateExtension(x *Extension) error {
	if err := ValidateName("title", x.Title, true, 255); err != nil {
		return err
	}
	for _, f := range [][2]string{{"title", x.Title}, {"src", x.Src}, {"srcdoc", x.Srcdoc}} {
		if err := plainText(f[0], f[1]); err != nil {
			return err
		}
	}
	if !slices.Contains(ExtensionTypes, x.Type) {
		return ErrInvalid("type", "must be one of "+strings.Join(ExtensionTypes, ", ")+".")
	}
	if strings.TrimSpace(x.Src) == "" && strings.TrimSpace(x.Srcdoc) == "" {
		return ErrInvalid("src", "is required: give the extension's URL in src or its code in srcdoc.")
	}
	if x.Type == "field" && x.DataType == "" {
		return ErrInvalid("data_type", "is required for a custom field.")
	}
	if x.DataType != "" && !dataTypePattern.MatchString(x.DataType) {
		return ErrInvalid("data_type", "must be a data type such as text, number, isodate, boolean, json, reference or file.")
	}
	for _, t := range x.Tags {
		if err := ValidateName("tags", t, true, 255); err != nil {
			return err
		}
		if err := plainText("tags", t); err != nil {
			return err
		}
	}
	if x.DefaultWidth != "" && x.DefaultWidth != "full" && x.DefaultWidth != "half" {
		return ErrInvalid("default_width", `must be "full" or "half".`)
	}
	if x.Width != nil && (*x.Width < 335 || *x.Width > 1024) {
		return ErrInvalid("width", "must be between 335 and 1024 pixels.")
	}
	if len(x.Config) == 0 || x.Config[0] != '{' {
		return ErrInvalid("config", "must be a JSON object.")
	}
	return validScope(x.Scope)
}

func validScope(raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	var s struct {
		ContentTypes []string `json:"content_types"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || raw[0] != '{' {
		return ErrInvalid("scope", `must be an object such as {"content_types": ["$all"]}.`)
	}
	if err := CleanJSON("scope", raw); err != nil {
		return err
	}
	return distinctUIDs("scope.content_types", s.ContentTypes)
}

// ParseExtensionConfig reads an extension's config as clients send it: a
// JSON object, or a string holding one ("{}", as the documentation's
// samples send). Absent, null or "" mean an empty object. NUL or invalid
// UTF-8 anywhere in it is a 422. The result is compact JSON.
func ParseExtensionConfig(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}"), nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, ErrInvalid("config", "must be a JSON object.")
		}
		if strings.TrimSpace(s) == "" {
			return json.RawMessage("{}"), nil
		}
		raw = []byte(strings.TrimSpace(s))
	}
	var obj map[string]any
	if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
		return nil, ErrInvalid("config", "must be a JSON object.")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, ErrInvalid("config", "must be a JSON object.")
	}
	if err := CleanJSON("config", raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseStringList reads a list given as an array of strings or as one
// comma-separated string (the extension upload form sends tags so, the
// webhook documentation sends notifiers so). Absent or null means an
// empty list.
func ParseStringList(field string, raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return []string{}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, ErrInvalid(field, "must be an array of strings.")
	}
	return SplitList(s), nil
}

// SplitList splits a comma-separated list, dropping empty items.
func SplitList(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// ErrExtensionNotFound is the answer for an extension uid the stack does
// not hold.
func ErrExtensionNotFound() *Error {
	return Errorf(KindInvalid, CodeExtensionNotFound, "The extension was not found. Please try again.").
		WithField("uid", "is not valid.")
}

// ErrExtensionLimit is the answer to creating one extension too many.
func ErrExtensionLimit() *Error {
	return Errorf(KindInvalid, CodeExtensionLimit, "A stack can hold at most %d extensions.", MaxExtensions).
		WithField("extension", fmt.Sprintf("limit of %d reached.", MaxExtensions))
}
