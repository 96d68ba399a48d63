package api_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "golang.org/x/image/webp" // decodes the WebP answers

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/images"
)

// imagesEnv is a stack with an owner ({owner}, {api_key}).
func imagesEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	e.Vars["owner"] = e.Login("owner@example.com")
	e.Vars["api_key"] = e.CreateStack(e.Vars["owner"], "Images")
}

// solidPNG is a w×h PNG of one colour.
func solidPNG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadImage uploads a PNG and returns its public URL (relative).
func uploadImage(t *testing.T, e *apitest.Env, name string, data []byte) string {
	t.Helper()
	as := upload(t, e, name, apitest.Form{apitest.FilePart(name+".png", "image/png", data)})
	u := as["url"].(string)
	return u[strings.Index(u, "/assets/"):]
}

// get fetches a URL from the CMA handler with extra headers.
func get(e *apitest.Env, url string, h map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", url, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	return rec
}

// decodedSize decodes an image answer and returns its size and the colour
// of its top-left pixel.
func decodedSize(t *testing.T, rec *httptest.ResponseRecorder) (string, int, int, color.NRGBA) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("answer does not decode (%d %s): %v", rec.Code, rec.Header().Get("Content-Type"), err)
	}
	return format, img.Bounds().Dx(), img.Bounds().Dy(), color.NRGBAModel.Convert(img.At(0, 0)).(color.NRGBA)
}

func TestImageTransformsOnPublicURL(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		u := uploadImage(t, e, "img", solidPNG(t, 400, 200, color.NRGBA{200, 30, 30, 255}))
		tests := []struct {
			query, accept, wantType, wantFormat string
			w, h                                int
		}{
			{"width=100", "", "image/png", "png", 100, 50},
			{"height=50&format=jpg", "", "image/jpeg", "jpeg", 100, 50},
			{"width=100&height=100&fit=bounds", "", "image/png", "png", 100, 50},
			{"width=100&height=100&fit=crop&format=gif", "", "image/gif", "gif", 100, 100},
			{"width=100&format=webp&quality=70", "", "image/webp", "webp", 100, 50},
			{"width=100&auto=webp", "image/webp,*/*", "image/webp", "webp", 100, 50},
			{"width=100&auto=webp", "image/png", "image/png", "png", 100, 50},
			{"width=50&dpr=2&orient=6", "", "image/png", "png", 100, 200},
			{"crop=1:1&trim=10&disable=upscale&width=1000", "", "image/png", "png", 180, 180},
			{"width=100&environment=production&v=3", "", "image/png", "png", 100, 50},
		}
		for _, tc := range tests {
			rec := get(e, u+"?"+tc.query, map[string]string{"Accept": tc.accept})
			if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.wantType {
				t.Errorf("%s: %d %s, want 200 %s: %s", tc.query, rec.Code, rec.Header().Get("Content-Type"), tc.wantType, rec.Body)
				continue
			}
			format, w, h, _ := decodedSize(t, rec)
			if format != tc.wantFormat || w != tc.w || h != tc.h {
				t.Errorf("%s: %s %d×%d, want %s %d×%d", tc.query, format, w, h, tc.wantFormat, tc.w, tc.h)
			}
		}
	})
}

// TestImageBadParameters: each bad value is a 422 with the Contentstack
// error body naming every bad parameter, on images and other files alike.
func TestImageBadParameters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		img := uploadImage(t, e, "img", solidPNG(t, 40, 20, color.White))
		txt := upload(t, e, "txt", apitest.Form{apitest.FilePart("a.txt", "text/plain", []byte("plain text"))})["url"].(string)
		txt = txt[strings.Index(txt, "/assets/"):]
		tests := []struct {
			url    string
			fields []string
		}{
			{img + "?width=abc", []string{"width"}},
			{img + "?height=0", []string{"height"}},
			{img + "?fit=stretch", []string{"fit"}},
			{img + "?crop=10", []string{"crop"}},
			{img + "?format=tiff", []string{"format"}},
			{img + "?quality=101", []string{"quality"}},
			{img + "?auto=png", []string{"auto"}},
			{img + "?dpr=0", []string{"dpr"}},
			{img + "?orient=9", []string{"orient"}},
			{img + "?disable=everything", []string{"disable"}},
			{img + "?trim=1,2,3,4,5", []string{"trim"}},
			{img + "?blur=3", []string{"blur"}},
			{img + "?width=1&width=2", []string{"width"}},
			{img + "?width=9000&quality=0&orient=x", []string{"orient", "quality", "width"}},
			{img + "?width=8000&height=8000&dpr=2", []string{"width"}},
			{img + "?crop=100,100", []string{"crop"}},
			{img + "?trim=20", []string{"trim"}},
			{txt + "?width=abc", []string{"width"}},
		}
		for _, tc := range tests {
			rec := get(e, tc.url, nil)
			body := decode(t, rec)
			errs, _ := body["errors"].(map[string]any)
			var got []string
			for k := range errs {
				got = append(got, k)
			}
			sort.Strings(got)
			if rec.Code != 422 || body["error_message"] == nil || body["error_code"] == nil || !cmp.Equal(got, tc.fields) {
				t.Errorf("%s: %d %v, want 422 naming %v", tc.url, rec.Code, body, tc.fields)
			}
		}
		// Valid parameters on a file that is not an image: the file as it is.
		if rec := get(e, txt+"?width=10", nil); rec.Code != 200 || rec.Body.String() != "plain text" {
			t.Errorf("text file with width: %d %q", rec.Code, rec.Body)
		}
	})
}

