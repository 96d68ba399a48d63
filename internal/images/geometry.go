package images

import (
	"fmt"
	"image"
	"math"

	"github.com/stackd/stackd/internal/domain"
)

// MaxOutputSide bounds each side of a transformed image, in pixels: a
// larger answer is refused before any pixel is allocated for it.
const MaxOutputSide = 8000

// length resolves d against a source length; a zero Dim is 0 pixels.
func length(d Dim, src int) int {
	if d.Px > 0 {
		return d.Px
	}
	return int(math.Min(math.Round(d.frac()*float64(src)), 1<<30))
}

// trimRect is what is left of b after trimming t (top, right, bottom,
// left). Trimming everything away is a 422 naming trim.
func trimRect(b image.Rectangle, t *[4]Dim) (image.Rectangle, error) {
	w, h := b.Dx(), b.Dy()
	r := image.Rect(b.Min.X+length(t[3], w), b.Min.Y+length(t[0], h), b.Max.X-length(t[1], w), b.Max.Y-length(t[2], h))
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return r, domain.ErrInvalid("trim", fmt.Sprintf("removes the whole %d×%d image.", w, h))
	}
	return r, nil
}

// cropRect is the region of b the crop parameter selects. A region that is
// not inside b is a 422 naming crop, unless the crop is safe: then it is
// cut to b.
func cropRect(b image.Rectangle, c *Crop) (image.Rectangle, error) {
	sw, sh := b.Dx(), b.Dy()
	cw, ch := c.W.Of(sw), c.H.Of(sh)
	if c.Ratio {
		cw, ch = ratioBox(sw, sh, c.RatioW, c.RatioH)
	}
	x, y := place(c.X, sw, cw), place(c.Y, sh, ch)
	r := image.Rect(x, y, x+cw, y+ch).Add(b.Min)
	if r.In(b) {
		return r, nil
	}
	if c.Safe {
		if r = r.Intersect(b); !r.Empty() {
			return r, nil
		}
	}
	return r, domain.ErrInvalid("crop", fmt.Sprintf("asks for a %d×%d region at %d,%d, which is not inside the %d×%d image.",
		cw, ch, x, y, sw, sh))
}

// ratioBox is the largest box of aspect ratio rw:rh inside sw×sh.
func ratioBox(sw, sh int, rw, rh float64) (int, int) {
	if float64(sw)*rh > float64(sh)*rw { // the source is wider than the ratio
		return max(1, int(math.Round(float64(sh)*rw/rh))), sh
	}
	return sw, max(1, int(math.Round(float64(sw)*rh/rw)))
}

// place is where a region of length n starts on an axis of length src.
func place(p Pos, src, n int) int {
	switch {
	case p.Abs != nil:
		return length(*p.Abs, src)
	case p.Offset != nil:
		return int(math.Round(float64(src-n) * *p.Offset / 100))
	}
	return (src - n) / 2
}

// sizing is the resize step: the region of the (trimmed, cropped,
// oriented) image to use and the size it is scaled to.
type sizing struct {
	Src  image.Rectangle
	W, H int
}

// planResize turns width, height, dpr, fit and disable=upscale into a
// sizing of an sw×sh image, and refuses an answer over MaxOutputSide on a
// side (a 422 naming width or height).
func planResize(sw, sh int, p Params) (sizing, error) {
	full := image.Rect(0, 0, sw, sh)
	w, h := 0, 0
	if !p.Width.IsZero() {
		w = p.Width.Of(sw)
	}
	if !p.Height.IsZero() {
		h = p.Height.Of(sh)
	}
	if p.DPR > 0 {
		w, h = scaleBy(w, p.DPR), scaleBy(h, p.DPR)
	}
	s := sizing{Src: full, W: sw, H: sh}
	switch {
	case w == 0 && h == 0:
	case h == 0:
		s.W, s.H = w, proportional(sh, w, sw)
	case w == 0:
		s.W, s.H = proportional(sw, h, sh), h
	case p.Fit == "bounds":
		scale := math.Min(float64(w)/float64(sw), float64(h)/float64(sh))
		s.W, s.H = scaleBy(sw, scale), scaleBy(sh, scale)
	case p.Fit == "crop" || p.Fit == "cover":
		s = fill(sw, sh, w, h, p.NoUpscale)
	default:
		s.W, s.H = w, h
	}
	if p.NoUpscale {
		s = noUpscale(s)
	}
	return s, checkOutput(s, p)
}

// fill scales sw×sh to cover w×h and keeps the centre: it selects the
// centred region of the source with the answer's aspect ratio, so the
// scaled image is never larger than the answer. Without upscaling, a
// region smaller than w×h is kept at its own size.
func fill(sw, sh, w, h int, noUp bool) sizing {
	rw, rh := ratioBox(sw, sh, float64(w), float64(h))
	if noUp && (rw < w || rh < h) {
		w, h = rw, rh // the region at its own size, keeping the aspect ratio asked for
	}
	x, y := (sw-rw)/2, (sh-rh)/2
	return sizing{Src: image.Rect(x, y, x+rw, y+rh), W: w, H: h}
}

// noUpscale keeps the answer from being larger than its source region,
// keeping the aspect ratio the sizing asked for.
func noUpscale(s sizing) sizing {
	sw, sh := s.Src.Dx(), s.Src.Dy()
	if s.W <= sw && s.H <= sh {
		return s
	}
	scale := math.Min(float64(sw)/float64(s.W), float64(sh)/float64(s.H))
	s.W, s.H = min(sw, scaleBy(s.W, scale)), min(sh, scaleBy(s.H, scale))
	return s
}

func checkOutput(s sizing, p Params) error {
	why := ""
	if p.DPR > 0 {
		why = fmt.Sprintf(" (with dpr %s)", fmtFloat(p.DPR))
	}
	if s.W > MaxOutputSide {
		return domain.ErrInvalid("width", fmt.Sprintf("would make the image %d pixels wide%s; at most %d are served.", s.W, why, MaxOutputSide))
	}
	if s.H > MaxOutputSide {
		return domain.ErrInvalid("height", fmt.Sprintf("would make the image %d pixels high%s; at most %d are served.", s.H, why, MaxOutputSide))
	}
	return nil
}

// proportional is the length of the other side when side src becomes n,
// keeping the aspect ratio: other * n / src, at least 1.
func proportional(other, n, src int) int {
	return max(1, int(math.Min(math.Round(float64(other)*float64(n)/float64(src)), 1<<30)))
}

// scaleBy multiplies a length (0 stays 0), at least 1 otherwise, and caps
// the product so that absurd factors cannot overflow.
func scaleBy(n int, f float64) int {
	if n == 0 {
		return 0
	}
	return max(1, int(math.Min(math.Round(float64(n)*f), 1<<30)))
}
