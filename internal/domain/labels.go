package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Label groups content types of a stack. Labels nest: Parent names the
// uids of the labels a label sits under.
type Label struct {
	UID          string
	APIKey       string
	Name         string
	Parent       []string
	ContentTypes []string
	Version      int // starts at 1, raised by every update
	CreatedBy    string
	UpdatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ValidateLabel checks what a label can check alone: a name of at most 255
// characters, parent and content type uids that are non-empty and not
// repeated, and no label among its own parents. Whether the parents exist
// (and form no cycle) is the store's to check, inside the write.
func ValidateLabel(l *Label) error {
	if err := ValidateName("name", l.Name, true, 255); err != nil {
		return err
	}
	if err := plainText("name", l.Name); err != nil {
		return err
	}
	if err := distinctUIDs("parent", l.Parent); err != nil {
		return err
	}
	if l.UID != "" && slices.Contains(l.Parent, l.UID) {
		return ErrInvalid("parent", "must not name the label itself.")
	}
	return distinctUIDs("content_types", l.ContentTypes)
}

// plainText refuses text that cannot be stored as SQL text: NUL bytes and
// invalid UTF-8 (possible in form fields, which are not JSON-decoded).
func plainText(field, s string) error {
	if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
		return ErrInvalid(field, "must be UTF-8 text without NUL characters.")
	}
	return nil
}

// distinctUIDs checks a list of uids: none empty, none repeated.
func distinctUIDs(field string, uids []string) error {
	seen := make(map[string]bool, len(uids))
	for _, u := range uids {
		if u == "" {
			return ErrInvalid(field, "must not contain empty uids.")
		}
		if seen[u] {
			return ErrInvalid(field, fmt.Sprintf("names %q more than once.", u))
		}
		seen[u] = true
	}
	return nil
}

// LabelParentsValid checks a label's parents against the other labels of
// its stack (parents maps every existing label uid to its own parents):
// every parent must exist, and following parents upward must never lead
// back to the label.
func LabelParentsValid(l Label, parents map[string][]string) error {
	for _, p := range l.Parent {
		if _, ok := parents[p]; !ok {
			return ErrInvalid("parent", fmt.Sprintf("names an unknown label %q.", p))
		}
	}
	seen := map[string]bool{}
	queue := slices.Clone(l.Parent)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == l.UID {
			return ErrInvalid("parent", "would make the label its own ancestor.")
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		queue = append(queue, parents[p]...)
	}
	return nil
}