// TestImageBombOnPublicURL: an uploaded PNG whose header claims
// 100000×100000 pixels is refused with a 422 from its header.
func TestImageBombOnPublicURL(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		small := solidPNG(t, 2, 2, color.White)
		ihdr := append([]byte("IHDR"), 0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0) // 100000×100000
		ihdr = append(ihdr, small[24:29]...)                               // depth, colour type, methods
		bomb := append([]byte{}, small[:12]...)                            // signature, IHDR length
		bomb = append(bomb, ihdr...)
		bomb = binary.BigEndian.AppendUint32(bomb, crc32.ChecksumIEEE(ihdr))
		bomb = append(bomb, small[33:]...) // the small image's data: far too little for the size claimed
		u := uploadImage(t, e, "bomb", bomb)
		rec := get(e, u+"?width=100", nil)
		if body := decode(t, rec); rec.Code != 422 || !strings.Contains(fmt.Sprint(body["errors"]), "megapixels") {
			t.Errorf("bomb: %d %v, want 422 naming image", rec.Code, body)
		}
		if rec := get(e, u, nil); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), bomb) {
			t.Errorf("the untransformed file: %d", rec.Code)
		}
	})
}

// TestImageVariantHeaders: a variant has its own ETag and answers 304 to
// it, keeps Last-Modified, If-Modified-Since and ranges as the file does,
// and says Vary: Accept when its format depends on Accept.
func TestImageVariantHeaders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		u := uploadImage(t, e, "img", solidPNG(t, 40, 20, color.White))
		file := get(e, u, nil)
		first := get(e, u+"?width=10", nil)
		etag := first.Header().Get("ETag")
		if first.Code != 200 || etag == "" || etag == file.Header().Get("ETag") || first.Header().Get("Vary") != "" {
			t.Fatalf("variant: %d ETag %q (file %q) Vary %q", first.Code, etag, file.Header().Get("ETag"), first.Header().Get("Vary"))
		}
		if lm := first.Header().Get("Last-Modified"); lm == "" || lm != file.Header().Get("Last-Modified") {
			t.Errorf("Last-Modified %q, the file's %q", lm, file.Header().Get("Last-Modified"))
		}
		if cd := first.Header().Get("Content-Disposition"); cd != "inline; filename=img.png" {
			t.Errorf("Content-Disposition %q", cd)
		}
		if again := get(e, u+"?width=10", nil); again.Header().Get("ETag") != etag || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
			t.Error("the same variant changed between requests")
		}
		if other := get(e, u+"?width=11", nil); other.Header().Get("ETag") == etag {
			t.Error("two variants share an ETag")
		}
		if rec := get(e, u+"?width=10", map[string]string{"If-None-Match": etag}); rec.Code != 304 || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match: %d", rec.Code)
		}
		if rec := get(e, u+"?width=10", map[string]string{"If-Modified-Since": first.Header().Get("Last-Modified")}); rec.Code != 304 {
			t.Errorf("If-Modified-Since: %d", rec.Code)
		}
		rec := get(e, u+"?width=10", map[string]string{"Range": "bytes=1-3"})
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "PNG" {
			t.Errorf("range: %d %q", rec.Code, rec.Body)
		}
		webp := get(e, u+"?width=10&auto=webp", map[string]string{"Accept": "image/webp"})
		plain := get(e, u+"?width=10&auto=webp", map[string]string{"Accept": "image/png"})
		if webp.Header().Get("Vary") != "Accept" || plain.Header().Get("Vary") != "Accept" ||
			webp.Header().Get("ETag") == plain.Header().Get("ETag") || webp.Header().Get("Content-Type") != "image/webp" {
			t.Errorf("auto=webp: Vary %q/%q, ETag %q/%q, type %q", webp.Header().Get("Vary"), plain.Header().Get("Vary"),
				webp.Header().Get("ETag"), plain.Header().Get("ETag"), webp.Header().Get("Content-Type"))
		}
		if cd := webp.Header().Get("Content-Disposition"); cd != "inline; filename=img.webp" {
			t.Errorf("webp Content-Disposition %q", cd)
		}
	})
}

