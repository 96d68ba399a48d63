package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// PostgreSQL cannot store a NUL character in text, nor invalid UTF-8, and
// jsonb refuses the \u0000 escape. Values headed for the database are
// checked with CleanText or NoNUL so that such input is a 422, not a
// server fault.

// CleanText reports whether s can be stored: valid UTF-8 without NUL.
func CleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// NoNUL returns a 422 naming the path of the first string (or object key)
// in v, a decoded JSON value, that cannot be stored.
func NoNUL(field string, v any) error {
	if path, bad := findUnclean(v, field); bad {
		return ErrInvalid(path, "must not contain NUL characters or invalid UTF-8.")
	}
	return nil
}

func findUnclean(v any, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, !CleanText(x)
	case map[string]any:
		for k, e := range x {
			if !CleanText(k) {
				return path, true
			}
			if p, bad := findUnclean(e, joinPath(path, k)); bad {
				return p, true
			}
		}
	case []any:
		for i, e := range x {
			if p, bad := findUnclean(e, fmt.Sprintf("%s.%d", path, i)); bad {
				return p, true
			}
		}
	}
	return "", false
}

// CleanJSON returns a 422 on field when raw, a JSON value kept as sent,
// holds invalid UTF-8 or a NUL character (escaped or not) in any string
// or key: such a value could not be stored, or read back, the same way on
// both engines. A raw value that is not valid JSON passes: its shape is
// the caller's to check.
func CleanJSON(field string, raw []byte) error {
	if !utf8.Valid(raw) {
		return ErrInvalid(field, "must not contain NUL characters or invalid UTF-8.")
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return NoNUL(field, v)
}

// cleanTexts returns a 422 on field when any of texts holds NUL or invalid
// UTF-8.
func cleanTexts(field string, texts ...string) error {
	for _, t := range texts {
		if !CleanText(t) {
			return ErrInvalid(field, "must not contain NUL characters or invalid UTF-8.")
		}
	}
	return nil
}
