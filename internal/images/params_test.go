package images

import (
	"net/url"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
)

func ptr[T any](v T) *T { return &v }

func TestParseValid(t *testing.T) {
	tests := []struct {
		query string
		want  Params
		norm  string
	}{
		{"", Params{}, ""},
		{"environment=prod&v=3", Params{}, ""},
		{"width=300", Params{Width: Dim{Px: 300}}, "width=300"},
		{"width=8192", Params{Width: Dim{Px: 8192}}, "width=8192"},
		{"width=0.5", Params{Width: frac(0.5)}, "width=50p"},
		{"width=.25", Params{Width: frac(0.25)}, "width=25p"},
		{"width=250p", Params{Width: frac(2.5)}, "width=250p"},
		{"width=50p", Params{Width: frac(0.5)}, "width=50p"},
		{"height=120", Params{Height: Dim{Px: 120}}, "height=120"},
		{"height=0.75", Params{Height: frac(0.75)}, "height=75p"},
		{"width=10&height=20&fit=bounds", Params{Width: Dim{Px: 10}, Height: Dim{Px: 20}, Fit: "bounds"}, "width=10&height=20&fit=bounds"},
		{"fit=crop", Params{Fit: "crop"}, "fit=crop"},
		{"fit=cover", Params{Fit: "cover"}, "fit=cover"},
		{"format=jpg", Params{Format: "jpg"}, ""},
		{"format=pjpg", Params{Format: "pjpg"}, ""},
		{"format=png", Params{Format: "png"}, ""},
		{"format=gif", Params{Format: "gif"}, ""},
		{"format=webp", Params{Format: "webp"}, ""},
		{"format=webpll", Params{Format: "webpll"}, ""},
		{"format=webply", Params{Format: "webply"}, ""},
		{"format=auto", Params{AutoWebP: true}, ""},
		{"auto=webp", Params{AutoWebP: true}, ""},
		{"quality=1", Params{Quality: 1}, "quality=1"},
		{"quality=100", Params{Quality: 100}, "quality=100"},
		{"dpr=2", Params{DPR: 2}, "dpr=2"},
		{"dpr=1.50", Params{DPR: 1.5}, "dpr=1.5"},
		{"dpr=0.5", Params{DPR: 0.5}, "dpr=0.5"},
		{"dpr=10000", Params{DPR: 10000}, "dpr=10000"},
		{"orient=1", Params{Orient: 1}, "orient=1"},
		{"orient=8", Params{Orient: 8}, "orient=8"},
		{"disable=upscale", Params{NoUpscale: true}, "disable=upscale"},
		{"trim=25", Params{Trim: &[4]Dim{{Px: 25}, {Px: 25}, {Px: 25}, {Px: 25}}}, "trim=25,25,25,25"},
		{"trim=25,50", Params{Trim: &[4]Dim{{Px: 25}, {Px: 50}, {Px: 25}, {Px: 50}}}, "trim=25,50,25,50"},
		{"trim=25,50,75", Params{Trim: &[4]Dim{{Px: 25}, {Px: 50}, {Px: 75}, {Px: 50}}}, "trim=25,50,75,50"},
		{"trim=25,50,75,100", Params{Trim: &[4]Dim{{Px: 25}, {Px: 50}, {Px: 75}, {Px: 100}}}, "trim=25,50,75,100"},
		{"trim=0.25,0", Params{Trim: &[4]Dim{frac(0.25), {}, frac(0.25), {}}}, "trim=25p,0p,25p,0p"},
		{"resize-filter=nearest", Params{Filter: "nearest"}, "resize-filter=nearest"},
		{"resize-filter=lanczos2", Params{Filter: "lanczos2"}, "resize-filter=lanczos2"},
		{"crop=300,400", Params{Crop: &Crop{W: Dim{Px: 300}, H: Dim{Px: 400}}}, "crop=300,400"},
		{"crop=0.5,60p", Params{Crop: &Crop{W: frac(0.5), H: frac(0.6)}}, "crop=50p,60p"},
		{"crop=4:3", Params{Crop: &Crop{Ratio: true, RatioW: 4, RatioH: 3}}, "crop=4:3"},
		{"crop=1.5:1,smart", Params{Crop: &Crop{Ratio: true, RatioW: 1.5, RatioH: 1, Smart: true}}, "crop=1.5:1,smart"},
		{"crop=300,400,x150,y75", Params{Crop: &Crop{W: Dim{Px: 300}, H: Dim{Px: 400},
			X: Pos{Abs: &Dim{Px: 150}}, Y: Pos{Abs: &Dim{Px: 75}}}}, "crop=300,400,x150,y75"},
		{"crop=300,400,x0.5,y0", Params{Crop: &Crop{W: Dim{Px: 300}, H: Dim{Px: 400},
			X: Pos{Abs: ptr(frac(0.5))}, Y: Pos{Abs: &Dim{}}}}, "crop=300,400,x50p,y0p"},
		{"crop=300,400,offset-x10,offset-y90.5,safe", Params{Crop: &Crop{W: Dim{Px: 300}, H: Dim{Px: 400},
			X: Pos{Offset: ptr(10.0)}, Y: Pos{Offset: ptr(90.5)}, Safe: true}}, "crop=300,400,offset-x10,offset-y90.5,safe"},
		{"crop=16:9,y10,offset-x50", Params{Crop: &Crop{Ratio: true, RatioW: 16, RatioH: 9,
			X: Pos{Offset: ptr(50.0)}, Y: Pos{Abs: &Dim{Px: 10}}}}, "crop=16:9,offset-x50,y10"},
		{"quality=80&width=300&auto=webp&height=200&fit=crop&disable=upscale&dpr=2&orient=6",
			Params{Width: Dim{Px: 300}, Height: Dim{Px: 200}, Fit: "crop", AutoWebP: true, Quality: 80, DPR: 2, Orient: 6, NoUpscale: true},
			"width=300&height=200&fit=crop&quality=80&dpr=2&orient=6&disable=upscale"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.query, diff)
			}
			if n := got.Normalized(); n != tc.norm {
				t.Errorf("Normalized() = %q, want %q", n, tc.norm)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		query string
		want  []string // the fields named in errors
	}{
		{"width=0", []string{"width"}},
		{"width=8193", []string{"width"}},
		{"width=-5", []string{"width"}},
		{"width=abc", []string{"width"}},
		{"width=", []string{"width"}},
		{"width=1.5", []string{"width"}},
		{"width=0p", []string{"width"}},
		{"width=0.0", []string{"width"}},
		{"width=1e3", []string{"width"}},
		{"width=300px", []string{"width"}},
		{"width=1&width=2", []string{"width"}},
		{"height=9000", []string{"height"}},
		{"height=x", []string{"height"}},
		{"fit=fill", []string{"fit"}},
		{"fit=", []string{"fit"}},
		{"format=bmp", []string{"format"}},
		{"format=avif", []string{"format"}},
		{"format=JPG", []string{"format"}},
		{"auto=avif", []string{"auto"}},
		{"auto=", []string{"auto"}},
		{"quality=0", []string{"quality"}},
		{"quality=101", []string{"quality"}},
		{"quality=85.5", []string{"quality"}},
		{"quality=+5", []string{"quality"}},
		{"dpr=0", []string{"dpr"}},
		{"dpr=10001", []string{"dpr"}},
		{"dpr=-1", []string{"dpr"}},
		{"dpr=NaN", []string{"dpr"}},
		{"dpr=Inf", []string{"dpr"}},
		{"dpr=1e2", []string{"dpr"}},
		{"orient=0", []string{"orient"}},
		{"orient=9", []string{"orient"}},
		{"orient=r", []string{"orient"}},
		{"disable=downscale", []string{"disable"}},
		{"trim=", []string{"trim"}},
		{"trim=1,2,3,4,5", []string{"trim"}},
		{"trim=1.5", []string{"trim"}},
		{"trim=-1", []string{"trim"}},
		{"trim=10,,10", []string{"trim"}},
		{"resize-filter=cubic", []string{"resize-filter"}},
		{"crop=", []string{"crop"}},
		{"crop=300", []string{"crop"}},
		{"crop=300,", []string{"crop"}},
		{"crop=0,10", []string{"crop"}},
		{"crop=1.5,10", []string{"crop"}},
		{"crop=200p,10", []string{"crop"}},
		{"crop=4:0", []string{"crop"}},
		{"crop=:3", []string{"crop"}},
		{"crop=a:b", []string{"crop"}},
		{"crop=300,400,x10,x20", []string{"crop"}},
		{"crop=300,400,x10,offset-x20", []string{"crop"}},
		{"crop=300,400,offset-y101", []string{"crop"}},
		{"crop=300,400,offset-y-1", []string{"crop"}},
		{"crop=300,400,z10", []string{"crop"}},
		{"crop=300,400,safe,safe", []string{"crop"}},
		{"crop=300,400,x1.5", []string{"crop"}},
		{"blur=5", []string{"blur"}},
		{"overlay=/a.png", []string{"overlay"}},
		{"pad=10", []string{"pad"}},
		{"bg-color=fff", []string{"bg-color"}},
		{"width=0&height=x&fit=no&quality=0&sharpen=1", []string{"fit", "height", "quality", "sharpen", "width"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(q)
			e, ok := domain.AsError(err)
			if !ok || e.Kind != domain.KindInvalid {
				t.Fatalf("Parse(%q) = %v, want a 422", tc.query, err)
			}
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fields named (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNormalizedSameImage: spellings of one request share one normalized
// text, so one cache entry.
func TestNormalizedSameImage(t *testing.T) {
	same := []string{"width=0.5&height=100", "height=100&width=50p", "width=.5&height=100&environment=x"}
	var first string
	for i, s := range same {
		q, _ := url.ParseQuery(s)
		p, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = p.Normalized()
		} else if p.Normalized() != first {
			t.Errorf("%q normalizes to %q, %q to %q", same[0], first, s, p.Normalized())
		}
	}
}

// frac is the Dim of a fraction of the source.
func frac(f float64) Dim { return Dim{Nano: int64(f*1e9 + 0.5)} }
