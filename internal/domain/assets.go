package domain

import (
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Asset is an item of a stack's asset library: an uploaded file, or a
// folder (IsDir) that holds files and other folders.
type Asset struct {
	UID         string
	APIKey      string
	IsDir       bool
	ParentUID   string // the folder it is in; "" at the root
	Name        string // folders only
	Title       string // files only, like the rest below
	Description string
	Tags        []string
	Filename    string // sanitized (SanitizeFilename); shown, never used as a path
	ContentType string
	FileSize    int64
	FileKey     string // where the bytes are in the file store
	URLSecret   string // the unguessable part of the public URL
	Version     int
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time // of this version, for a version snapshot

	// Width and Height are an image's size in pixels, read from the file's
	// header at upload; 0 when unknown (not an image stackd reads, or
	// uploaded before stackd stored sizes).
	Width, Height int
}

// HasDimension reports whether the asset's pixel size is known, so that
// include_dimension can show it.
func (a Asset) HasDimension() bool { return a.Width > 0 && a.Height > 0 }

// FolderContentType is the content_type Contentstack gives folders (the
// spelling is Contentstack's).
const FolderContentType = "application/vnd.contenstack.folder"

// Limits on asset fields.
const (
	MaxTitleLen       = 255
	MaxDescriptionLen = 2000
	MaxTagLen         = 100
	MaxTags           = 50
	MaxFilenameLen    = 255 // bytes, as most file systems count
)

// ValidateAsset checks a file asset's title, description, folder and
// tags (no NUL or invalid UTF-8 in any), and normalizes the tags
// (NormalizeTags).
func ValidateAsset(a *Asset) error {
	for _, f := range [][2]string{{"title", a.Title}, {"description", a.Description}, {"parent_uid", a.ParentUID}} {
		if !CleanText(f[1]) {
			return ErrInvalid(f[0], "must not contain NUL characters or invalid UTF-8.")
		}
	}
	if err := ValidateName("title", a.Title, true, MaxTitleLen); err != nil {
		return err
	}
	a.Title = strings.TrimSpace(a.Title)
	if err := ValidateName("description", a.Description, false, MaxDescriptionLen); err != nil {
		return err
	}
	tags, err := NormalizeTags(a.Tags)
	if err != nil {
		return err
	}
	a.Tags = tags
	return nil
}

// ValidateFolder checks a folder's name and parent (no NUL or invalid
// UTF-8).
func ValidateFolder(a *Asset) error {
	if !CleanText(a.Name) || !CleanText(a.ParentUID) {
		field := "name"
		if !CleanText(a.ParentUID) {
			field = "parent_uid"
		}
		return ErrInvalid(field, "must not contain NUL characters or invalid UTF-8.")
	}
	a.Name = strings.TrimSpace(a.Name)
	if err := ValidateName("name", a.Name, true, MaxTitleLen); err != nil {
		return err
	}
	if strings.ContainsFunc(a.Name, unicode.IsControl) {
		return ErrInvalid("name", "must not contain control characters.")
	}
	return nil
}

// SplitTags reads the comma-separated tags of an upload form.
func SplitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// NormalizeTags trims tags, drops empty ones and duplicates, and checks
// their number and length. Tags may not contain commas, since uploads send
// them comma-joined.
func NormalizeTags(tags []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || seen[t]:
			continue
		case strings.ContainsRune(t, ',') || strings.ContainsFunc(t, unicode.IsControl) || !utf8.ValidString(t):
			return nil, ErrInvalid("tags", "must not contain commas, control characters or invalid UTF-8.")
		case utf8.RuneCountInString(t) > MaxTagLen:
			return nil, ErrInvalid("tags", "has a tag that is too long.")
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, ErrInvalid("tags", "has too many tags.")
	}
	return out, nil
}

// SanitizeFilename turns the file name a client sent into one that is safe
// to show and to hand to tools that save downloads under it (the csdx export
// does): only the last path element (after '/' or '\'), no control
// characters, no leading dots or surrounding spaces, at most 255 bytes
// (cut at a rune boundary, keeping a short extension). What is left of an
// empty or hostile name is "file".
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimSpace(name)
	if len(name) > MaxFilenameLen {
		name = truncateName(name)
	}
	if name == "" {
		return "file"
	}
	return name
}

// truncateName shortens name to MaxFilenameLen bytes, keeping an extension
// of up to 16 bytes.
func truncateName(name string) string {
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	base := strings.TrimSuffix(name, ext)
	limit := MaxFilenameLen - len(ext)
	for len(base) > limit {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	return base + ext
}
