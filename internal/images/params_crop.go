package images

import (
	"errors"
	"strconv"
	"strings"
)

var errCrop = errors.New("must be width,height or a ratio such as 16:9, then optionally x and y (or offset-x and offset-y) and safe or smart, " +
	"for example 300,400,x10,y20 or 4:3,offset-x25,safe.")

// parseCrop reads the crop parameter: "W,H" (each in pixels, a fraction or
// a percentage) or "W:H" (an aspect ratio), then optional placements
// (xN, yN, offset-xN, offset-yN, one per axis) and the modes safe and
// smart, in any order after the size.
func parseCrop(v string) (*Crop, error) {
	parts := strings.Split(v, ",")
	c := &Crop{}
	rest, err := c.size(parts)
	if err != nil {
		return nil, err
	}
	for _, s := range rest {
		if err := c.option(s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// size reads the region's size from the first one or two parts and
// returns the parts after it.
func (c *Crop) size(parts []string) ([]string, error) {
	if w, h, ok := strings.Cut(parts[0], ":"); ok {
		rw, err1 := positive(w)
		rh, err2 := positive(h)
		if err1 != nil || err2 != nil {
			return nil, errCrop
		}
		c.Ratio, c.RatioW, c.RatioH = true, rw, rh
		return parts[1:], nil
	}
	if len(parts) < 2 {
		return nil, errCrop
	}
	var err1, err2 error
	c.W, err1 = parseDim(parts[0], false)
	c.H, err2 = parseDim(parts[1], false)
	if err1 != nil || err2 != nil || c.W.Nano > 1e9 || c.H.Nano > 1e9 {
		return nil, errCrop
	}
	return parts[2:], nil
}

// option reads one placement or mode; each may be given once, and an axis
// takes either a position or an offset.
func (c *Crop) option(s string) error {
	switch {
	case s == "safe" && !c.Safe:
		c.Safe = true
	case s == "smart" && !c.Smart:
		c.Smart = true
	case strings.HasPrefix(s, "offset-x"):
		return setOffset(&c.X, strings.TrimPrefix(s, "offset-x"))
	case strings.HasPrefix(s, "offset-y"):
		return setOffset(&c.Y, strings.TrimPrefix(s, "offset-y"))
	case strings.HasPrefix(s, "x"):
		return setAbs(&c.X, s[1:])
	case strings.HasPrefix(s, "y"):
		return setAbs(&c.Y, s[1:])
	default:
		return errCrop
	}
	return nil
}

func setAbs(p *Pos, v string) error {
	d, err := parseDim(v, true)
	if err != nil || p.Abs != nil || p.Offset != nil || d.Nano >= 1e9 {
		return errCrop
	}
	p.Abs = &d
	return nil
}

func setOffset(p *Pos, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !reDecimal.MatchString(v) || f > 100 || p.Abs != nil || p.Offset != nil {
		return errCrop
	}
	p.Offset = &f
	return nil
}

// positive reads a decimal number above 0 (a ratio's term).
func positive(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !reDecimal.MatchString(v) || f <= 0 {
		return 0, errCrop
	}
	return f, nil
}
