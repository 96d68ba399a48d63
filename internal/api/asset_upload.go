package api

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
)

// Upload form limits: the body may exceed MaxUpload by uploadSlack for the
// other fields and the multipart framing; text fields are short.
const (
	uploadSlack   = 1 << 20
	maxFieldBytes = 64 << 10
	maxParts      = 32
	uploadField   = "asset[upload]"
)

// uploadFields are the text parts of an upload form that stackd reads;
// other parts are skipped.
var uploadFields = map[string]bool{
	"asset[title]": true, "asset[description]": true, "asset[tags]": true, "asset[parent_uid]": true,
}

// isMultipart reports whether r carries a multipart/form-data body.
func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

func (a *API) maxUpload() int64 {
	if a.MaxUpload > 0 {
		return a.MaxUpload
	}
	return DefaultMaxUpload
}

func errTooLarge(limit int64) error {
	return domain.Errorf(domain.KindTooLarge, domain.CodePayloadTooLarge,
		"The file is larger than the upload limit of %d bytes.", limit).WithField(uploadField, "is too large.")
}

func errNoUpload() error {
	return domain.ErrInvalid(uploadField, "is required: send the file as a multipart/form-data part named asset[upload].")
}

func errMalformed() error {
	return domain.ErrBadRequest("The multipart/form-data body is malformed.")
}

// uploadForm is what an upload's multipart body carried: the file, already
// in the file store, and the text fields that were present.
type uploadForm struct {
	fields map[string]string
	file   *storedFile
	kept   bool // the file belongs to a saved version now
}

type storedFile struct {
	key, filename, contentType, secret string
	size                               int64
	width, height                      int // an image's size from its header; 0 when unknown
}

// readUpload reads a multipart upload for asset uid. The file part streams
// into the file store under a new key; the text fields are read into
// memory. On error nothing stays in the file store. The caller must call
// discard once done, which removes the file unless kept was set.
func (a *API) readUpload(w http.ResponseWriter, r *http.Request, apiKey, uid string) (*uploadForm, error) {
	if !isMultipart(r) {
		return nil, domain.ErrBadRequest("Please set a valid 'Content-Type' header").
			WithField("content_type", "must be multipart/form-data.")
	}
	limit := a.maxUpload()
	if r.ContentLength > limit+uploadSlack {
		return nil, errTooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errMalformed()
	}
	form := &uploadForm{fields: map[string]string{}}
	if err := a.readParts(r.Context(), mr, form, apiKey+"/"+uid+"/", limit); err != nil {
		a.discard(r, form)
		return nil, err
	}
	return form, nil
}

func (a *API) readParts(ctx context.Context, mr *multipart.Reader, form *uploadForm, keyPrefix string, limit int64) error {
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
		case name == uploadField && form.file != nil:
			return domain.ErrInvalid(uploadField, "must be sent only once.")
		case name == uploadField:
			if form.file, err = a.storeUpload(ctx, part, keyPrefix, limit); err != nil {
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
			if !domain.CleanText(string(b)) {
				return domain.ErrInvalid(name, "must not contain NUL characters or invalid UTF-8.")
			}
			form.fields[name] = string(b)
		}
	}
}

// bodyError classifies a failure to read the request body: over the limit
// is a 413, anything else a malformed body.
func bodyError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errFileTooLarge) {
		return errTooLarge(limit)
	}
	return errMalformed()
}

// storeUpload streams the file part into the file store. The first 512
// bytes are read ahead to detect the content type; nothing else is held
// in memory.
func (a *API) storeUpload(ctx context.Context, part *multipart.Part, keyPrefix string, limit int64) (*storedFile, error) {
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	f := &storedFile{key: keyPrefix + randomHex(16), secret: randomHex(16), filename: domain.SanitizeFilename(params["filename"])}
	head := make([]byte, 512)
	n, err := io.ReadFull(part, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, bodyError(err, limit)
	}
	f.contentType = detectContentType(head[:n], f.filename, part.Header.Get("Content-Type"))
	body := &capReader{r: io.MultiReader(bytes.NewReader(head[:n]), part), left: limit}
	f.size, err = a.Files.Put(ctx, f.key, body)
	switch {
	case err == nil:
		f.width, f.height = a.imageSize(ctx, f.key, f.contentType)
		return f, nil
	case body.err != nil:
		return nil, bodyError(body.err, limit)
	case ctx.Err() != nil:
		return nil, domain.ErrBadRequest("The upload was interrupted.")
	}
	return nil, fmt.Errorf("api: store upload: %w", err)
}

