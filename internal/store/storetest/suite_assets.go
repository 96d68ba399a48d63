package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// RunAssets is the conformance suite of the asset and folder methods.
func RunAssets(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"AssetLifecycle", testAssetLifecycle},
		{"AssetVersionsAndSecrets", testAssetVersionsAndSecrets},
		{"FolderRules", testFolderRules},
		{"FolderDepth", testFolderDepth},
		{"AssetQueries", testAssetQueries},
		{"AssetsGoWithTheStack", testAssetsGoWithTheStack},
		{"ConcurrentAssetUpdates", testConcurrentAssetUpdates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			tt.fn(t, s)
		})
	}
}

// seedAssetStacks creates n stacks of one owner and returns their api keys.
func seedAssetStacks(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	org, owner := seedOrg(t, s)
	var keys []string
	for range n {
		st, roles := newStack(owner, org)
		if err := s.CreateStack(context.Background(), st, roles, nil); err != nil {
			t.Fatalf("CreateStack: %v", err)
		}
		keys = append(keys, st.APIKey)
	}
	return keys
}

func seedAssetStack(t *testing.T, s *store.Store) string {
	t.Helper()
	return seedAssetStacks(t, s, 1)[0]
}

var secretSeq int

func newFile(apiKey, title, parent string) domain.Asset {
	uid := domain.NewUID()
	secretSeq++
	return domain.Asset{UID: uid, APIKey: apiKey, ParentUID: parent, Title: title, Tags: []string{},
		Filename: title + ".txt", ContentType: "text/plain", FileSize: 3, FileKey: apiKey + "/" + uid + "/k1",
		URLSecret: fmt.Sprintf("%032x", secretSeq), Version: 1, CreatedBy: "u1", UpdatedBy: "u1", CreatedAt: t0, UpdatedAt: t0}
}

func newFolder(apiKey, name, parent string) domain.Asset {
	return domain.Asset{UID: domain.NewUID(), APIKey: apiKey, IsDir: true, Name: name, ParentUID: parent,
		ContentType: domain.FolderContentType, Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func mustCreate(t *testing.T, s *store.Store, a domain.Asset) domain.Asset {
	t.Helper()
	var err error
	if a.IsDir {
		err = s.CreateFolder(context.Background(), a, nil)
	} else {
		err = s.CreateAsset(context.Background(), a, nil)
	}
	if err != nil {
		t.Fatalf("create %s: %v", a.UID, err)
	}
	return a
}

func testAssetLifecycle(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := seedAssetStack(t, s)
	a := newFile(key, "one", "")
	a.Tags = []string{"x", "y"}
	mustCreate(t, s, a)
	got, err := s.Asset(ctx, key, a.UID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("Asset differs (-want +got):\n%s", diff)
	}
	if _, err := s.Folder(ctx, key, a.UID); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Folder(asset uid) = %v, want 422", err)
	}
	if _, err := s.Asset(ctx, domain.NewUID(), a.UID); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Asset of another stack = %v, want 422", err)
	}
	// A failing change changes nothing.
	_, err = s.UpdateAsset(ctx, key, a.UID, func(x *domain.Asset) error {
		x.Title = "changed"
		return domain.ErrInvalid("title", "no")
	}, nil)
	wantKind(t, err, domain.KindInvalid)
	if got, _ := s.Asset(ctx, key, a.UID); got.Title != "one" || got.Version != 1 {
		t.Errorf("after failed update: %+v", got)
	}
	up, err := s.UpdateAsset(ctx, key, a.UID, func(x *domain.Asset) error {
		x.Title, x.Tags, x.UpdatedBy, x.UpdatedAt = "two", []string{"z"}, "u2", t0.Add(time.Hour)
		return nil
	}, nil)
	if err != nil || up.Version != 2 || up.Title != "two" || up.CreatedAt != t0 {
		t.Fatalf("UpdateAsset = %+v, %v", up, err)
	}
	keys, err := s.DeleteAsset(ctx, key, a.UID, domain.IfMatch{}, nil)
	if err != nil || !cmp.Equal(keys, []string{a.FileKey}) {
		t.Fatalf("DeleteAsset = %v, %v; want the one file key", keys, err)
	}
	if _, err := s.Asset(ctx, key, a.UID); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Asset after delete = %v", err)
	}
	if _, err := s.DeleteAsset(ctx, key, a.UID, domain.IfMatch{}, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("second DeleteAsset = %v", err)
	}
}

