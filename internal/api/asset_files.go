package api

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// assetURL is the public URL of one version of an asset's file: served by
// stackd without credentials, guarded by the version's random secret. It
// is absolute (from --public-url, else from the request's scheme and
// Host) unless the request asks for relative_urls=true.
func (a *API) assetURL(r *http.Request, as domain.Asset) string {
	p := "/assets/" + as.APIKey + "/" + as.UID + "/" + as.URLSecret + "/" + url.PathEscape(as.Filename)
	if r.URL.Query().Get("relative_urls") == "true" {
		return p
	}
	return a.baseURL(r) + p
}

// baseURL is the scheme, host and path prefix under which clients reach
// stackd.
func (a *API) baseURL(r *http.Request) string {
	if a.PublicURL != "" {
		return strings.TrimRight(a.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

var urlSecret = regexp.MustCompile(`^[0-9a-f]{32}$`)

// publicAsset is GET /assets/{api_key}/{asset_uid}/{url_secret}/{filename}:
// the bytes of the version whose secret is in the path. Anything that does
// not match (stack, asset, secret) is the same 404 as an unknown URL. The
// file name segment is for people and tools; it is not checked. Image
// Delivery parameters in the query transform images (asset_images.go).
func (a *API) publicAsset(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	apiKey, uid, secret := r.PathValue("api_key"), r.PathValue("asset_uid"), r.PathValue("url_secret")
	if !domain.ValidUID(apiKey) || !domain.ValidUID(uid) || !urlSecret.MatchString(secret) {
		return errNoRoute()
	}
	as, err := a.Store.AssetBySecret(r.Context(), apiKey, uid, secret)
	if domain.IsKind(err, domain.KindInvalid) {
		return errNoRoute()
	}
	if err != nil {
		return err
	}
	return a.serveAsset(w, r, as) // the file, or an image variant (asset_images.go)
}

// downloadAsset is GET /v3/assets/{asset_uid}/download, optionally
// ?version=N: the file's bytes with the caller's rights.
func (a *API) downloadAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := a.assetOrVersion(r, rc.stack.APIKey)
	if err != nil {
		return err
	}
	return a.serveFile(w, r, as)
}

// serveFile answers with the bytes of one version of an asset. Uploaded
// files may be HTML or SVG: nosniff and a sandbox policy keep a browser
// from running them as pages of this origin. A missing file for an
// existing version is a server fault.
func (a *API) serveFile(w http.ResponseWriter, r *http.Request, as domain.Asset) error {
	f, err := a.Files.Open(r.Context(), as.FileKey)
	if err != nil {
		return fmt.Errorf("api: open file of asset %s version %d: %w", as.UID, as.Version, err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", as.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+as.UID+"-"+strconv.Itoa(as.Version)+`"`)
	if cd := mime.FormatMediaType("inline", map[string]string{"filename": as.Filename}); cd != "" {
		h.Set("Content-Disposition", cd)
	}
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", as.UpdatedAt, rs) // ranges and conditional requests
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(as.FileSize, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, f); err != nil {
		a.Log.WarnContext(r.Context(), "asset download cut short", "asset_uid", as.UID, "err", err)
	}
	return nil
}
