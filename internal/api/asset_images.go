package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/images"
)

// serveAsset answers a public asset URL: the file as it is, or, when the
// query carries Image Delivery parameters and the file is a JPEG, PNG,
// GIF or WebP image, the transformed variant. Parameters are checked for
// every file (a bad value is a 422 naming it), but other files are served
// unchanged whatever they ask.
func (a *API) serveAsset(w http.ResponseWriter, r *http.Request, as domain.Asset) error {
	p, err := images.Parse(r.URL.Query())
	if err != nil {
		return err
	}
	if p.IsZero() || !images.Transformable(as.ContentType) {
		return a.serveFile(w, r, as)
	}
	format := images.OutputFormat(p, as.ContentType, images.AcceptsWebP(r.Header.Get("Accept")))
	// Assets live on the main branch until branches are built; the
	// variant's key names the branch so that later work keeps them apart.
	v := images.Variant{APIKey: as.APIKey, Branch: domain.DefaultBranch, AssetUID: as.UID, FileKey: as.FileKey,
		Params: p, Format: format}
	key := v.Key()
	etag := `"` + key[:32] + `"`
	a.variantHeaders(w, as, p, format, etag)
	if noneMatch(r.Header.Get("If-None-Match"), etag) {
		notModified(w, as) // answered without making the variant
		return nil
	}
	res, err := a.images().Get(r.Context(), v, func(ctx context.Context) (io.ReadCloser, error) {
		return a.Files.Open(ctx, as.FileKey)
	})
	if err != nil {
		return variantError(err)
	}
	defer res.Close()
	http.ServeContent(w, r, "", as.UpdatedAt, res.Body) // ranges and If-Modified-Since, as for the file
	return nil
}

// variantHeaders are the file's headers with the variant's type, name and
// ETag; Vary: Accept when the format depends on it.
func (a *API) variantHeaders(w http.ResponseWriter, as domain.Asset, p images.Params, format, etag string) {
	h := w.Header()
	h.Set("Content-Type", images.ContentType(format))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", etag)
	if p.AutoWebP {
		h.Set("Vary", "Accept")
	}
	name := strings.TrimSuffix(as.Filename, path.Ext(as.Filename)) + "." + extension(format)
	if cd := mime.FormatMediaType("inline", map[string]string{"filename": name}); cd != "" {
		h.Set("Content-Disposition", cd)
	}
}

func extension(format string) string {
	switch format {
	case "webpll", "webply":
		return "webp"
	case "pjpg":
		return "jpg"
	}
	return format
}

// notModified answers 304 with the variant's validators and without the
// headers that describe a body.
func notModified(w http.ResponseWriter, as domain.Asset) {
	h := w.Header()
	h.Del("Content-Type")
	h.Del("Content-Disposition")
	if !as.UpdatedAt.IsZero() {
		h.Set("Last-Modified", as.UpdatedAt.UTC().Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusNotModified)
}

// variantError keeps a request that ended while its variant was being
// made out of the server-fault log.
func variantError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return domain.ErrBadRequest("The request ended before the image was ready.")
	}
	return err
}

var (
	fallbackImagesOnce sync.Once
	fallbackImages     *images.Service
)

// images is the transform service of Deps, or, for handlers built without
// one, a shared service without a disk cache.
func (a *API) images() *images.Service {
	if a.Images != nil {
		return a.Images
	}
	fallbackImagesOnce.Do(func() { fallbackImages = images.NewService(nil, images.DefaultConcurrency, nil) })
	return fallbackImages
}

// imageSize reads the pixel size of a stored image from its header (only
// the header is read); 0, 0 for files that are not images stackd reads.
func (a *API) imageSize(ctx context.Context, key, contentType string) (int, int) {
	if !images.Transformable(contentType) {
		return 0, 0
	}
	f, err := a.Files.Open(ctx, key)
	if err != nil {
		a.Log.WarnContext(ctx, "could not read an uploaded image's size", "key", key, "err", err)
		return 0, 0
	}
	defer f.Close()
	w, h, _ := images.Dimensions(f)
	return w, h
}

// withDimension adds "dimension": {"height", "width"} to an asset's JSON
// m when the request asks for include_dimension=true and the size is
// known (images uploaded before sizes were stored have none). The CMA's
// asset reads call it through assetJSON; delivery reads call it the same
// way.
func withDimension(r *http.Request, m map[string]any, as domain.Asset) map[string]any {
	if as.HasDimension() && r.URL.Query().Get("include_dimension") == "true" {
		m["dimension"] = map[string]any{"height": as.Height, "width": as.Width}
	}
	return m
}
