package input

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// BulkBody is the body of POST /v3/bulk/{publish,unpublish,delete}, not
// wrapped in a key, as the official SDK sends it.
type BulkBody struct {
	Entries      []BulkEntry `json:"entries"`
	Assets       []BulkAsset `json:"assets"`
	Locales      []string    `json:"locales"`
	Environments []string    `json:"environments"`
	ScheduledAt  string      `json:"scheduled_at"`
}

// BulkEntry is one entry of a bulk body.
type BulkEntry struct {
	UID            string          `json:"uid"`
	ContentType    string          `json:"content_type"`
	ContentTypeUID string          `json:"content_type_uid"` // accepted as a synonym of content_type
	Locale         string          `json:"locale"`
	Version        json.RawMessage `json:"version"`
}

// BulkAsset is one asset of a bulk body.
type BulkAsset struct {
	UID     string          `json:"uid"`
	Version json.RawMessage `json:"version"`
}

// EntryTarget is a checked entry of a bulk body (the fields of
// store.EntryTarget).
type EntryTarget struct {
	ContentType string
	UID         string
	Locales     []string
	Locale      string
	Version     int
}

// AssetTarget is a checked asset of a bulk body (the fields of
// store.AssetTarget).
type AssetTarget struct {
	UID     string
	Locales []string
	Version int
}

// BulkEntryTarget checks entry i of a bulk body. Without locales it acts
// in its own locale, the master when it names none.
func BulkEntryTarget(i int, e BulkEntry, locales []string, master string) (EntryTarget, error) {
	at := fmt.Sprintf("entries.%d", i)
	ct := e.ContentType
	if ct == "" {
		ct = e.ContentTypeUID
	}
	for _, s := range []string{e.UID, ct, e.Locale} {
		if !domain.CleanText(s) {
			return EntryTarget{}, domain.ErrInvalid(at, "holds NUL characters or invalid UTF-8.")
		}
	}
	if strings.TrimSpace(e.UID) == "" || strings.TrimSpace(ct) == "" {
		return EntryTarget{}, domain.ErrInvalid(at, "must have a uid and a content_type.")
	}
	v, err := PublishVersion(e.Version)
	if err != nil {
		return EntryTarget{}, domain.ErrInvalid(at+".version", "must be a version number (1, 2, …).")
	}
	t := EntryTarget{ContentType: ct, UID: e.UID, Locale: e.Locale, Version: v, Locales: locales}
	if len(locales) == 0 {
		t.Locales = []string{master}
		if e.Locale != "" {
			t.Locales = []string{e.Locale}
		}
	}
	return t, nil
}

// BulkAssetTarget checks asset i of a bulk body. Without locales it acts
// in the master locale.
func BulkAssetTarget(i int, as BulkAsset, locales []string, master string) (AssetTarget, error) {
	at := fmt.Sprintf("assets.%d", i)
	if !domain.CleanText(as.UID) || strings.TrimSpace(as.UID) == "" {
		return AssetTarget{}, domain.ErrInvalid(at, "must have a uid.")
	}
	v, err := PublishVersion(as.Version)
	if err != nil {
		return AssetTarget{}, domain.ErrInvalid(at+".version", "must be a version number (1, 2, …).")
	}
	t := AssetTarget{UID: as.UID, Version: v, Locales: locales}
	if len(locales) == 0 {
		t.Locales = []string{master}
	}
	return t, nil
}
