package images

import (
	"bytes"
	"image"
	"image/color"
	"runtime"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

// TestTransformSizes: the decoded size of the answer for each sizing
// parameter, fit mode, crop, trim and orientation, on a 400×200 PNG.
func TestTransformSizes(t *testing.T) {
	src := encoded(t, testImage(400, 200), fmtPNG)
	tests := []struct {
		query string
		w, h  int
	}{
		{"width=100", 100, 50},
		{"height=50", 100, 50},
		{"width=0.5", 200, 100},
		{"width=150p", 600, 300},
		{"width=100&height=100", 100, 100}, // no fit: stretched
		{"width=100&height=100&fit=bounds", 100, 50},
		{"width=100&height=100&fit=crop", 100, 100},
		{"width=100&height=100&fit=cover", 100, 100},
		{"width=300&height=50&fit=bounds", 100, 50},
		{"width=800", 800, 400},
		{"width=800&disable=upscale", 400, 200},
		{"width=1000&height=100&fit=bounds&disable=upscale", 200, 100},
		{"width=100&height=100&fit=crop&disable=upscale", 100, 100},
		{"width=1000&height=1000&fit=crop&disable=upscale", 200, 200},
		{"width=1000&height=300&disable=upscale", 400, 120}, // the aspect ratio asked for, no larger than the source
		{"width=100&dpr=2", 200, 100},
		{"height=50&dpr=1.5", 150, 75},
		{"dpr=3", 400, 200}, // dpr alone does nothing
		{"crop=100,50", 100, 50},
		{"crop=0.5,0.5", 200, 100},
		{"crop=1:1", 200, 200},
		{"crop=2:1&width=100", 100, 50},
		{"crop=300,400,safe", 300, 200},
		{"crop=100,100,x350,y150,safe", 50, 50},
		{"trim=10,20", 360, 180},
		{"trim=0.25", 200, 100},
		{"orient=6", 200, 400},
		{"orient=8&width=100", 100, 200},
		{"orient=3", 400, 200},
		{"quality=10", 400, 200},
		{"resize-filter=nearest&width=40", 40, 20},
		{"trim=10&crop=1:1&orient=5&width=90", 90, 90},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			out, err := Transform(bytes.NewReader(src), mustParse(t, tc.query), "png")
			if err != nil {
				t.Fatal(err)
			}
			b := decodeOutput(t, out, fmtPNG).Bounds()
			if b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("%s: %d×%d, want %d×%d", tc.query, b.Dx(), b.Dy(), tc.w, tc.h)
			}
		})
	}
}

// TestTransformFormats: every input format decodes and every output format
// encodes, at the size asked for.
func TestTransformFormats(t *testing.T) {
	img := testImage(64, 32)
	for _, in := range []string{fmtPNG, fmtJPEG, fmtGIF, fmtWebP} {
		for _, out := range []struct{ format, magic string }{
			{"jpg", fmtJPEG}, {"pjpg", fmtJPEG}, {"png", fmtPNG}, {"gif", fmtGIF},
			{"webp", fmtWebP}, {"webpll", fmtWebP}, {"webply", fmtWebP},
		} {
			t.Run(in+"→"+out.format, func(t *testing.T) {
				got, err := Transform(bytes.NewReader(encoded(t, img, in)), mustParse(t, "width=32&quality=90"), out.format)
				if err != nil {
					t.Fatal(err)
				}
				if b := decodeOutput(t, got, out.magic).Bounds(); b.Dx() != 32 || b.Dy() != 16 {
					t.Errorf("%d×%d, want 32×16", b.Dx(), b.Dy())
				}
			})
		}
	}
}