func testAssetVersionsAndSecrets(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := seedAssetStack(t, s)
	a := mustCreate(t, s, newFile(key, "one", ""))
	other := mustCreate(t, s, newFile(key, "other", ""))
	_, err := s.UpdateAsset(ctx, key, a.UID, func(x *domain.Asset) error { x.Title = "meta"; return nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := s.UpdateAsset(ctx, key, a.UID, func(x *domain.Asset) error {
		x.FileKey, x.URLSecret, x.Filename, x.FileSize = key+"/"+a.UID+"/k2", fmt.Sprintf("%032x", 999), "new.txt", 9
		return nil
	}, nil)
	if err != nil || v3.Version != 3 {
		t.Fatalf("replace: %+v %v", v3, err)
	}
	vs, total, err := s.AssetVersions(ctx, key, a.UID, 0, 10)
	if err != nil || total != 3 || len(vs) != 3 || vs[0].Version != 3 || vs[2].Version != 1 {
		t.Fatalf("AssetVersions = %+v, %d, %v", vs, total, err)
	}
	page, _, _ := s.AssetVersions(ctx, key, a.UID, 1, 1)
	if len(page) != 1 || page[0].Version != 2 || page[0].Title != "meta" {
		t.Errorf("page 2 of 1: %+v", page)
	}
	v1, err := s.AssetVersion(ctx, key, a.UID, 1)
	if err != nil || v1.Title != "one" || v1.FileKey != a.FileKey || v1.URLSecret != a.URLSecret || v1.Filename != "one.txt" {
		t.Errorf("AssetVersion(1) = %+v, %v", v1, err)
	}
	if _, err := s.AssetVersion(ctx, key, a.UID, 4); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("AssetVersion(4) = %v", err)
	}
	// Versions 1 and 2 share the file and its secret: the later one answers.
	if got, err := s.AssetBySecret(ctx, key, a.UID, a.URLSecret); err != nil || got.Version != 2 || got.Title != "meta" {
		t.Errorf("AssetBySecret(v1 secret) = %+v, %v", got, err)
	}
	if got, err := s.AssetBySecret(ctx, key, a.UID, v3.URLSecret); err != nil || got.Version != 3 || got.FileKey != v3.FileKey {
		t.Errorf("AssetBySecret(v3 secret) = %+v, %v", got, err)
	}
	for name, c := range map[string][3]string{
		"wrong secret":        {key, a.UID, fmt.Sprintf("%032x", 12345)},
		"other asset secret":  {key, a.UID, other.URLSecret},
		"other stack":         {domain.NewUID(), a.UID, a.URLSecret},
		"empty secret":        {key, a.UID, ""},
		"secret of the other": {key, other.UID, a.URLSecret},
	} {
		if _, err := s.AssetBySecret(ctx, c[0], c[1], c[2]); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%s: AssetBySecret = %v, want 422", name, err)
		}
	}
	keys, err := s.DeleteAsset(ctx, key, a.UID, domain.IfMatch{}, nil)
	if diff := cmp.Diff([]string{a.FileKey, v3.FileKey}, keys, cmpopts.SortSlices(func(x, y string) bool { return x < y })); err != nil || diff != "" {
		t.Errorf("DeleteAsset keys (-want +got): %s %v", diff, err)
	}
	if _, _, err := s.AssetVersions(ctx, key, a.UID, 0, 10); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("AssetVersions after delete = %v", err)
	}
	if _, err := s.AssetBySecret(ctx, key, a.UID, v3.URLSecret); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("AssetBySecret after delete = %v", err)
	}
}

