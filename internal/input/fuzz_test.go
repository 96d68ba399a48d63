package input

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/files"
)

// Fuzz targets for what clients send to the HTTP layer. Their common
// property: a refusal is always a domain error of a client kind (so the
// answer is a 4xx with the error body, never a 500), and what is accepted
// is within the bounds the store relies on.

// checkClientError fails unless err is a domain error of one of kinds.
func checkClientError(t *testing.T, what string, err error, kinds ...domain.Kind) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok {
		t.Fatalf("%s: %v (%T); want a domain error (a 500 otherwise)", what, err, err)
	}
	for _, k := range kinds {
		if e.Kind == k {
			return
		}
	}
	t.Fatalf("%s: %v has kind %d; want one of %v", what, err, e.Kind, kinds)
}

// FuzzListParams: skip, limit and version parameters in any spelling are
// refused with a 422 naming the parameter, or read into the bounds the
// store takes: 0 ≤ skip ≤ 2^31-1, 1 ≤ limit ≤ 100, 1 ≤ version ≤ 2^31-1.
func FuzzListParams(f *testing.F) {
	for _, s := range []string{
		"", "skip=0&limit=100", "skip=1e+100&limit=100", "skip=200&limit=50&include_count=true&asc=updated_at",
		"limit=0", "limit=1000", "limit=-1", "skip=abc", "skip=NaN", "skip=Inf", "skip=0x10", "skip=1_000",
		"count=true", "desc=title&locale=fr-fr", "version=3", "version=99999999999", "version=-1", "version=1.5",
		"skip=%00", "limit=%FF", "skip=1&skip=2", "skip=9223372036854775807", "skip=1e-400", "limit=1e308",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as r.URL.Query() reads it
		p, err := ParseList(q)
		if err != nil {
			checkClientError(t, "ParseList", err, domain.KindInvalid)
		} else if p.Skip < 0 || p.Skip > maxSkip || p.Limit < 1 || p.Limit > MaxLimit {
			t.Fatalf("ParseList(%q) = skip %d, limit %d: out of bounds", raw, p.Skip, p.Limit)
		}
		v, err := Version(q.Get("version"), "version", true)
		switch {
		case err != nil:
			checkClientError(t, "Version", err, domain.KindInvalid)
		case v < 0 || v > MaxVersion || (v == 0) != (q.Get("version") == ""):
			t.Fatalf("Version(%q) = %d: out of bounds", q.Get("version"), v)
		}
	})
}

// FuzzProjection: only[BASE][] and except[BASE][] never panic, never
// change the entry they project, keep uid, and add no field.
func FuzzProjection(f *testing.F) {
	entry := `{"uid":"blt1","title":"Alpha","url":"/a","author":{"name":"Ann","age":30},
		"editors":[{"name":"Eve","role":"lead"},{"name":"Ed"}],"sections":[{"hero":{"title":"Hi","body":"x"}}],"tags":["a"]}`
	for _, s := range []string{
		"only[BASE][]=title", "only[BASE][]=author.name&only[BASE][]=url", "only[BASE][0]=editors.name",
		"except[BASE][]=author.age&except[BASE][]=uid", "except[BASE][]=editors.role", "only[BASE][]=sections.hero.title",
		"only[BASE][]=&except[BASE][]=.", "only[BASE][]=a..b", "only[BASE][]=uid&except[BASE][]=uid", "only[BASE]=title",
		"only[BASE][]=title.x.y.z", "except[BASE][]=tags.0",
	} {
		f.Add(s, entry)
	}
	f.Add("only[BASE][]=a", `{"a":[[{"b":1}]],"uid":null}`)
	f.Fuzz(func(t *testing.T, raw, entry string) {
		q, _ := url.ParseQuery(raw)
		var m, orig map[string]any
		if json.Unmarshal([]byte(entry), &m) != nil || m == nil {
			return
		}
		_ = json.Unmarshal([]byte(entry), &orig)
		p := ParseProjection(q)
		out := p.Apply(m)
		if diff := cmp.Diff(orig, m); diff != "" {
			t.Fatalf("Apply changed the entry it projects (-before +after):\n%s", diff)
		}
		if uid, ok := m["uid"]; ok && !cmp.Equal(out["uid"], uid) {
			t.Fatalf("uid %v lost: %v", uid, out)
		}
		for k := range out {
			if _, ok := m[k]; !ok && k != "uid" {
				t.Fatalf("Apply added %q: %v", k, out)
			}
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("projected entry does not marshal: %v", err)
		}
	})
}

