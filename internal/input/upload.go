package input

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/files"
)

// Upload form limits: the body may exceed the file limit by UploadSlack
// for the other fields and the multipart framing; text fields are short.
const (
	UploadSlack   = 1 << 20
	maxFieldBytes = 64 << 10
	maxParts      = 32
	uploadField   = "asset[upload]"
)

// uploadFields are the text parts of an upload form that stackd reads;
// other parts are skipped.
var uploadFields = map[string]bool{
	"asset[title]": true, "asset[description]": true, "asset[tags]": true, "asset[parent_uid]": true,
}

// IsMultipart reports whether r carries a multipart/form-data body.
func IsMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// ErrTooLarge is the answer to a file over limit bytes.
func ErrTooLarge(limit int64) error {
	return domain.Errorf(domain.KindTooLarge, domain.CodePayloadTooLarge,
		"The file is larger than the upload limit of %d bytes.", limit).WithField(uploadField, "is too large.")
}

// ErrNoUpload is the answer to a form without a file.
func ErrNoUpload() error {
	return domain.ErrInvalid(uploadField, "is required: send the file as a multipart/form-data part named asset[upload].")
}

func errMalformed() error {
	return domain.ErrBadRequest("The multipart/form-data body is malformed.")
}

// Upload is what an upload's multipart body carried: the file, already in
// the file store, and the text fields that were present.
type Upload struct {
	Fields map[string]string
	File   *StoredFile // nil when the form had no file part
}

// StoredFile is an uploaded file in the file store.
type StoredFile struct {
	Key, Filename, ContentType, Secret string
	Size                               int64
}

// ReadUpload reads a multipart upload whose file (at most limit bytes)
// streams into fs under keyPrefix plus a random name; the text fields are
// read into memory. It never returns a nil Upload: on error the Upload may
// still hold a file already stored, which the caller must remove, as it
// must once done unless the file was kept.
func ReadUpload(w http.ResponseWriter, r *http.Request, fs files.Store, keyPrefix string, limit int64) (*Upload, error) {
	u := &Upload{Fields: map[string]string{}}
	if !IsMultipart(r) {
		return u, domain.ErrBadRequest("Please set a valid 'Content-Type' header").
			WithField("content_type", "must be multipart/form-data.")
	}
	if r.ContentLength > limit+UploadSlack {
		return u, ErrTooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+UploadSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return u, errMalformed()
	}
	return u, readParts(r.Context(), mr, u, fs, keyPrefix, limit)
}

func readParts(ctx context.Context, mr *multipart.Reader, u *Upload, fs files.Store, keyPrefix string, limit int64) error {
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return bodyError(err, limit)
		}
		if n >= maxParts {
			return domain.ErrBadRequest(fmt.Sprintf("The multipart/form-data body has more than %d parts.", maxParts))
		}
		switch name := part.FormName(); {
		case name == uploadField && u.File != nil:
			return domain.ErrInvalid(uploadField, "must be sent only once.")
		case name == uploadField:
			if u.File, err = storeUpload(ctx, part, fs, keyPrefix, limit); err != nil {
				return err
			}
		case uploadFields[name]:
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return bodyError(err, limit)
			}
			if len(b) > maxFieldBytes {
				return domain.ErrInvalid(name, "is too long.")
			}
			u.Fields[name] = string(b)
		}
	}
}

// bodyError classifies a failure to read the request body: over the limit
// is a 413, anything else a malformed body.
func bodyError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errFileTooLarge) {
		return ErrTooLarge(limit)
	}
	return errMalformed()
}

// storeUpload streams the file part into the file store. The first 512
// bytes are read ahead to detect the content type; nothing else is held
// in memory.
func storeUpload(ctx context.Context, part *multipart.Part, fs files.Store, keyPrefix string, limit int64) (*StoredFile, error) {
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	f := &StoredFile{Key: keyPrefix + randomHex(16), Secret: randomHex(16), Filename: domain.SanitizeFilename(params["filename"])}
	head := make([]byte, 512)
	n, err := io.ReadFull(part, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, bodyError(err, limit)
	}
	f.ContentType = DetectContentType(head[:n], f.Filename, part.Header.Get("Content-Type"))
	body := &capReader{r: io.MultiReader(bytes.NewReader(head[:n]), part), left: limit}
	f.Size, err = fs.Put(ctx, f.Key, body)
	switch {
	case err == nil:
		return f, nil
	case body.err != nil:
		return nil, bodyError(body.err, limit)
	case ctx.Err() != nil:
		return nil, domain.ErrBadRequest("The upload was interrupted.")
	}
	return nil, fmt.Errorf("input: store upload: %w", err)
}

var errFileTooLarge = errors.New("file over the upload limit")

// capReader reads at most left bytes and fails with errFileTooLarge when
// there are more. It remembers a read failure of the request body, to tell
// it from a failure of the file store.
type capReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var probe [1]byte
		n, err := c.r.Read(probe[:])
		if n > 0 {
			c.err = errFileTooLarge
			return 0, c.err
		}
		return 0, c.fail(err)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, c.fail(err)
}

func (c *capReader) fail(err error) error {
	if err != nil && !errors.Is(err, io.EOF) {
		c.err = err
	}
	return err
}

// DetectContentType decides a file's content type: what its first bytes
// say, unless that is only a generic answer, in which case the file name's
// extension, then the type the client declared, may be more precise.
func DetectContentType(head []byte, filename, declared string) string {
	sniffed := mediaType(http.DetectContentType(head))
	if !genericType(sniffed) {
		return sniffed
	}
	if t := mediaType(mime.TypeByExtension(path.Ext(filename))); t != "" && t != "application/octet-stream" {
		return t
	}
	if d := mediaType(declared); d != "" && sniffed == "application/octet-stream" && !strings.HasPrefix(d, "multipart/") {
		return d
	}
	return sniffed
}

// genericType reports whether a sniffed type says little: a text, XML or
// ZIP file (an SVG, a .docx) or just bytes.
func genericType(t string) bool {
	switch t {
	case "application/octet-stream", "text/plain", "text/xml", "application/zip":
		return true
	}
	return false
}

// mediaType is the lower-case type/subtype of a Content-Type value,
// without parameters; "" when it does not parse.
func mediaType(v string) string {
	mt, _, err := mime.ParseMediaType(v)
	if err != nil || !strings.Contains(mt, "/") {
		return ""
	}
	return mt
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// RootFolder is the folder parameter Contentstack uses for the top level.
const RootFolder = "cs_root"

// Apply sets the stored file and the form's fields on as and checks the
// result. A new asset without a title is titled after its file.
func (u *Upload) Apply(as *domain.Asset) error {
	f := u.File
	as.FileKey, as.Filename, as.ContentType, as.FileSize, as.URLSecret = f.Key, f.Filename, f.ContentType, f.Size, f.Secret
	if v, ok := u.Fields["asset[title]"]; ok {
		as.Title = v
	}
	if strings.TrimSpace(as.Title) == "" {
		as.Title = f.Filename
	}
	if v, ok := u.Fields["asset[description]"]; ok {
		as.Description = v
	}
	if v, ok := u.Fields["asset[tags]"]; ok {
		as.Tags = domain.SplitTags(v)
	}
	if v, ok := u.Fields["asset[parent_uid]"]; ok {
		as.ParentUID = strings.TrimSpace(v)
		if as.ParentUID == RootFolder {
			as.ParentUID = ""
		}
	}
	return domain.ValidateAsset(as)
}
