// Package images implements Contentstack's Image Delivery parameters on
// asset files: the parser of the query parameters (this file), the
// geometry they ask for, the transform itself (decode, resize, encode, all
// pure Go) within bounds that keep a decompression bomb from exhausting
// memory, and a bounded disk cache of the variants.
//
// It knows nothing of HTTP or SQL: the api package reads the query, looks
// the asset up and serves what Service returns.
package images

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// Dim is a length asked for in a parameter: a number of pixels, or a
// fraction of the source's length (0.5 or 50p both mean half), kept in
// billionths so that every spelling of one value compares equal.
type Dim struct {
	Px   int   // > 0: pixels
	Nano int64 // > 0: fraction of the source length in billionths (Px is 0)
}

// IsZero reports whether the length was not given (or is 0).
func (d Dim) IsZero() bool { return d.Px == 0 && d.Nano == 0 }

// frac is the fraction of the source length d stands for.
func (d Dim) frac() float64 { return float64(d.Nano) / 1e9 }

// Of resolves d against a source length: at least 1 pixel.
func (d Dim) Of(src int) int {
	if d.Px > 0 {
		return d.Px
	}
	return max(1, int(math.Min(math.Round(d.frac()*float64(src)), 1<<30)))
}

// String is the canonical spelling: pixels, or a percentage ("50p").
func (d Dim) String() string {
	if d.Px > 0 {
		return strconv.Itoa(d.Px)
	}
	return decimalText(d.Nano, 7) + "p"
}

// Pos places a crop region on one axis: centred (the zero value), at an
// absolute position of its top or left edge (x/y, pixels or a fraction of
// the source), or at an offset that shares the space left over (offset-x,
// offset-y, 0 to 100: 0 is the left or top edge, 50 the centre).
type Pos struct {
	Abs    *Dim     // x or y
	Offset *float64 // offset-x or offset-y
}

func (p Pos) String(axis string) string {
	switch {
	case p.Abs != nil:
		return "," + axis + p.Abs.String()
	case p.Offset != nil:
		return ",offset-" + axis + fmtFloat(*p.Offset)
	}
	return ""
}

// Crop is the crop parameter: a region given by its size (W,H) or by an
// aspect ratio (the largest region of that ratio), placed on each axis.
type Crop struct {
	W, H           Dim     // region size, unless Ratio
	RatioW, RatioH float64 // region aspect ratio, when Ratio
	Ratio          bool
	X, Y           Pos
	Safe           bool // a region outside the image is cut to the image instead of refused
	Smart          bool // accepted; stackd crops from the position given (the centre by default)
}

func (c Crop) String() string {
	s := c.W.String() + "," + c.H.String()
	if c.Ratio {
		s = fmtFloat(c.RatioW) + ":" + fmtFloat(c.RatioH)
	}
	s += c.X.String("x") + c.Y.String("y")
	if c.Safe {
		s += ",safe"
	}
	if c.Smart {
		s += ",smart"
	}
	return s
}

// Params are the transform parameters of one request. The zero value asks
// for nothing.
type Params struct {
	Width, Height Dim
	Fit           string // "", "bounds", "crop" or "cover"
	Crop          *Crop
	Format        string // "", "jpg", "pjpg", "png", "gif", "webp", "webpll", "webply"
	AutoWebP      bool   // auto=webp or format=auto: WebP for clients that accept it
	Quality       int    // 1..100; 0: the default (85)
	DPR           float64
	Orient        int // 1..8; 0: not given
	NoUpscale     bool
	Trim          *[4]Dim // top, right, bottom, left
	Filter        string  // resize-filter: "", "nearest", "bilinear", "bicubic", "lanczos2", "lanczos3"
}

// IsZero reports whether no transform parameter was given.
func (p Params) IsZero() bool { return p == Params{} }

// Limits on parameter values (Contentstack's documented ranges).
const (
	MaxPixelParam = 8192  // width and height in pixels
	MaxDPR        = 10000 // dpr
)

