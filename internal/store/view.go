package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// A StackView is what requests read of a stack that changes only together
// with the stack's change counter (stack_seq, see seq.go): the stack row,
// its content type schemas, locales, environments, management tokens and
// delivery tokens. Every write of those bumps the counter in its own
// transaction (txAudit, bumpsSeq), so a view is current exactly while the
// counter in the database still has the value the view was built at.
//
// Each request reads the stack row and its counter in one indexed query
// (Store.View); when the counter matches the cached view's, the request
// uses the cached view, otherwise a new one. So a token revoked, a schema
// changed or an environment deleted through any instance, or by any
// process on the same SQLite file, is seen by the next request on every
// instance: the check is a read of the database, not a message. Users,
// sessions, lockouts and stack membership are not stack-scoped in that
// way and are never cached (they are read fresh on every request).
//
// A view fills itself lazily: an item is read from the database on first
// use and kept only when found (unknown uids and hashes are not cached,
// so a client cannot grow it). Items read later may be newer than the
// counter the view was built at, never older: the counter is read first.
// The cache holds at most maxViews stacks.
type StackView struct {
	Stack domain.Stack
	seq   int64

	mu       sync.Mutex
	schemas  map[string]viewSchema
	locales  map[string]string // code → fallback; nil until loaded
	envs     map[string]domain.Environment
	mgmt     map[string]viewToken
	delivery map[string]domain.DeliveryToken
}

type viewSchema struct {
	ct     domain.ContentType
	fields []domain.Field
}

type viewToken struct {
	t          domain.ManagementToken
	secretExp  int64 // Unix ms; 0 = never (a rotated secret's grace)
	lastTouchd int64
}

// maxViews bounds the cache: a view holds a stack's schemas and tokens.
const maxViews = 64

type viewCache struct {
	mu sync.Mutex
	m  map[string]*StackView
}

func (vc *viewCache) get(apiKey string, seq int64) *StackView {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if v := vc.m[apiKey]; v != nil && v.seq == seq {
		return v
	}
	return nil
}

func (vc *viewCache) put(v *StackView) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.m == nil {
		vc.m = map[string]*StackView{}
	}
	if _, ok := vc.m[v.Stack.APIKey]; !ok && len(vc.m) >= maxViews {
		for k := range vc.m { // drop any one: the map's order is random
			delete(vc.m, k)
			break
		}
	}
	vc.m[v.Stack.APIKey] = v
}

// viewSQL reads a stack with its change counter.
var viewSQL = `SELECT ` + prefixed("s.", stackCols) + `, COALESCE(q.seq, 0)
	FROM stacks s LEFT JOIN stack_seq q ON q.api_key = s.api_key WHERE s.api_key = ?`