// discard removes the form's file from the file store unless it was kept.
func (a *API) discard(r *http.Request, form *uploadForm) {
	if form == nil || form.file == nil || form.kept {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	if err := a.Files.Delete(ctx, form.file.key); err != nil {
		a.Log.WarnContext(ctx, "could not remove the file of a failed upload", "key", form.file.key, "err", err)
	}
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

// detectContentType decides a file's content type: what its first bytes
// say, unless that is only a generic answer, in which case the file name's
// extension, then the type the client declared, may be more precise.
func detectContentType(head []byte, filename, declared string) string {
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

// applyUpload sets the stored file and the form's fields on as. A new
// asset without a title is titled after its file.
func (form *uploadForm) applyUpload(as *domain.Asset) error {
	f := form.file
	as.FileKey, as.Filename, as.ContentType, as.FileSize, as.URLSecret = f.key, f.filename, f.contentType, f.size, f.secret
	as.Width, as.Height = f.width, f.height
	if v, ok := form.fields["asset[title]"]; ok {
		as.Title = v
	}
	if strings.TrimSpace(as.Title) == "" {
		as.Title = f.filename
	}
	if v, ok := form.fields["asset[description]"]; ok {
		as.Description = v
	}
	if v, ok := form.fields["asset[tags]"]; ok {
		as.Tags = domain.SplitTags(v)
	}
	if v, ok := form.fields["asset[parent_uid]"]; ok {
		as.ParentUID = strings.TrimSpace(v)
		if as.ParentUID == rootFolder {
			as.ParentUID = ""
		}
	}
	return domain.ValidateAsset(as)
}

// uploadAsset is POST /v3/assets: the file is stored first, then the row;
// when the row cannot be written the file is removed again.
func (a *API) uploadAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := domain.NewUID()
	form, err := a.readUpload(w, r, rc.stack.APIKey, uid)
	if err != nil {
		return err
	}
	defer a.discard(r, form)
	if form.file == nil {
		return errNoUpload()
	}
	now := a.Now()
	as := domain.Asset{UID: uid, APIKey: rc.stack.APIKey, Version: 1,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := form.applyUpload(&as); err != nil {
		return err
	}
	if err := a.Store.CreateAsset(r.Context(), as, a.audit(r, rc, domain.ModAsset, "create", uid, as.Title)); err != nil {
		return err
	}
	form.kept = true
	setETag(w, as.Version)
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Asset created successfully.", "asset": a.assetJSON(r, as)})
	return nil
}

// replaceAsset is PUT /v3/assets/{asset_uid} with a multipart body: a new
// version with a new file (and any metadata fields sent with it). The
// earlier versions keep their files.
func (a *API) replaceAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx, im domain.IfMatch) error {
	uid := r.PathValue("asset_uid")
	cur, err := a.Store.Asset(r.Context(), rc.stack.APIKey, uid)
	if err != nil {
		return err // before reading a possibly large body
	}
	if err := im.Check("asset", cur.Version); err != nil {
		return err // early; the check that counts is made again under lock
	}
	form, err := a.readUpload(w, r, rc.stack.APIKey, uid)
	if err != nil {
		return err
	}
	defer a.discard(r, form)
	if form.file == nil {
		return errNoUpload()
	}
	as, err := a.Store.UpdateAsset(r.Context(), rc.stack.APIKey, uid, func(as *domain.Asset) error {
		if err := im.Check("asset", as.Version); err != nil {
			return err
		}
		as.UpdatedBy, as.UpdatedAt = actorUID(rc), a.Now()
		return form.applyUpload(as)
	}, a.audit(r, rc, domain.ModAsset, "update", uid, ""))
	if err != nil {
		return err
	}
	form.kept = true
	setETag(w, as.Version)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Asset updated successfully.", "asset": a.assetJSON(r, as)})
	return nil
}