// jsonRequest is a request with body as its JSON body, capped as the
// middleware caps bodies.
func jsonRequest(contentType, body string) *http.Request {
	r := httptest.NewRequest("POST", "/v3/bulk/publish", strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 64<<10)
	return r
}

var jsonClientKinds = []domain.Kind{domain.KindBadRequest, domain.KindInvalid, domain.KindTooLarge}

// FuzzPublishBody: a publish body is refused with a 4xx, or read into
// clean, distinct locale codes (at most the publish limit), a version in
// range and a schedule in the future or none.
func FuzzPublishBody(f *testing.F) {
	for _, s := range []string{
		`{"entry":{"environments":["development"],"locales":["en-us","fr-fr"]},"locale":"en-us","version":3}`,
		`{"entry":{"environments":["production"],"locales":["en-us"]},"scheduled_at":"2030-01-02T15:04:05.000Z","version":"2"}`,
		`{"asset":{"environments":["development"]},"version":1}`, `{"entry":{"environments":["development"],"locales":["en-us","en-us"]}}`,
		`{"entry":{"environments":"development"}}`, `{"entry":{"locales":[""]}}`, `{"version":"abc"}`, `{"version":99999999999}`,
		`{"version":-1}`, `{"version":1.5}`, `{"scheduled_at":"tomorrow"}`, `{"scheduled_at":"2001-01-01T00:00:00Z"}`,
		`{"entry":{"locales":["\u0000"]}}`, ``, `null`, `[]`, `{"entry":null}`, "{\"locale\":\"\xff\"}",
	} {
		f.Add("application/json", s)
	}
	f.Add("text/plain", `{}`)
	f.Add("application/json; charset=utf-8", `{"entry":{"environments":["development"]}}`)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		var b PublishBody
		if err := DecodeJSON(jsonRequest(contentType, body), &b); err != nil {
			checkClientError(t, "DecodeJSON", err, jsonClientKinds...)
			return
		}
		for _, tg := range []*PublishTargets{b.Entry, b.Asset} {
			if tg != nil {
				checkLocales(t, tg.Locales)
			}
		}
		checkVersion(t, b.Version)
		at, err := ScheduledAt(b.ScheduledAt, now)
		if err != nil {
			checkClientError(t, "ScheduledAt", err, domain.KindInvalid)
		} else if at != nil && !at.After(now) {
			t.Fatalf("ScheduledAt(%q) = %v, not after now", b.ScheduledAt, at)
		}
	})
}

// checkLocales checks PublishLocales on codes: a 422, or clean distinct
// codes, at most the publish limit.
func checkLocales(t *testing.T, codes []string) []string {
	t.Helper()
	out, err := PublishLocales(codes, "en-us")
	if err != nil {
		checkClientError(t, "PublishLocales", err, domain.KindInvalid)
		return nil
	}
	if len(out) == 0 || len(out) > domain.MaxPublishTargets {
		t.Fatalf("PublishLocales(%q) = %q", codes, out)
	}
	seen := map[string]bool{}
	for _, c := range out {
		if !domain.CleanText(c) || strings.TrimSpace(c) == "" || seen[c] {
			t.Fatalf("PublishLocales(%q) = %q: unclean, empty or repeated code", codes, out)
		}
		seen[c] = true
	}
	return out
}