func testFolderRules(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keys := seedAssetStacks(t, s, 2)
	key, otherKey := keys[0], keys[1]
	file := mustCreate(t, s, newFile(key, "f", ""))
	for name, parent := range map[string]string{"unknown": domain.NewUID(), "a file": file.UID} {
		if err := s.CreateFolder(ctx, newFolder(key, "x", parent), nil); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("folder in %s parent: %v", name, err)
		}
		if err := s.CreateAsset(ctx, newFile(key, "x", parent), nil); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("file in %s parent: %v", name, err)
		}
	}
	foreign := mustCreate(t, s, newFolder(otherKey, "foreign", ""))
	if err := s.CreateAsset(ctx, newFile(key, "x", foreign.UID), nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("file in another stack's folder: %v", err)
	}
	a := mustCreate(t, s, newFolder(key, "a", ""))
	b := mustCreate(t, s, newFolder(key, "b", a.UID))
	c := mustCreate(t, s, newFolder(key, "c", b.UID))
	if got, err := s.Folder(ctx, key, c.UID); err != nil || got.ParentUID != b.UID || got.ContentType != domain.FolderContentType {
		t.Errorf("Folder(c) = %+v, %v", got, err)
	}
	if _, err := s.Asset(ctx, key, c.UID); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Asset(folder uid) = %v", err)
	}
	for _, target := range []string{a.UID, b.UID, c.UID} {
		_, err := s.UpdateFolder(ctx, key, a.UID, func(f *domain.Asset) error { f.ParentUID = target; return nil }, nil)
		if !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("moving a into %s: %v, want 422", target, err)
		}
	}
	moved, err := s.UpdateFolder(ctx, key, c.UID, func(f *domain.Asset) error { f.ParentUID, f.Name = "", "c2"; return nil }, nil)
	if err != nil || moved.ParentUID != "" || moved.Name != "c2" || moved.Version != 2 {
		t.Fatalf("move c to the top: %+v %v", moved, err)
	}
	if _, err := s.UpdateFolder(ctx, key, a.UID, func(f *domain.Asset) error { f.ParentUID = c.UID; return nil }, nil); err != nil {
		t.Fatalf("move a under c: %v", err)
	}
	inB := mustCreate(t, s, newFile(key, "inb", b.UID))
	if err := s.DeleteFolder(ctx, key, b.UID, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("delete non-empty b: %v", err)
	}
	if err := s.DeleteFolder(ctx, key, c.UID, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("delete c holding a: %v", err)
	}
	if err := s.DeleteFolder(ctx, key, inB.UID, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("DeleteFolder(file uid): %v", err)
	}
	if _, err := s.DeleteAsset(ctx, key, b.UID, domain.IfMatch{}, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("DeleteAsset(folder uid): %v", err)
	}
	if _, err := s.UpdateAsset(ctx, key, inB.UID, func(x *domain.Asset) error { x.ParentUID = ""; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFolder(ctx, key, b.UID, nil); err != nil {
		t.Errorf("delete emptied b: %v", err)
	}
	if _, err := s.Folder(ctx, key, b.UID); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Folder after delete: %v", err)
	}
}

func testFolderDepth(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := seedAssetStack(t, s)
	parent := ""
	var first string
	for i := 1; i <= store.MaxFolderDepth; i++ {
		f := mustCreate(t, s, newFolder(key, fmt.Sprint(i), parent))
		parent = f.UID
		if first == "" {
			first = f.UID
		}
	}
	if err := s.CreateFolder(ctx, newFolder(key, "too deep", parent), nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("folder %d deep: %v, want 422", store.MaxFolderDepth+1, err)
	}
	mustCreate(t, s, newFile(key, "deepest file", parent))
	top := mustCreate(t, s, newFolder(key, "top", ""))
	if _, err := s.UpdateFolder(ctx, key, top.UID, func(f *domain.Asset) error { f.ParentUID = parent; return nil }, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("moving a folder %d deep: %v, want 422", store.MaxFolderDepth+1, err)
	}
}

