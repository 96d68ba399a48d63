package images

import (
	"net/url"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

// FuzzParse: any query either parses or is a 422 naming at least one
// parameter, never a panic; what parses normalizes to a text that parses
// back to the same normalized text, and its geometry on a small image is
// either planned or a 422 (never a panic, never an answer over the bound).
// Seeds: testdata/fuzz/FuzzParse and the cases below.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"width=300&height=200&fit=crop", "width=0.5&dpr=2", "crop=4:3,offset-x10,safe", "crop=300,400,x150,y75",
		"trim=25,50,75,100", "format=webp&quality=80&auto=webp", "orient=6&disable=upscale", "width=250p&height=.25",
		"resize-filter=lanczos2&width=8192&dpr=10000", "crop=0.5,60p,x0.5,y0p,smart",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, err := Parse(q)
		if err != nil {
			if e, ok := domain.AsError(err); !ok || e.Kind != domain.KindInvalid || len(e.Fields) == 0 {
				t.Fatalf("Parse(%q) = %v, want a 422 naming a parameter", query, err)
			}
			return
		}
		again, err := url.ParseQuery(p.Normalized())
		if err != nil {
			t.Fatalf("normalized %q does not parse as a query: %v", p.Normalized(), err)
		}
		p2, err := Parse(again)
		if err != nil || p2.Normalized() != p.Normalized() {
			t.Fatalf("normalized %q parses to %q, %v", p.Normalized(), p2.Normalized(), err)
		}
		s, err := planResize(640, 480, p)
		if err == nil && (s.W > MaxOutputSide || s.H > MaxOutputSide || s.W < 1 || s.H < 1) {
			t.Fatalf("planResize(640, 480, %q) = %+v", query, s)
		}
	})
}
