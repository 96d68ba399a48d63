package domain

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSanitizeFilename(t *testing.T) {
	long := strings.Repeat("é", 200) + ".jpeg" // 405 bytes
	for in, want := range map[string]string{
		"hello.txt":           "hello.txt",
		"../../etc/passwd":    "passwd",
		`C:\Users\me\cv.pdf`:  "cv.pdf",
		"dir/":                "file",
		"":                    "file",
		"..":                  "file",
		".":                   "file",
		".htaccess":           "htaccess",
		"  spaced name.txt  ": "spaced name.txt",
		"nul\x00byte.txt":     "nulbyte.txt",
		"line\nbreak\r.txt":   "linebreak.txt",
		"bad\xffutf8.txt":     "badutf8.txt",
		"tab\there":           "tabhere",
		"日本語.png":             "日本語.png",
		long:                  strings.Repeat("é", 125) + ".jpeg",
		strings.Repeat("a", 300) + "." + strings.Repeat("x", 20): strings.Repeat("a", 255),
	} {
		got := SanitizeFilename(in)
		if got != want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", in, got, want)
		}
		if len(got) > MaxFilenameLen || strings.ContainsAny(got, "/\\\x00") {
			t.Errorf("SanitizeFilename(%q) = %q is not safe", in, got)
		}
	}
}

func TestNormalizeTags(t *testing.T) {
	got, err := NormalizeTags([]string{" a", "b ", "", "a", "c d"})
	if err != nil || !cmp.Equal(got, []string{"a", "b", "c d"}) {
		t.Errorf("NormalizeTags = %v, %v", got, err)
	}
	if got, err := NormalizeTags(nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("NormalizeTags(nil) = %#v, %v; want an empty list", got, err)
	}
	for _, bad := range [][]string{{"a,b"}, {"a\x00"}, {strings.Repeat("t", MaxTagLen+1)}, make([]string, 0)} {
		if len(bad) == 0 {
			for i := range MaxTags + 1 {
				bad = append(bad, string(rune('a'+i%26))+strings.Repeat("x", i))
			}
		}
		if _, err := NormalizeTags(bad); !IsKind(err, KindInvalid) {
			t.Errorf("NormalizeTags(%.40q) = %v, want 422", bad, err)
		}
	}
	if got := SplitTags(" , a,b "); !cmp.Equal(got, []string{" ", " a", "b "}) {
		t.Errorf("SplitTags = %q", got)
	}
	if got := SplitTags("  "); got != nil {
		t.Errorf("SplitTags(blank) = %q", got)
	}
}

func TestValidateFolder(t *testing.T) {
	f := Asset{Name: "  Photos  "}
	if err := ValidateFolder(&f); err != nil || f.Name != "Photos" {
		t.Errorf("ValidateFolder = %v, name %q", err, f.Name)
	}
	for _, bad := range []string{"", "   ", "a\nb", strings.Repeat("n", MaxTitleLen+1)} {
		if err := ValidateFolder(&Asset{Name: bad}); !IsKind(err, KindInvalid) {
			t.Errorf("ValidateFolder(%.20q) = %v, want 422", bad, err)
		}
	}
}