// TestTransformPixels: crop, trim and orient move the parts of the image
// where the parameters say (checked on the lossless PNG output).
func TestTransformPixels(t *testing.T) {
	src := encoded(t, testImage(400, 200), fmtPNG)
	tests := []struct {
		query string
		at    image.Point // a pixel of the answer
		want  color.NRGBA
	}{
		{"crop=200,100,x200,y0", image.Pt(0, 0), green},
		{"crop=200,100,x200,y0", image.Pt(199, 99), green},
		{"crop=100,100,offset-x0,offset-y100", image.Pt(50, 50), blue},
		{"crop=100,100,offset-x100,offset-y100", image.Pt(50, 50), white},
		{"crop=1:1,offset-x100", image.Pt(199, 0), green},
		{"trim=0,0,100,200", image.Pt(0, 0), green},
		{"orient=2", image.Pt(0, 0), green},
		{"orient=3", image.Pt(0, 0), white},
		{"orient=4", image.Pt(0, 0), blue},
		{"orient=6", image.Pt(0, 0), blue},  // turned right: the bottom-left corner comes to the top left
		{"orient=8", image.Pt(0, 0), green}, // turned left
		{"orient=5", image.Pt(0, 0), red},   // transposed
		{"orient=7", image.Pt(0, 0), white}, // transversed
		{"orient=6", image.Pt(199, 0), red}, // and the top left to the top right
		{"orient=8", image.Pt(0, 399), red}, // or to the bottom left
		{"orient=1", image.Pt(399, 199), white},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			out, err := Transform(bytes.NewReader(src), mustParse(t, tc.query), "png")
			if err != nil {
				t.Fatal(err)
			}
			img := decodeOutput(t, out, fmtPNG)
			if got := color.NRGBAModel.Convert(img.At(tc.at.X, tc.at.Y)).(color.NRGBA); got != tc.want {
				t.Errorf("pixel %v = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

// TestTransformEXIFOrientation: a JPEG whose EXIF says "turned right" is
// turned before the parameters apply.
func TestTransformEXIFOrientation(t *testing.T) {
	src := jpegWithOrientation(t, testImage(80, 40), 6)
	out, err := Transform(bytes.NewReader(src), mustParse(t, "width=20"), "png")
	if err != nil {
		t.Fatal(err)
	}
	if b := decodeOutput(t, out, fmtPNG).Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Errorf("%d×%d, want 20×40 (the 80×40 source turned upright)", b.Dx(), b.Dy())
	}
}

// TestTransformRefusals: each refusal is a 422 naming the cause, never
// another error.
func TestTransformRefusals(t *testing.T) {
	png := encoded(t, testImage(400, 200), fmtPNG)
	tests := []struct {
		name  string
		src   []byte
		query string
		field string
	}{
		{"bomb 100000×100000", pngBomb(100000, 100000), "width=10", "image"},
		{"bomb just over 50 MP", pngBomb(10000, 5001), "width=10", "image"},
		{"not an image", []byte("hello, not an image"), "width=10", "image"},
		{"truncated", png[:len(png)/2], "width=10", "image"},
		{"wider than 8000", png, "width=8001", "width"},
		{"dpr over the bound", png, "width=5000&dpr=2", "width"},
		{"height over the bound", png, "width=10&height=8001", "height"},
		{"proportional height over the bound", png, "orient=6&width=4001", "height"},
		{"percentage over the bound", png, "width=2001p", "width"},
		{"crop outside", png, "crop=500,100", "crop"},
		{"crop position outside", png, "crop=100,100,x350", "crop"},
		{"crop safe but nothing left", png, "crop=100,100,x400,safe", "crop"},
		{"trim everything", png, "trim=100,200", "trim"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Transform(bytes.NewReader(tc.src), mustParse(t, tc.query), "png")
			e, ok := domain.AsError(err)
			if !ok || e.Kind != domain.KindInvalid || len(e.Fields[tc.field]) == 0 {
				t.Fatalf("Transform(%s, %s) = %v, want a 422 naming %s", tc.name, tc.query, err, tc.field)
			}
		})
	}
}

// TestTransformBombAllocatesNothing: a header claiming 100000×100000
// pixels (40 GB of RGBA) is refused from its header, before any pixel
// buffer exists (BenchmarkTransformBomb measures how long that takes).
func TestTransformBombAllocatesNothing(t *testing.T) {
	bomb := pngBomb(100000, 100000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Transform(bytes.NewReader(bomb), Params{Width: Dim{Px: 10}}, "png")
	runtime.ReadMemStats(&after)
	if e, ok := domain.AsError(err); !ok || len(e.Fields["image"]) == 0 {
		t.Fatalf("bomb: %v, want a 422 naming image", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("the refusal allocated %d bytes", n)
	}
}

func BenchmarkTransformBomb(b *testing.B) {
	bomb := pngBomb(100000, 100000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Transform(bytes.NewReader(bomb), Params{Width: Dim{Px: 10}}, "png"); err == nil {
			b.Fatal("bomb transformed")
		}
	}
}

func TestOutputFormat(t *testing.T) {
	tests := []struct {
		query, source string
		webp          bool
		want          string
	}{
		{"width=1", "image/jpeg", true, "jpg"},
		{"width=1", "image/png", true, "png"},
		{"width=1", "image/gif", false, "gif"},
		{"width=1", "image/webp", false, "webp"},
		{"format=png", "image/jpeg", true, "png"},
		{"auto=webp", "image/jpeg", true, "webp"},
		{"auto=webp", "image/jpeg", false, "jpg"},
		{"auto=webp&format=pjpg", "image/png", true, "webp"},
		{"auto=webp&format=pjpg", "image/png", false, "pjpg"},
		{"auto=webp&format=webpll", "image/png", true, "webpll"},
		{"format=auto", "image/png", true, "webp"},
		{"format=auto", "image/png", false, "png"},
	}
	for _, tc := range tests {
		if got := OutputFormat(mustParse(t, tc.query), tc.source, tc.webp); got != tc.want {
			t.Errorf("OutputFormat(%s, %s, %v) = %s, want %s", tc.query, tc.source, tc.webp, got, tc.want)
		}
	}
}

func TestAcceptsWebP(t *testing.T) {
	for accept, want := range map[string]bool{
		"image/avif,image/webp,image/apng,*/*;q=0.8": true,
		"image/webp;q=0.5":                           true,
		"IMAGE/WEBP":                                 true,
		"image/webp;q=0":                             false,
		"image/webp; q=0.0":                          false,
		"image/png,*/*":                              false,
		"":                                           false,
	} {
		if got := AcceptsWebP(accept); got != want {
			t.Errorf("AcceptsWebP(%q) = %v, want %v", accept, got, want)
		}
	}
}

func TestDimensions(t *testing.T) {
	for _, f := range []string{fmtPNG, fmtJPEG, fmtGIF, fmtWebP} {
		w, h, ok := Dimensions(bytes.NewReader(encoded(t, testImage(30, 20), f)))
		if !ok || w != 30 || h != 20 {
			t.Errorf("%s: %d×%d %v, want 30×20", f, w, h, ok)
		}
	}
	if w, h, ok := Dimensions(bytes.NewReader(pngBomb(100000, 100000))); !ok || w != 100000 || h != 100000 {
		t.Errorf("header only: %d×%d %v", w, h, ok)
	}
	if _, _, ok := Dimensions(bytes.NewReader([]byte("<svg/>"))); ok {
		t.Error("an SVG has no dimensions here")
	}
}

// TestTransformJPEGFlattensAlpha: a transparent pixel becomes white in a
// JPEG answer (which has no alpha), not black.
func TestTransformJPEGFlattensAlpha(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16)) // all transparent
	out, err := Transform(bytes.NewReader(encoded(t, img, fmtPNG)), mustParse(t, "quality=100"), "jpg")
	if err != nil {
		t.Fatal(err)
	}
	c := color.NRGBAModel.Convert(decodeOutput(t, out, fmtJPEG).At(8, 8)).(color.NRGBA)
	if c.R < 250 || c.G < 250 || c.B < 250 {
		t.Errorf("transparent pixel became %v, want white", c)
	}
}
