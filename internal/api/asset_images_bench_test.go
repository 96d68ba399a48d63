package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// BenchmarkImageFromCache compares the public URL of a 640×480 JPEG photo
// stand-in (noise, about 200 KB) served as it is with a 320-pixel-wide
// variant of it served from the variant cache. The goal: the
// variant at least half the file's rate.
func BenchmarkImageFromCache(b *testing.B) {
	e := apitest.New(b, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	tok := e.Login("owner@example.com")
	key := e.CreateStack(tok, "Bench")
	status, body := e.Do("POST", "/v3/assets", map[string]string{"authtoken": tok, "api_key": key},
		apitest.Form{apitest.FilePart("photo.jpg", "image/jpeg", noiseJPEG(b, 640, 480))})
	if status != 201 {
		b.Fatal(status, body)
	}
	u := body["asset"].(map[string]any)["url"].(string)
	u = u[strings.Index(u, "/assets/"):]
	for _, bc := range []struct{ name, query string }{{"file", ""}, {"variant_cached", "?width=320&quality=80"}, {"variant_cached_same_size", "?format=jpg&quality=60"}} {
		b.Run(bc.name, func(b *testing.B) {
			serve(b, e, u+bc.query) // the first request makes the variant
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				serve(b, e, u+bc.query)
			}
		})
	}
}

func serve(b *testing.B, e *apitest.Env, url string) {
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	if rec.Code != 200 || rec.Body.Len() == 0 {
		b.Fatal(rec.Code, rec.Body.String())
	}
}

// noiseJPEG is a w×h JPEG of random pixels: it compresses as badly as a
// detailed photograph.
func noiseJPEG(b *testing.B, w, h int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		b.Fatal(err)
	}
	if buf.Len() > apitest.MaxUpload {
		b.Fatalf("test image is %d bytes, over the upload limit", buf.Len())
	}
	return buf.Bytes()
}
