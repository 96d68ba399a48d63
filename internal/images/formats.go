package images

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	genwebp "github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"

	"github.com/stackd/stackd/internal/domain"
)

// MaxInputPixels bounds the images stackd decodes: a larger one (or a
// header that claims to be larger, as a decompression bomb does) is
// refused from its header, before any pixel is allocated.
const MaxInputPixels = 50_000_000

// maxHeader is how much of a file may come before its image size (JPEG
// metadata segments come first).
const maxHeader = 256 << 10

// Source formats stackd decodes.
const (
	fmtJPEG = "jpeg"
	fmtPNG  = "png"
	fmtGIF  = "gif"
	fmtWebP = "webp"
)

// Transformable reports whether a file of this content type is an image
// the transforms apply to. Other files (SVG, PDF, anything) are served as
// they are whatever the parameters say.
func Transformable(contentType string) bool {
	switch contentType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// sniff names the format of an image from its first bytes; "" when it is
// none stackd decodes.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return fmtJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return fmtGIF
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return fmtWebP
	}
	return ""
}

// Dimensions reads the width and height of an image from its header,
// without decoding it; ok is false for anything that is not a JPEG, PNG,
// GIF or WebP image stackd can read.
func Dimensions(r io.Reader) (width, height int, ok bool) {
	cfg, _, err := decodeConfig(bufio.NewReader(r))
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}

// decodeConfig reads the header of an image: its format and size.
func decodeConfig(br *bufio.Reader) (image.Config, string, error) {
	head, _ := br.Peek(12)
	f := sniff(head)
	var cfg image.Config
	var err error
	switch f {
	case fmtJPEG:
		cfg, err = jpeg.DecodeConfig(br)
	case fmtPNG:
		cfg, err = png.DecodeConfig(br)
	case fmtGIF:
		cfg, err = gif.DecodeConfig(br)
	case fmtWebP:
		cfg, err = xwebp.DecodeConfig(br)
	default:
		err = errors.New("not a JPEG, PNG, GIF or WebP image")
	}
	return cfg, f, err
}

// decode reads an image after checking its header against
// MaxInputPixels. A JPEG is turned as its EXIF orientation says; a GIF
// gives its first frame.
func decode(r io.Reader) (image.Image, string, error) {
	br := bufio.NewReaderSize(r, maxHeader)
	cfg, f, err := decodeConfigPeek(br)
	if err != nil {
		return nil, f, errUndecodable(err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxInputPixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, f, domain.ErrInvalid("image", fmt.Sprintf("is %d×%d pixels; images over %d megapixels are not transformed.",
			cfg.Width, cfg.Height, MaxInputPixels/1_000_000))
	}
	var img image.Image
	switch f {
	case fmtJPEG:
		img, err = imaging.Decode(br, imaging.AutoOrientation(true))
	case fmtPNG:
		img, err = png.Decode(br)
	case fmtGIF:
		img, err = gif.Decode(br)
	case fmtWebP:
		img, err = xwebp.Decode(br)
	}
	if err != nil {
		return nil, f, errUndecodable(err)
	}
	return img, f, nil
}

// decodeConfigPeek reads the header without consuming it: the decoders
// read the header again. Headers bigger than the buffer (a JPEG with large
// metadata segments) are read from a copy of what was consumed.
func decodeConfigPeek(br *bufio.Reader) (image.Config, string, error) {
	head, _ := br.Peek(br.Size())
	return decodeConfig(bufio.NewReader(io.MultiReader(bytes.NewReader(head), errReader{})))
}

// errReader ends a header read that ran past the peeked bytes.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("image header larger than 256 KiB") }

func errUndecodable(err error) error {
	return domain.ErrInvalid("image", "could not be decoded for a transform: "+err.Error()+".")
}

// encode writes img in the output format f ("jpg", "pjpg", "png", "gif",
// "webp", "webpll", "webply") at quality q (1..100, lossy formats only).
func encode(w io.Writer, img image.Image, f string, q int) error {
	switch f {
	case "jpg", "pjpg":
		return jpeg.Encode(w, flatten(img), &jpeg.Options{Quality: q})
	case "png":
		return png.Encode(w, img)
	case "gif":
		return gif.Encode(w, img, &gif.Options{NumColors: 256})
	case "webpll":
		return genwebp.Encode(w, img, genwebp.Options{Lossless: true, Method: 4})
	case "webp", "webply":
		return genwebp.Encode(w, img, genwebp.Options{Quality: q, Method: 4})
	}
	return fmt.Errorf("images: unknown output format %q", f)
}

// flatten lays an image with transparency on white: JPEG has no alpha. An
// opaque NRGBA image is handed to the encoder as RGBA (the same bytes when
// every pixel is opaque), which the JPEG encoder reads without a call per
// pixel.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		bg := imaging.New(img.Bounds().Dx(), img.Bounds().Dy(), image.White.C)
		img = imaging.Overlay(bg, img, image.Point{}, 1)
	}
	if n, ok := img.(*image.NRGBA); ok {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}