func checkVersion(t *testing.T, raw json.RawMessage) {
	t.Helper()
	if !utf8.Valid(raw) {
		t.Fatalf("version %q kept with invalid UTF-8", raw)
	}
	v, err := PublishVersion(raw)
	if err != nil {
		checkClientError(t, "PublishVersion", err, domain.KindInvalid)
	} else if v < 0 || v > MaxVersion {
		t.Fatalf("PublishVersion(%s) = %d: out of range", raw, v)
	}
}

// FuzzBulkBody: a bulk body is refused with a 4xx, or read into targets
// with clean, non-empty uids and content types, at least one locale and a
// version in range.
func FuzzBulkBody(f *testing.F) {
	for _, s := range []string{
		`{"entries":[{"uid":"blt1","content_type":"blog","locale":"en-us","version":2},{"uid":"blt2","content_type_uid":"page"}],
		  "assets":[{"uid":"blt3","version":"1"}],"locales":["en-us","fr-fr"],"environments":["development"],"scheduled_at":"2030-01-01T00:00:00Z"}`,
		`{"entries":[{"uid":"blt1","content_type":"blog","locale":"fr-fr"}],"environments":["production"]}`,
		`{"assets":[{"uid":"blt3"}]}`, `{"entries":[{"uid":"","content_type":"blog"}]}`, `{"entries":[{"uid":"a\u0000","content_type":"b"}]}`,
		`{"entries":[{"uid":"a","content_type":"b","version":0}]}`, `{"entries":[{"uid":"a","content_type":"b","version":"99999999999"}]}`,
		`{"entries":"all"}`, `{"assets":[{"uid":" "}]}`, `{"locales":[]}`, `{}`, `[]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var b BulkBody
		if err := DecodeJSON(jsonRequest("application/json", body), &b); err != nil {
			checkClientError(t, "DecodeJSON", err, jsonClientKinds...)
			return
		}
		var locales []string
		if len(b.Locales) > 0 {
			if locales = checkLocales(t, b.Locales); locales == nil {
				return
			}
		}
		for i, e := range b.Entries {
			tg, err := BulkEntryTarget(i, e, locales, "en-us")
			if err != nil {
				checkClientError(t, "BulkEntryTarget", err, domain.KindInvalid)
				continue
			}
			checkTarget(t, []string{tg.UID, tg.ContentType, tg.Locale}, tg.Locales, tg.Version)
		}
		for i, as := range b.Assets {
			tg, err := BulkAssetTarget(i, as, locales, "en-us")
			if err != nil {
				checkClientError(t, "BulkAssetTarget", err, domain.KindInvalid)
				continue
			}
			checkTarget(t, []string{tg.UID}, tg.Locales, tg.Version)
		}
	})
}

func checkTarget(t *testing.T, texts, locales []string, version int) {
	t.Helper()
	for i, s := range texts {
		if !domain.CleanText(s) || i < 2 && strings.TrimSpace(s) == "" {
			t.Fatalf("target %q accepted with unclean or empty text", texts)
		}
	}
	if len(locales) == 0 || version < 0 || version > MaxVersion {
		t.Fatalf("target %q accepted with locales %q, version %d", texts, locales, version)
	}
}

// uploadSeed is a multipart body as the official SDK sends an upload.
func uploadSeed(fields map[string]string, filename, fileType string, content []byte, files int) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="asset[upload]"; filename="` + filename + `"`}
		if fileType != "" {
			h["Content-Type"] = []string{fileType}
		}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(content)
	}
	_ = mw.Close()
	return b.Bytes(), mw.Boundary()
}

// fuzzLimit is the file limit of the upload fuzz: small, so that fuzzed
// bodies reach it.
const fuzzLimit = 4 << 10