// parsers reads each parameter stackd implements into Params.
var parsers = map[string]func(*Params, string) error{
	"width":         func(p *Params, v string) (err error) { p.Width, err = parseDim(v, false); return },
	"height":        func(p *Params, v string) (err error) { p.Height, err = parseDim(v, false); return },
	"fit":           parseFit,
	"crop":          func(p *Params, v string) (err error) { p.Crop, err = parseCrop(v); return },
	"format":        parseFormat,
	"auto":          parseAuto,
	"quality":       func(p *Params, v string) (err error) { p.Quality, err = parseInt(v, 1, 100); return },
	"dpr":           parseDPR,
	"orient":        func(p *Params, v string) (err error) { p.Orient, err = parseInt(v, 1, 8); return },
	"disable":       parseDisable,
	"trim":          func(p *Params, v string) (err error) { p.Trim, err = parseTrim(v); return },
	"resize-filter": parseFilter,
}

// unsupported are Image Delivery parameters Contentstack documents that
// stackd does not implement: refused rather than silently ignored.
var unsupported = []string{"bg-color", "blur", "brightness", "canvas", "contrast", "frame", "overlay", "overlay-align",
	"overlay-height", "overlay-pad", "overlay-repeat", "overlay-width", "pad", "saturation", "sharpen"}

// paramOrder is the order in which Parse reads, and so reports, parameters.
var paramOrder = []string{"width", "height", "fit", "crop", "format", "auto", "quality", "dpr", "orient", "disable",
	"trim", "resize-filter"}

// Parse reads the Image Delivery parameters of a query. Other query
// parameters (environment, cache busters) are not its business and are
// ignored. A parameter given twice, an unknown value or an Image Delivery
// parameter stackd does not implement is a 422 naming the parameter; all
// such problems are reported together.
func Parse(q url.Values) (Params, error) {
	var p Params
	var bad *domain.Error
	fail := func(name, msg string) {
		if bad == nil {
			bad = domain.ErrInvalid(name, msg)
			bad.Message = "The image transform parameters are not valid."
			return
		}
		bad.WithField(name, msg)
	}
	for _, name := range paramOrder {
		vs, ok := q[name]
		switch {
		case !ok:
		case len(vs) > 1:
			fail(name, "must be given only once.")
		default:
			if err := parsers[name](&p, vs[0]); err != nil {
				fail(name, err.Error())
			}
		}
	}
	for _, name := range unsupported {
		if _, ok := q[name]; ok {
			fail(name, "is an Image Delivery parameter stackd does not implement.")
		}
	}
	if bad != nil {
		return Params{}, bad
	}
	return p, nil
}

var (
	reInt     = regexp.MustCompile(`^[0-9]{1,9}$`)
	reFrac    = regexp.MustCompile(`^0?\.[0-9]{1,9}$`)
	rePercent = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,7})?p$`)
	reDecimal = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{1,9})?$|^\.[0-9]{1,9}$`)
)

// parseDim reads a length: whole pixels (1 to MaxPixelParam, or 0 when
// zero is allowed), a fraction below 1 (0.5), or a percentage (50p, 250p).
func parseDim(v string, zero bool) (Dim, error) {
	var d Dim
	switch {
	case reInt.MatchString(v):
		d.Px, _ = strconv.Atoi(v)
		if d.Px > MaxPixelParam {
			return Dim{}, fmt.Errorf("must be between 1 and %d pixels, a fraction such as 0.5, or a percentage such as 50p.", MaxPixelParam)
		}
	case reFrac.MatchString(v):
		d.Nano = decimalNanos(v, 9)
	case rePercent.MatchString(v):
		d.Nano = decimalNanos(strings.TrimSuffix(v, "p"), 7)
	default:
		return Dim{}, fmt.Errorf("must be a number of pixels (1 to %d), a fraction such as 0.5, or a percentage such as 50p.", MaxPixelParam)
	}
	if d.IsZero() && !zero {
		return Dim{}, errors.New("must be more than 0.")
	}
	return d, nil
}

// decimalNanos reads a decimal number already checked by a pattern to
// have at most scale decimals, as an integer count of 10^-scale: with
// scale 9 a fraction in billionths, with scale 7 a percentage in
// billionths of the whole.
func decimalNanos(v string, scale int) int64 {
	whole, dec, _ := strings.Cut(v, ".")
	dec += strings.Repeat("0", scale-len(dec))
	n, _ := strconv.ParseInt(whole+dec, 10, 64)
	return n
}