// TestImageCacheAndReplacedFile: a variant is made once and then read from
// the cache; after the file is replaced, the new URL's variant is made from
// the new file, never the cached one, and the old URL keeps its own.
func TestImageCacheAndReplacedFile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		cache := apitest.Deps(e).Images.Cache()
		red, green := color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 255, 0, 255}
		oldURL := uploadImage(t, e, "img", solidPNG(t, 40, 20, red))
		get(e, oldURL+"?width=10", nil)
		if _, n := cache.Size(); n != 1 {
			t.Fatalf("%d variants cached after one transform", n)
		}
		get(e, oldURL+"?width=10&environment=x", nil) // the same variant
		if _, n := cache.Size(); n != 1 {
			t.Fatalf("%d variants cached after a repeat", n)
		}
		as := mustDo(t, e, "PUT", "/v3/assets/{img}", hdr("owner", "api_key"),
			apitest.Form{apitest.FilePart("img.png", "image/png", solidPNG(t, 80, 40, green))}, 200)["asset"].(map[string]any)
		newURL := as["url"].(string)
		newURL = newURL[strings.Index(newURL, "/assets/"):]
		if newURL == oldURL {
			t.Fatal("the replaced file kept its URL")
		}
		_, w, h, px := decodedSize(t, get(e, newURL+"?width=10", nil))
		if w != 10 || h != 5 || px != green {
			t.Errorf("new file's variant: %d×%d %v, want 10×5 green", w, h, px)
		}
		_, w, h, px = decodedSize(t, get(e, oldURL+"?width=10", nil))
		if w != 10 || h != 5 || px != red {
			t.Errorf("old URL's variant: %d×%d %v, want 10×5 red", w, h, px)
		}
		if _, n := cache.Size(); n != 2 {
			t.Errorf("%d variants cached, want 2 (one per file)", n)
		}
	})
}

// TestImageCacheEvictionThroughAPI: asking for width=1…N fills the cache
// only up to its bound; the least recently used variants go first.
func TestImageCacheEvictionThroughAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		u := uploadImage(t, e, "img", solidPNG(t, 40, 20, color.NRGBA{10, 20, 30, 255}))
		const bound = 2000
		cache, err := images.OpenCache(t.TempDir(), bound)
		if err != nil {
			t.Fatal(err)
		}
		deps := apitest.Deps(e)
		deps.Images = images.NewService(cache, images.DefaultConcurrency, nil)
		h := api.New(deps)
		for w := 1; w <= 40; w++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", u+"?width="+strconv.Itoa(w), nil))
			if rec.Code != 200 {
				t.Fatalf("width %d: %d", w, rec.Code)
			}
			if size, _ := cache.Size(); size > bound {
				t.Fatalf("after width=%d the cache holds %d bytes, over its bound %d", w, size, bound)
			}
		}
		size, n := cache.Size()
		if n >= 40 || size < bound/2 {
			t.Errorf("cache holds %d variants, %d bytes: nothing was evicted, or too much", n, size)
		}
	})
}

// TestAssetIncludeDimension: an image's size is read at upload and at
// replace, kept per version, and shown as dimension only when asked for.
func TestAssetIncludeDimension(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		imagesEnv(t, e)
		uploadImage(t, e, "img", solidPNG(t, 40, 20, color.White))
		upload(t, e, "txt", apitest.Form{apitest.FilePart("a.txt", "text/plain", []byte("plain text"))})
		owner := hdr("owner", "api_key")
		dim := func(path string) any {
			t.Helper()
			return mustDo(t, e, "GET", path, owner, nil, 200)["asset"].(map[string]any)["dimension"]
		}
		want := map[string]any{"height": float64(20), "width": float64(40)}
		if got := dim("/v3/assets/{img}?include_dimension=true"); !cmp.Equal(got, want) {
			t.Errorf("dimension = %v, want %v", got, want)
		}
		if got := dim("/v3/assets/{img}"); got != nil {
			t.Errorf("dimension without include_dimension: %v", got)
		}
		if got := dim("/v3/assets/{txt}?include_dimension=true"); got != nil {
			t.Errorf("a text file has dimension %v", got)
		}
		list := mustDo(t, e, "GET", "/v3/assets?include_dimension=true", owner, nil, 200)["assets"].([]any)
		for _, it := range list {
			m := it.(map[string]any)
			if (m["uid"] == e.Vars["img"]) != (m["dimension"] != nil) {
				t.Errorf("list item %v: dimension %v", m["filename"], m["dimension"])
			}
		}
		replaced := mustDo(t, e, "PUT", "/v3/assets/{img}?include_dimension=true", owner,
			apitest.Form{apitest.FilePart("img.png", "image/png", solidPNG(t, 80, 30, color.White))}, 200)["asset"].(map[string]any)
		if got := replaced["dimension"]; !cmp.Equal(got, map[string]any{"height": float64(30), "width": float64(80)}) {
			t.Errorf("after replace: %v", got)
		}
		if got := dim("/v3/assets/{img}?version=1&include_dimension=true"); !cmp.Equal(got, want) {
			t.Errorf("version 1: %v, want %v", got, want)
		}
		mustDo(t, e, "PUT", "/v3/assets/{img}", owner, map[string]any{"asset": map[string]any{"title": "renamed"}}, 200)
		if got := dim("/v3/assets/{img}?include_dimension=true"); !cmp.Equal(got, map[string]any{"height": float64(30), "width": float64(80)}) {
			t.Errorf("after a metadata update: %v", got)
		}
	})
}