// FuzzUpload: a multipart upload body with any boundary, read through
// httptest as the handler reads it, is refused with a 4xx (never a 5xx),
// or gives a file of the size stored and fields that, applied to an
// asset, are refused with a 422 or clean; once the caller removes the
// file, the file store is empty again.
func FuzzUpload(f *testing.F) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	all := map[string]string{"asset[title]": "Logo", "asset[description]": "The logo", "asset[tags]": "brand, logo",
		"asset[parent_uid]": "cs_root"}
	for _, c := range []struct {
		fields             map[string]string
		filename, fileType string
		content            []byte
		files              int
	}{
		{all, "logo.png", "image/png", png, 1},
		{map[string]string{"asset[title]": "Notes"}, "notes.txt", "text/plain", []byte("hello"), 1},
		{nil, "../../etc/passwd", "", []byte("root:x:0:0"), 1},
		{nil, "big.bin", "application/octet-stream", bytes.Repeat([]byte{1}, fuzzLimit+1), 1},
		{all, "a.png", "image/png", png, 2},
		{all, "", "", nil, 0},
		{map[string]string{"asset[title]": "a\x00b", "asset[parent_uid]": "blt\xff"}, "x.svg", "image/svg+xml", []byte("<svg/>"), 1},
		{map[string]string{"asset[tags]": strings.Repeat("t,", 600)}, "x", "", []byte{0}, 1},
	} {
		body, boundary := uploadSeed(c.fields, c.filename, c.fileType, c.content, c.files)
		f.Add(body, boundary)
	}
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"asset[upload]\"\r\n\r\nabc"), "x")
	f.Add([]byte("not multipart"), "")
	dir, disk := fuzzDisk(f)
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r := httptest.NewRequest("POST", "/v3/assets", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		up, err := ReadUpload(httptest.NewRecorder(), r, disk, "key/uid/", fuzzLimit)
		removed := false
		defer func() { // also when a check below fails, so the next input starts clean
			if !removed && up.File != nil {
				_ = disk.Delete(t.Context(), up.File.Key)
			}
		}()
		if err != nil {
			checkClientError(t, "ReadUpload", err, domain.KindBadRequest, domain.KindInvalid, domain.KindTooLarge)
		} else if up.File != nil {
			checkUpload(t, disk, up)
		}
		if up.File != nil {
			if err := disk.Delete(t.Context(), up.File.Key); err != nil {
				t.Fatal(err)
			}
		}
		removed = true
		if left := filesIn(t, dir); len(left) > 0 {
			t.Fatalf("files left in the store: %q", left)
		}
	})
}

// checkUpload checks a file read from an upload and the asset its fields
// make.
func checkUpload(t *testing.T, disk *files.Disk, up *Upload) {
	t.Helper()
	if up.File.Size > fuzzLimit {
		t.Fatalf("file of %d bytes accepted over the limit", up.File.Size)
	}
	rc, err := disk.Open(t.Context(), up.File.Key)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(rc)
	rc.Close()
	if int64(got.Len()) != up.File.Size {
		t.Fatalf("stored %d bytes, reported %d", got.Len(), up.File.Size)
	}
	as := domain.Asset{}
	if err := up.Apply(&as); err != nil {
		checkClientError(t, "Apply", err, domain.KindInvalid)
		return
	}
	for _, s := range append([]string{as.Title, as.Description, as.ParentUID, as.Filename, as.ContentType}, as.Tags...) {
		if !domain.CleanText(s) {
			t.Fatalf("asset accepted with unclean text %q: %+v", s, as)
		}
	}
}

// fuzzDisk is a file store for a fuzz target, in memory (/dev/shm) where
// the system has it, since the disk store syncs every file.
func fuzzDisk(f *testing.F) (string, *files.Disk) {
	base := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "stackd-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	disk, err := files.NewDisk(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { disk.Close(); os.RemoveAll(dir) })
	return dir, disk
}

// filesIn lists the regular files under dir.
func filesIn(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
