package apitest

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/textproto"
	"path/filepath"
	"testing"
)

// Form is a multipart/form-data body for Do and scenarios, built with
// mime/multipart; its parts are sent in order.
type Form []Part

// Part is one part of a Form: a text field, or a file when File is set.
// Disposition, when set, replaces the whole Content-Disposition header
// (for hostile file names the writer would not produce).
type Part struct {
	Name        string
	Value       string // a field's value ({name} placeholders expanded)
	File        bool
	FileName    string
	ContentType string
	Data        []byte
	Disposition string
}

// FilePart is a file part named asset[upload], the way the SDK uploads.
func FilePart(name, contentType string, data []byte) Part {
	return Part{Name: "asset[upload]", File: true, FileName: name, ContentType: contentType, Data: data}
}

// Field is a text part.
func Field(name, value string) Part { return Part{Name: name, Value: value} }

func (e *Env) encodeForm(f Form) (io.Reader, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range f {
		h := textproto.MIMEHeader{}
		switch {
		case p.Disposition != "":
			h.Set("Content-Disposition", p.Disposition)
		case p.File:
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Name, p.FileName))
		default:
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.Name))
		}
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			e.T.Fatal(err)
		}
		data := p.Data
		if !p.File {
			data = []byte(e.Expand(p.Value))
		}
		if _, err := pw.Write(data); err != nil {
			e.T.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		e.T.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// CountFiles returns how many files the asset file store holds.
func (e *Env) CountFiles(t testing.TB) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(e.Files, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
