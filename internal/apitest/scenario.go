package apitest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Scenario is one request and what must come back.
type Scenario struct {
	Name       string
	Method     string
	Path       string
	Headers    map[string]string
	Body       any // nil, raw JSON string, or a value to marshal
	WantStatus int
	WantCode   int            // the error_code, for error answers
	WantJSON   map[string]any // a subset the answer must contain ({name} placeholders expanded)
}

// Run runs the scenarios in order as subtests (later ones may depend on
// the effects of earlier ones).
func (e *Env) Run(t *testing.T, scenarios []Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			status, body := e.Do(sc.Method, sc.Path, sc.Headers, sc.Body)
			if status != sc.WantStatus {
				t.Fatalf("%s %s: status %d, want %d; body %v", sc.Method, sc.Path, status, sc.WantStatus, body)
			}
			if sc.WantCode != 0 {
				CheckError(t, body, sc.WantCode)
			}
			if sc.WantJSON != nil {
				if diff := Subset(e.expandAny(sc.WantJSON), body); diff != "" {
					t.Errorf("%s %s: answer differs: %s\nbody: %v", sc.Method, sc.Path, diff, body)
				}
			}
		})
	}
}

// CheckError asserts that body is a Contentstack error with code.
func CheckError(t testing.TB, body map[string]any, code int) {
	t.Helper()
	if _, ok := body["error_message"].(string); !ok {
		t.Errorf("error body has no error_message string: %v", body)
	}
	if _, ok := body["errors"].(map[string]any); !ok {
		t.Errorf("error body has no errors object: %v", body)
	}
	if got, _ := body["error_code"].(float64); int(got) != code {
		t.Errorf("error_code = %v, want %d (body %v)", body["error_code"], code, body)
	}
}

func (e *Env) expandAny(v any) any {
	switch x := v.(type) {
	case string:
		return e.Expand(x)
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			out[k] = e.expandAny(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = e.expandAny(val)
		}
		return out
	}
	return v
}

// Subset reports how got fails to contain want: every key of a wanted
// object must be present with a matching value; numbers compare as float64;
// arrays must match element by element.
func Subset(want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("want an object, got %T", got)
		}
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				return fmt.Sprintf("key %q missing", k)
			}
			if d := Subset(wv, gv); d != "" {
				return k + ": " + d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("want %d-element array, got %v", len(w), got)
		}
		for i := range w {
			if d := Subset(w[i], g[i]); d != "" {
				return fmt.Sprintf("[%d]: %s", i, d)
			}
		}
		return ""
	case int:
		return Subset(float64(w), got)
	}
	if !cmp.Equal(want, got) {
		return fmt.Sprintf("want %#v, got %#v", want, got)
	}
	return ""
}