func testAssetQueries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keys := seedAssetStacks(t, s, 2)
	key := keys[0]
	f1 := mustCreate(t, s, newFolder(key, "f1", ""))
	mk := func(title, parent string, size int64, ctype string, tags []string, minute int) domain.Asset {
		a := newFile(key, title, parent)
		a.FileSize, a.ContentType, a.Tags = size, ctype, tags
		a.CreatedAt = t0.Add(time.Duration(minute) * time.Minute)
		return mustCreate(t, s, a)
	}
	a := mk("alpha", "", 30, "image/png", []string{"x", "y"}, 1)
	b := mk("bravo", f1.UID, 10, "text/plain", []string{"y"}, 2)
	c := mk("charlie", "", 20, "text/plain", nil, 3)
	mustCreate(t, s, newFile(keys[1], "elsewhere", "")) // another stack
	root := ""
	for _, tc := range []struct {
		name string
		q    store.AssetQuery
		want []string
		n    int
	}{
		{"all files", store.AssetQuery{}, []string{a.UID, b.UID, c.UID}, 3},
		{"with folders", store.AssetQuery{IncludeFolders: true}, []string{f1.UID, a.UID, b.UID, c.UID}, 4},
		{"top level", store.AssetQuery{Parent: &root, IncludeFolders: true}, []string{f1.UID, a.UID, c.UID}, 3},
		{"in f1", store.AssetQuery{Parent: &f1.UID}, []string{b.UID}, 1},
		{"desc", store.AssetQuery{Desc: true}, []string{c.UID, b.UID, a.UID}, 3},
		{"by size", store.AssetQuery{Sort: "file_size"}, []string{b.UID, c.UID, a.UID}, 3},
		{"by title desc", store.AssetQuery{Sort: "title", Desc: true}, []string{c.UID, b.UID, a.UID}, 3},
		{"paged", store.AssetQuery{Skip: 1, Limit: 1}, []string{b.UID}, 3},
		{"tag", store.AssetQuery{Conds: []store.AssetCond{{Field: "tags", Op: "$eq", Values: []any{"y"}}}}, []string{a.UID, b.UID}, 2},
		{"tag $nin", store.AssetQuery{Conds: []store.AssetCond{{Field: "tags", Op: "$nin", Values: []any{"x"}}}}, []string{b.UID, c.UID}, 2},
		{"type $in", store.AssetQuery{Conds: []store.AssetCond{{Field: "content_type", Op: "$in", Values: []any{"image/png", "a/b"}}}}, []string{a.UID}, 1},
		{"title $ne", store.AssetQuery{Conds: []store.AssetCond{{Field: "title", Op: "$ne", Values: []any{"alpha"}}}}, []string{b.UID, c.UID}, 2},
		{"parent and uid", store.AssetQuery{Conds: []store.AssetCond{{Field: "parent_uid", Op: "$eq", Values: []any{""}},
			{Field: "uid", Op: "$nin", Values: []any{a.UID}}}}, []string{c.UID}, 1},
		{"folders only", store.AssetQuery{IncludeFolders: true, Conds: []store.AssetCond{{Field: "is_dir", Op: "$eq", Values: []any{true}}}}, []string{f1.UID}, 1},
		{"empty $in", store.AssetQuery{Conds: []store.AssetCond{{Field: "uid", Op: "$in"}}}, []string{}, 0},
		{"empty $nin", store.AssetQuery{Conds: []store.AssetCond{{Field: "uid", Op: "$nin"}}}, []string{a.UID, b.UID, c.UID}, 3},
	} {
		q := tc.q
		q.APIKey = key
		if q.Limit == 0 {
			q.Limit = 100
		}
		items, n, err := s.Assets(ctx, q)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := []string{}
		for _, it := range items {
			got = append(got, it.UID)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || n != tc.n {
			t.Errorf("%s: count %d (want %d), items (-want +got):\n%s", tc.name, n, tc.n, diff)
		}
	}
	if _, n, err := s.Assets(ctx, store.AssetQuery{APIKey: key, CountOnly: true}); err != nil || n != 3 {
		t.Errorf("count only = %d, %v", n, err)
	}
	for _, bad := range []store.AssetCond{{Field: "title", Op: "$regex", Values: []any{"a"}}, {Field: "title; DROP TABLE assets", Op: "$eq", Values: []any{"a"}}} {
		if _, _, err := s.Assets(ctx, store.AssetQuery{APIKey: key, Limit: 10, Conds: []store.AssetCond{bad}}); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("condition %+v: %v, want 422", bad, err)
		}
	}
}

func testAssetsGoWithTheStack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := seedAssetStack(t, s)
	f := mustCreate(t, s, newFolder(key, "f", ""))
	a := newFile(key, "a", f.UID)
	a.Tags = []string{"t"}
	mustCreate(t, s, a)
	b := mustCreate(t, s, newFile(key, "b", ""))
	if _, err := s.UpdateAsset(ctx, key, b.UID, func(x *domain.Asset) error { x.FileKey = key + "/" + b.UID + "/k2"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	keys, err := s.StackAssetFileKeys(ctx, key)
	want := []string{a.FileKey, b.FileKey, key + "/" + b.UID + "/k2"}
	if diff := cmp.Diff(want, keys, cmpopts.SortSlices(func(x, y string) bool { return x < y })); err != nil || diff != "" {
		t.Errorf("StackAssetFileKeys (-want +got): %s %v", diff, err)
	}
	if err := s.DeleteStack(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, n, err := s.Assets(ctx, store.AssetQuery{APIKey: key, IncludeFolders: true, Limit: 10}); err != nil || n != 0 {
		t.Errorf("assets after stack deletion: %d, %v", n, err)
	}
	if _, err := s.AssetBySecret(ctx, key, a.UID, a.URLSecret); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("versions survived the stack: %v", err)
	}
}

// testConcurrentAssetUpdates: concurrent updates each make their own
// version; none is lost.
func testConcurrentAssetUpdates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := seedAssetStack(t, s)
	a := mustCreate(t, s, newFile(key, "a", ""))
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateAsset(ctx, key, a.UID, func(x *domain.Asset) error {
				x.Tags = append(x.Tags, fmt.Sprint(i))
				return nil
			}, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Asset(ctx, key, a.UID)
	if err != nil || got.Version != n+1 || len(got.Tags) != n {
		t.Fatalf("after %d concurrent updates: version %d, tags %v, %v", n, got.Version, got.Tags, err)
	}
	vs, total, err := s.AssetVersions(ctx, key, a.UID, 0, 100)
	if err != nil || total != n+1 || len(vs) != n+1 {
		t.Fatalf("versions: %d of %d, %v", len(vs), total, err)
	}
	for i, v := range vs {
		if v.Version != n+1-i {
			t.Errorf("versions not contiguous: %d at %d", v.Version, i)
		}
	}
}