// decimalText writes n units of 10^-scale as a decimal number without
// trailing zeros.
func decimalText(n int64, scale int) string {
	s := fmt.Sprintf("%0*d", scale+1, n)
	whole, dec := s[:len(s)-scale], strings.TrimRight(s[len(s)-scale:], "0")
	if dec == "" {
		return whole
	}
	return whole + "." + dec
}

func parseInt(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || !reInt.MatchString(v) || n < lo || n > hi {
		return 0, fmt.Errorf("must be a whole number from %d to %d.", lo, hi)
	}
	return n, nil
}

func parseFit(p *Params, v string) error {
	switch v {
	case "bounds", "crop", "cover":
		p.Fit = v
		return nil
	}
	return errors.New("must be bounds, crop or cover.")
}

func parseFormat(p *Params, v string) error {
	switch v {
	case "jpg", "pjpg", "png", "gif", "webp", "webpll", "webply":
		p.Format = v
		return nil
	case "auto":
		p.AutoWebP = true
		return nil
	case "avif":
		return errors.New("avif is not an output format of stackd; use webp, jpg, pjpg, png or gif.")
	}
	return errors.New("must be one of jpg, pjpg, png, gif, webp, webpll, webply or auto.")
}

func parseAuto(p *Params, v string) error {
	if v != "webp" {
		return errors.New("must be webp.")
	}
	p.AutoWebP = true
	return nil
}

func parseDisable(p *Params, v string) error {
	if v != "upscale" {
		return errors.New("must be upscale.")
	}
	p.NoUpscale = true
	return nil
}

func parseDPR(p *Params, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !reDecimal.MatchString(v) || f <= 0 || f > MaxDPR {
		return fmt.Errorf("must be a number more than 0 and at most %d.", MaxDPR)
	}
	p.DPR = f
	return nil
}

func parseFilter(p *Params, v string) error {
	switch v {
	case "nearest", "bilinear", "bicubic", "lanczos2", "lanczos3":
		p.Filter = v
		return nil
	}
	return errors.New("must be nearest, bilinear, bicubic, lanczos2 or lanczos3.")
}

// parseTrim reads one to four edges in CSS shorthand order (top, right,
// bottom, left), each in pixels or as a fraction of the image's side.
func parseTrim(v string) (*[4]Dim, error) {
	parts := strings.Split(v, ",")
	if len(parts) > 4 {
		return nil, errors.New("takes at most four values: top, right, bottom, left.")
	}
	var d []Dim
	for _, s := range parts {
		x, err := parseDim(s, true)
		if err != nil || x.Nano >= 1e9 {
			return nil, errors.New("must be one to four values (top,right,bottom,left), each in pixels or a fraction below 1.")
		}
		d = append(d, x)
	}
	var t [4]Dim
	switch len(d) {
	case 1:
		t = [4]Dim{d[0], d[0], d[0], d[0]}
	case 2:
		t = [4]Dim{d[0], d[1], d[0], d[1]}
	case 3:
		t = [4]Dim{d[0], d[1], d[2], d[1]}
	default:
		t = [4]Dim{d[0], d[1], d[2], d[3]}
	}
	return &t, nil
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Normalized is the canonical text of the parameters that shape the
// pixels, in a fixed order, with numbers in one spelling: two queries
// asking for the same image give the same text. The output format is not
// part of it (it may depend on the request's Accept header); the cache key
// adds the format actually produced.
func (p Params) Normalized() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + v)
	}
	if !p.Width.IsZero() {
		add("width", p.Width.String())
	}
	if !p.Height.IsZero() {
		add("height", p.Height.String())
	}
	if p.Fit != "" {
		add("fit", p.Fit)
	}
	if p.Crop != nil {
		add("crop", p.Crop.String())
	}
	if p.Quality > 0 {
		add("quality", strconv.Itoa(p.Quality))
	}
	if p.DPR > 0 {
		add("dpr", fmtFloat(p.DPR))
	}
	if p.Orient > 0 {
		add("orient", strconv.Itoa(p.Orient))
	}
	if p.NoUpscale {
		add("disable", "upscale")
	}
	if p.Trim != nil {
		add("trim", p.Trim[0].String()+","+p.Trim[1].String()+","+p.Trim[2].String()+","+p.Trim[3].String())
	}
	if p.Filter != "" {
		add("resize-filter", p.Filter)
	}
	return b.String()
}
