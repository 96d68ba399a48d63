package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// Locale is a language of a stack, addressed by its code. Every stack has
// its master locale (the stack's master_locale); the others fall back
// along FallbackLocale, and every chain ends at the master.
type Locale struct {
	APIKey         string
	Code           string
	UID            string
	Name           string
	FallbackLocale string // "" for the master locale
	Version        int
	CreatedBy      string
	UpdatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Codes of locale errors (a Contentstack number where one is known).
const (
	CodeLocaleExists = 247
)

// ValidateLocale checks a locale's code and name.
func ValidateLocale(l *Locale) error {
	if !CleanText(l.Name) {
		return ErrInvalid("name", "must not contain NUL characters or invalid UTF-8.")
	}
	if !ValidLocaleCode(l.Code) {
		return ErrInvalid("code", "is not a valid locale code (such as en-us or fr).")
	}
	if l.Name == "" {
		l.Name = LocaleName(l.Code)
	}
	if l.FallbackLocale != "" && !ValidLocaleCode(l.FallbackLocale) {
		return ErrInvalid("fallback_locale", "is not a valid locale code.")
	}
	return ValidateName("name", l.Name, true, 255)
}

// MasterLocale is the master locale of st as it exists before it is ever
// written: named from its code, created with the stack, with a uid
// derived from the stack's so that it never changes.
func MasterLocale(st Stack) Locale {
	sum := sha256.Sum256([]byte("master-locale:" + st.UID))
	return Locale{APIKey: st.APIKey, Code: st.MasterLocale, UID: "blt" + hex.EncodeToString(sum[:8]),
		Name: LocaleName(st.MasterLocale), Version: 1, CreatedBy: st.OwnerUID, UpdatedBy: st.OwnerUID,
		CreatedAt: st.CreatedAt, UpdatedAt: st.CreatedAt}
}

// localeNames names the most common locales; others are named by code.
var localeNames = map[string]string{
	"en-us": "English - United States", "en-gb": "English - United Kingdom", "en": "English",
	"fr-fr": "French - France", "fr": "French", "de-de": "German - Germany", "de": "German",
	"es-es": "Spanish - Spain", "es": "Spanish", "it-it": "Italian - Italy", "ja-jp": "Japanese - Japan",
	"zh-cn": "Chinese - China", "pt-br": "Portuguese - Brazil", "nl-nl": "Dutch - Netherlands",
	"hi-in": "Hindi - India", "ar-ae": "Arabic - United Arab Emirates",
}

// LocaleName is the display name of a locale code.
func LocaleName(code string) string {
	if n, ok := localeNames[code]; ok {
		return n
	}
	return code
}

// FallbackChain returns the locales an entry read in code falls back
// through: code itself, its fallback, the fallback's, and so on, ending
// with master. fallbacks maps each non-master locale to its fallback.
// A broken or cyclic chain goes straight to master.
func FallbackChain(code, master string, fallbacks map[string]string) []string {
	chain := []string{code}
	for cur := code; cur != master; {
		next := fallbacks[cur]
		if next == "" || len(chain) > len(fallbacks)+1 || slices.Contains(chain, next) {
			next = master
		}
		if next == master && slices.Contains(chain, master) {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

// ValidateFallback checks the fallback of locale code: the master locale
// has none; any other falls back to a locale of the stack (fallbacks
// holds every non-master locale and its fallback), never in a cycle back
// to itself.
func ValidateFallback(code, fallback, master string, fallbacks map[string]string) error {
	if code == master {
		if fallback != "" {
			return ErrInvalid("fallback_locale", "cannot be set on the master locale.")
		}
		return nil
	}
	if _, known := fallbacks[fallback]; !known && fallback != master {
		return ErrInvalid("fallback_locale", fmt.Sprintf("%q is not a language of this stack.", fallback))
	}
	for cur, steps := fallback, 0; cur != master && steps <= len(fallbacks); steps++ {
		if cur == code {
			return ErrInvalid("fallback_locale", fmt.Sprintf("%q falls back to %q: fallbacks cannot form a cycle.", fallback, code))
		}
		if cur = fallbacks[cur]; cur == "" {
			cur = master
		}
	}
	return nil
}
