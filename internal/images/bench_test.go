package images

import (
	"bytes"
	"testing"
)

// BenchmarkTransform is the cost of a cache miss: decode a 1600×1200
// JPEG, resize it to 800 pixels wide and encode it in each output format.
func BenchmarkTransform(b *testing.B) {
	src := encoded(b, testImage(1600, 1200), fmtJPEG)
	for _, format := range []string{"jpg", "png", "webp", "webpll", "gif"} {
		b.Run(format, func(b *testing.B) {
			p := Params{Width: Dim{Px: 800}}
			if _, err := Transform(bytes.NewReader(src), p, format); err != nil { // first WebP use compiles the encoder
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Transform(bytes.NewReader(src), p, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
