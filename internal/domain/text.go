package domain

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PostgreSQL cannot store a NUL character in text, nor invalid UTF-8, and
// jsonb refuses the \u0000 escape. SQLite stores both, so without a check
// the same request would succeed on one engine and fail with a server
// fault on the other. Every input is therefore checked before it reaches
// the store, the same way on both engines: JSON bodies once, when they
// are decoded (JSONHasNUL, then NoNUL to name the field); form fields,
// paths and query parameters with CleanText. Go's JSON decoder already
// turns invalid UTF-8 and lone surrogates into U+FFFD, so a decoded JSON
// string can only be unclean through a \u0000 escape.

// CleanText reports whether s can be stored: valid UTF-8 without NUL.
func CleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// NoNUL returns a 422 naming the path of the first string (or object key)
// in v, a decoded JSON value, that cannot be stored.
func NoNUL(field string, v any) error {
	if path, bad := findUnclean(v, field); bad {
		if path == "" {
			path = "body"
		}
		return ErrInvalid(path, "must not contain NUL characters or invalid UTF-8.")
	}
	return nil
}

// JSONHasNUL reports whether raw, a JSON text, holds the escape \u0000 in
// a string or an object key. It is cheap on the common clean body (one
// bytes.Contains); an escaped backslash followed by "u0000" is not a NUL.
func JSONHasNUL(raw []byte) bool {
	if !bytes.Contains(raw, []byte(`\u0000`)) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+5 < len(raw) && raw[i+1] == 'u' && string(raw[i+2:i+6]) == "0000" {
			return true
		}
		i++ // the escaped character
	}
	return false
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
			if p, bad := findUnclean(e, joinPath(path, strconv.Itoa(i))); bad {
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
