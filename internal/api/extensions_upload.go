package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/stackd/stackd/internal/domain"
)

// extensionUploadMemory is how much of an upload form is held in memory; the rest
// goes to temporary files, removed when the request ends.
const extensionUploadMemory = 1 << 20

// readExtensionUpload reads the multipart form of an extension upload, as
// the official SDK's extension().upload() sends it: the text fields
// extension[title], [type], [data_type], [tags] (comma-separated),
// [multiple], [enable], [default_width], [width], [blur], [config] and
// [scope], and the file extension[upload], whose text becomes srcdoc. The
// SDK sends an object scope as the string "[object Object]"; a scope that
// is not a JSON object is therefore ignored rather than refused.
func readExtensionUpload(r *http.Request) (*extensionFields, error) {
	if err := r.ParseMultipartForm(extensionUploadMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, domain.Errorf(domain.KindTooLarge, domain.CodePayloadTooLarge, "The request body is larger than %d bytes.", tooBig.Limit)
		}
		return nil, domain.ErrBadRequest("The multipart form is malformed.")
	}
	defer r.MultipartForm.RemoveAll()
	values := r.MultipartForm.Value
	for name, vs := range values {
		for _, v := range vs {
			if !domain.CleanText(name) || !domain.CleanText(v) {
				return nil, domain.ErrInvalid(name, "must not contain NUL characters or invalid UTF-8.")
			}
		}
	}
	field := func(name string) *string {
		if v := values["extension["+name+"]"]; len(v) > 0 {
			return &v[0]
		}
		return nil
	}
	f := &extensionFields{Title: field("title"), Type: field("type"), DataType: field("data_type"), DefaultWidth: field("default_width")}
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"multiple", &f.Multiple}, {"enable", &f.Enable}, {"blur", &f.Blur}} {
		if v := field(b.name); v != nil {
			parsed, err := strconv.ParseBool(*v)
			if err != nil {
				return nil, domain.ErrInvalid(b.name, "must be true or false.")
			}
			*b.dst = &parsed
		}
	}
	if v := field("width"); v != nil {
		n, err := strconv.Atoi(*v)
		if err != nil {
			return nil, domain.ErrInvalid("width", "must be a whole number.")
		}
		f.Width = &n
	}
	for _, s := range []struct {
		name string
		dst  *json.RawMessage
	}{{"tags", &f.Tags}, {"config", &f.Config}} {
		if v := field(s.name); v != nil {
			*s.dst, _ = json.Marshal(*v) // a string always marshals
		}
	}
	if v := field("scope"); v != nil && json.Valid([]byte(*v)) && len(*v) > 0 && (*v)[0] == '{' && !domain.JSONHasNUL([]byte(*v)) {
		f.Scope = json.RawMessage(*v)
	}
	src, err := extensionUploadText(r, "extension[upload]")
	if err != nil {
		return nil, err
	}
	f.Srcdoc = &src
	return f, nil
}

// extensionUploadText returns the content of the form's file part name.
func extensionUploadText(r *http.Request, name string) (string, error) {
	files := r.MultipartForm.File[name]
	if len(files) == 0 {
		return "", domain.ErrInvalid("upload", "is required: attach the extension's HTML file as "+name+".")
	}
	fh, err := files[0].Open()
	if err != nil {
		return "", domain.ErrBadRequest("The uploaded file cannot be read.")
	}
	defer fh.Close()
	b, err := io.ReadAll(fh)
	if err != nil {
		return "", domain.ErrBadRequest("The uploaded file cannot be read.")
	}
	if !domain.CleanText(string(b)) {
		return "", domain.ErrInvalid("upload", "must be UTF-8 text without NUL characters.")
	}
	return string(b), nil
}