// View returns the current view of the stack apiKey (412 with code 109
// when there is no such stack), at the cost of one indexed read. A stack
// whose counter never moved (0) is not cached: its deletion would leave
// the counter where it was.
func (s *Store) View(ctx context.Context, apiKey string) (*StackView, error) {
	var seq int64
	st, err := scanStack(scanWith{s.read().row(ctx, viewSQL, apiKey), []any{&seq}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrStackUnknown()
	}
	if err != nil {
		return nil, fmt.Errorf("store: find stack: %w", err)
	}
	if v := s.views.get(apiKey, seq); v != nil && seq > 0 {
		return v, nil
	}
	v := &StackView{Stack: st, seq: seq, schemas: map[string]viewSchema{}, envs: map[string]domain.Environment{},
		mgmt: map[string]viewToken{}, delivery: map[string]domain.DeliveryToken{}}
	if seq > 0 {
		s.views.put(v)
	}
	return v, nil
}

// scanWith scans a row's leading columns with sc's scan function and the
// trailing ones into extra.
type scanWith struct {
	sc    scanner
	extra []any
}

func (w scanWith) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

type viewKey struct{}

// WithView returns ctx carrying v: store reads of v's stack made with
// that context use it instead of reading the database again.
func WithView(ctx context.Context, v *StackView) context.Context {
	return context.WithValue(ctx, viewKey{}, v)
}

// ViewFrom returns the view ctx carries (of whatever stack), or nil.
func ViewFrom(ctx context.Context) *StackView {
	v, _ := ctx.Value(viewKey{}).(*StackView)
	return v
}

// viewOf returns the view ctx carries for apiKey, for reads outside write
// transactions (those read and lock the rows themselves).
func viewOf(ctx context.Context, c conn, apiKey string) *StackView {
	if c.inTx {
		return nil
	}
	v, _ := ctx.Value(viewKey{}).(*StackView)
	if v == nil || v.Stack.APIKey != apiKey {
		return nil
	}
	return v
}

// schema returns a content type and its expanded fields through the view.
func (v *StackView) schema(ctx context.Context, c conn, ctUID string) (domain.ContentType, []domain.Field, error) {
	v.mu.Lock()
	sc, ok := v.schemas[ctUID]
	v.mu.Unlock()
	if ok {
		return sc.ct, sc.fields, nil
	}
	ct, fields, err := loadSchema(ctx, c, v.Stack.APIKey, ctUID)
	if err != nil {
		return ct, nil, err
	}
	v.mu.Lock()
	v.schemas[ctUID] = viewSchema{ct: ct, fields: fields}
	v.mu.Unlock()
	return ct, fields, nil
}

// localeMap returns the stack's locales (code → fallback) through the view.
func (v *StackView) localeMap(ctx context.Context, c conn) (map[string]string, error) {
	v.mu.Lock()
	m := v.locales
	v.mu.Unlock()
	if m != nil {
		return m, nil
	}
	rows, err := c.query(ctx, `SELECT code, fallback_locale FROM locales WHERE api_key = ?`, v.Stack.APIKey)
	if err != nil {
		return nil, fmt.Errorf("store: read locales: %w", err)
	}
	defer rows.Close()
	m = map[string]string{}
	for rows.Next() {
		var code, fb string
		if err := rows.Scan(&code, &fb); err != nil {
			return nil, fmt.Errorf("store: scan locale: %w", err)
		}
		m[code] = fb
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read locales: %w", err)
	}
	v.mu.Lock()
	v.locales = m
	v.mu.Unlock()
	return m, nil
}

// Environment returns the stack's environment named name (or with that
// uid) through the view.
func (v *StackView) environment(ctx context.Context, c conn, name string) (domain.Environment, error) {
	v.mu.Lock()
	e, ok := v.envs[name]
	v.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := envByName(ctx, c, v.Stack.APIKey, name)
	if err != nil {
		return e, err
	}
	v.mu.Lock()
	v.envs[name] = e
	v.mu.Unlock()
	return e, nil
}

// managementToken returns the stack's management token whose secret has
// hash, valid at now; ok is false when the view does not hold it (the
// caller then asks the database, which also finds other stacks' tokens).
func (v *StackView) managementToken(ctx context.Context, c conn, hash string, now time.Time) (domain.ManagementToken, bool, error) {
	v.mu.Lock()
	vt, ok := v.mgmt[hash]
	v.mu.Unlock()
	if !ok {
		var err error
		vt.t, vt.secretExp, err = mtBySecretHash(ctx, c, hash)
		if err != nil || vt.t.APIKey != v.Stack.APIKey {
			return vt.t, false, err
		}
		vt.lastTouchd = vt.t.LastUsedAt
		v.mu.Lock()
		v.mgmt[hash] = vt
		v.mu.Unlock()
	}
	if vt.secretExp != 0 && vt.secretExp <= now.UnixMilli() {
		return vt.t, false, nil
	}
	vt.t.LastUsedAt = vt.lastTouchd
	return vt.t, true, nil
}

// TokenTouched records in the view that the token uid was used at now, so
// that the once-a-minute use record (TouchManagementToken) sees it.
func (v *StackView) TokenTouched(uid string, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for h, vt := range v.mgmt {
		if vt.t.UID == uid {
			vt.lastTouchd = now.UnixMilli()
			v.mgmt[h] = vt
		}
	}
}

// deliveryToken returns the stack's delivery token with hash through the
// view; ok is false when the view does not hold it.
func (v *StackView) deliveryToken(ctx context.Context, c conn, hash string) (domain.DeliveryToken, bool, error) {
	v.mu.Lock()
	t, ok := v.delivery[hash]
	v.mu.Unlock()
	if ok {
		return t, true, nil
	}
	t, err := dtWhere(ctx, c, `hash = ?`, hash)
	if domain.IsKind(err, domain.KindInvalid) {
		return t, false, nil
	}
	if err != nil || t.APIKey != v.Stack.APIKey {
		return t, false, err
	}
	v.mu.Lock()
	v.delivery[hash] = t
	v.mu.Unlock()
	return t, true, nil
}
