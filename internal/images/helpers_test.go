package images

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/url"
	"testing"

	genwebp "github.com/gen2brain/webp"
)

// Quadrant colours of testImage: red, green, blue and white corners.
var (
	red   = color.NRGBA{255, 0, 0, 255}
	green = color.NRGBA{0, 255, 0, 255}
	blue  = color.NRGBA{0, 0, 255, 255}
	white = color.NRGBA{255, 255, 255, 255}
)

// testImage is a w×h image whose quarters are red (top left), green (top
// right), blue (bottom left) and white (bottom right), so a test can tell
// where each part of the source went.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			switch {
			case x >= w/2 && y < h/2:
				c = green
			case x < w/2 && y >= h/2:
				c = blue
			case x >= w/2 && y >= h/2:
				c = white
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// encoded is img in one of the input formats.
func encoded(t testing.TB, img image.Image, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case fmtPNG:
		err = png.Encode(&b, img)
	case fmtJPEG:
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 95})
	case fmtGIF:
		err = gif.Encode(&b, img, nil)
	case fmtWebP:
		err = genwebp.Encode(&b, img, genwebp.Options{Lossless: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is the start of a PNG whose header claims w×h pixels, with no
// pixel data: what a decompression bomb shows before it is decoded.
func pngBomb(w, h uint32) []byte {
	var ihdr bytes.Buffer
	ihdr.WriteString("IHDR")
	binary.Write(&ihdr, binary.BigEndian, w)
	binary.Write(&ihdr, binary.BigEndian, h)
	ihdr.Write([]byte{8, 6, 0, 0, 0}) // 8-bit RGBA
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr.Bytes())
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr.Bytes()))
	return b.Bytes()
}

// jpegWithOrientation is a JPEG of img whose EXIF says orientation o.
func jpegWithOrientation(t testing.TB, img image.Image, o uint16) []byte {
	t.Helper()
	plain := encoded(t, img, fmtJPEG)
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, binary.LittleEndian, uint32(8)) // first IFD
	binary.Write(&tiff, binary.LittleEndian, uint16(1)) // one entry
	binary.Write(&tiff, binary.LittleEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.LittleEndian, uint32(1))
	binary.Write(&tiff, binary.LittleEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.LittleEndian, uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var b bytes.Buffer
	b.Write(plain[:2]) // SOI
	b.Write([]byte{0xff, 0xe1})
	binary.Write(&b, binary.BigEndian, uint16(len(seg)+2))
	b.Write(seg)
	b.Write(plain[2:])
	return b.Bytes()
}

// mustParse parses a query the test knows to be valid.
func mustParse(t testing.TB, query string) Params {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", query, err)
	}
	return p
}

// decodeOutput decodes a transform's answer with the decoder of the
// format its bytes say, which must be want.
func decodeOutput(t testing.TB, out []byte, want string) image.Image {
	t.Helper()
	if got := sniff(out); got != want {
		t.Fatalf("output is %q, want %q", got, want)
	}
	img, _, err := decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	return img
}
