package images

import (
	"bytes"
	"image"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
)

// DefaultQuality is the quality of lossy output when none is asked for
// (Contentstack's documented default).
const DefaultQuality = 85

// OutputFormat is the format of the answer: WebP when auto=webp (or
// format=auto) is given and the client accepts WebP, else the format asked
// for, else the source's own (a JPEG stays a JPEG).
func OutputFormat(p Params, sourceContentType string, acceptsWebP bool) string {
	switch {
	case p.AutoWebP && acceptsWebP && !strings.HasPrefix(p.Format, "webp"):
		return "webp"
	case p.Format != "":
		return p.Format
	}
	switch sourceContentType {
	case "image/png":
		return "png"
	case "image/gif":
		return "gif"
	case "image/webp":
		return "webp"
	}
	return "jpg"
}

// ContentType is the media type of an output format.
func ContentType(format string) string {
	switch format {
	case "png":
		return "image/png"
	case "gif":
		return "image/gif"
	case "webp", "webpll", "webply":
		return "image/webp"
	}
	return "image/jpeg"
}

// AcceptsWebP reports whether an Accept header names image/webp (with a
// quality above 0).
func AcceptsWebP(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), "image/webp") {
			continue
		}
		for _, f := range fields[1:] {
			if k, v, _ := strings.Cut(strings.TrimSpace(f), "="); strings.EqualFold(k, "q") {
				if q, err := strconv.ParseFloat(v, 64); err != nil || q <= 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}

// Transform reads an image from r, applies p (trim, crop, orient, then
// the resize) and encodes it in format. The source's size is checked from
// its header before it is decoded (MaxInputPixels) and the answer's size
// before it is drawn (MaxOutputSide); either is a 422, as is a source that
// does not decode or parameters that select nothing (trim, crop).
func Transform(r io.Reader, p Params, format string) ([]byte, error) {
	img, _, err := decode(r)
	if err != nil {
		return nil, err
	}
	if img, err = apply(img, p); err != nil {
		return nil, err
	}
	q := p.Quality
	if q == 0 {
		q = DefaultQuality
	}
	var buf bytes.Buffer
	if err := encode(&buf, img, format, q); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// apply runs the geometry of p on img, in Fastly's documented order: trim,
// crop, orient, then width/height/dpr/fit.
func apply(img image.Image, p Params) (image.Image, error) {
	if p.Trim != nil {
		r, err := trimRect(img.Bounds(), p.Trim)
		if err != nil {
			return nil, err
		}
		img = imaging.Crop(img, r)
	}
	if p.Crop != nil {
		r, err := cropRect(img.Bounds(), p.Crop)
		if err != nil {
			return nil, err
		}
		img = imaging.Crop(img, r)
	}
	img = orient(img, p.Orient)
	b := img.Bounds()
	s, err := planResize(b.Dx(), b.Dy(), p)
	if err != nil {
		return nil, err
	}
	if s.Src != image.Rect(0, 0, b.Dx(), b.Dy()) {
		img = imaging.Crop(img, s.Src.Add(b.Min))
	}
	if s.W != s.Src.Dx() || s.H != s.Src.Dy() {
		img = imaging.Resize(img, s.W, s.H, filter(p.Filter))
	}
	return img, nil
}

// orient applies an orient value (EXIF orientation numbers, as
// Contentstack documents them).
func orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 90° clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img) // 90° counter-clockwise
	}
	return img
}

// lanczos2 is the Lanczos filter with two lobes (imaging.Lanczos has three).
var lanczos2 = imaging.ResampleFilter{Support: 2, Kernel: func(x float64) float64 {
	x = math.Abs(x)
	if x >= 2 {
		return 0
	}
	if x == 0 {
		return 1
	}
	return 2 * math.Sin(math.Pi*x) * math.Sin(math.Pi*x/2) / (math.Pi * math.Pi * x * x)
}}

// filter is the resampling filter named by resize-filter; Lanczos with
// three lobes by default.
func filter(name string) imaging.ResampleFilter {
	switch name {
	case "nearest":
		return imaging.NearestNeighbor
	case "bilinear":
		return imaging.Linear
	case "bicubic":
		return imaging.CatmullRom
	case "lanczos2":
		return lanczos2
	}
	return imaging.Lanczos
}
