package api

import (
	"crypto/tls"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/files"
)

func TestAssetURL(t *testing.T) {
	as := domain.Asset{APIKey: "bltkey", UID: "bltuid", URLSecret: "s3cr3t", Filename: "my file#1?.png"}
	const p = "/assets/bltkey/bltuid/s3cr3t/my%20file%231%3F.png"
	tlsReq := httptest.NewRequest("GET", "/v3/assets", nil)
	tlsReq.TLS = &tls.ConnectionState{}
	tlsReq.Host = "cma.test:8443"
	for _, c := range []struct {
		name, public, target string
		tls                  bool
		want                 string
	}{
		{"from the request", "", "/v3/assets", false, "http://example.com" + p},
		{"from a TLS request", "", "/v3/assets", true, "https://cma.test:8443" + p},
		{"public url", "https://cdn.example.org", "/v3/assets", false, "https://cdn.example.org" + p},
		{"public url with a path and slash", "https://example.org/stackd/", "/v3/assets", true, "https://example.org/stackd" + p},
		{"relative", "https://cdn.example.org", "/v3/assets?relative_urls=true", false, p},
	} {
		a := &API{Deps: Deps{PublicURL: c.public}}
		r := httptest.NewRequest("GET", c.target, nil)
		if c.tls {
			r.TLS, r.Host = tlsReq.TLS, tlsReq.Host
		}
		if got := a.assetURL(r, as); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestDetectContentType(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, c := range []struct {
		name, filename, declared string
		head                     []byte
		want                     string
	}{
		{"sniffed wins over the declared type", "x.txt", "text/plain", png, "image/png"},
		{"sniffed wins over the extension", "x.txt", "", []byte("GIF89a......"), "image/gif"},
		{"text: extension refines", "style.css", "text/plain", []byte("body { color: red }"), "text/css"},
		{"xml: svg by extension", "logo.svg", "", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "image/svg+xml"},
		{"plain text stays text", "notes", "application/x-evil", []byte("just words"), "text/plain"},
		{"bytes: declared type", "blob", "application/x-thing; charset=x", []byte{0, 1, 2}, "application/x-thing"},
		{"bytes: nothing known", "blob", "", []byte{0, 1, 2}, "application/octet-stream"},
		{"declared multipart ignored", "blob", "multipart/mixed", []byte{0, 1, 2}, "application/octet-stream"},
		{"empty file", "empty", "", nil, "text/plain"},
	} {
		if got := detectContentType(c.head, c.filename, c.declared); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestUploadStreams feeds a 32 MiB file part through readParts and checks
// that it reached the file store whole while the process allocated far
// less than the file's size: the upload is streamed, never buffered.
func TestUploadStreams(t *testing.T) {
	const size = 32 << 20
	disk, err := files.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer disk.Close()
	a := &API{Deps: Deps{Files: disk, MaxUpload: 64 << 20, Log: slog.New(slog.DiscardHandler)}}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("asset[upload]", "big.bin")
		chunk := make([]byte, 32<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := fw.Write(chunk); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	form := &uploadForm{fields: map[string]string{}}
	err = a.readParts(t.Context(), multipart.NewReader(pr, mw.Boundary()), form, "k/u/", a.maxUpload())
	runtime.ReadMemStats(&after)
	if err != nil || form.file == nil || form.file.size != size {
		t.Fatalf("readParts: %v, %+v", err, form.file)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("reading a %d-byte upload allocated %d bytes", size, alloc)
	}
	rc, err := disk.Open(t.Context(), form.file.key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if n, _ := io.Copy(io.Discard, rc); n != size {
		t.Errorf("stored %d bytes, want %d", n, size)
	}
}
