package input

import (
	"io"
	"mime/multipart"
	"runtime"
	"testing"

	"github.com/stackd/stackd/internal/files"
)

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
		if got := DetectContentType(c.head, c.filename, c.declared); got != c.want {
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
	form := &Upload{Fields: map[string]string{}}
	err = readParts(t.Context(), multipart.NewReader(pr, mw.Boundary()), form, disk, "k/u/", 64<<20)
	runtime.ReadMemStats(&after)
	if err != nil || form.File == nil || form.File.Size != size {
		t.Fatalf("readParts: %v, %+v", err, form.File)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("reading a %d-byte upload allocated %d bytes", size, alloc)
	}
	rc, err := disk.Open(t.Context(), form.File.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if n, _ := io.Copy(io.Discard, rc); n != size {
		t.Errorf("stored %d bytes, want %d", n, size)
	}
}
