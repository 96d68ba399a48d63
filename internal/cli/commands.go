package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
)

func serve(ctx context.Context, env Env, args []string) error {
	f := newFlags("serve", env)
	addr := f.str("addr", "127.0.0.1:8080", "CMA listen address")
	cdaAddr := f.str("cda-addr", "127.0.0.1:8081", "Content Delivery API listen address")
	st := f.storage()
	cert := f.str("tls-cert", "", "TLS certificate file (with --tls-key: both listeners speak HTTPS)")
	key := f.str("tls-key", "", "TLS private key file")
	publicURL := f.str("public-url", "", "base URL written into URLs stackd hands out (default: from each request)")
	cdaPublicURL := f.str("cda-public-url", "", "base URL written into URLs the Content Delivery API hands out (default: from each CDA request)")
	orgName := f.str("org-name", "Default Organization", "name of the first organization, on first start")
	ownerEmail := f.str("owner-email", "", "email of the first owner, on first start")
	ownerPassword := f.str("owner-password", "", "password of the first owner, on first start (default: generated and printed once)")
	bodyLimit := f.str("body-limit", "10485760", "largest request body in bytes (asset uploads: --max-upload)")
	maxUpload := f.str("max-upload", "104857600", "largest asset file in bytes")
	logLevel := f.str("log-level", "info", "debug, info, warn or error")
	rateRead := f.str("rate-limit-read", "0", "per-organization GET requests per second (0 = off)")
	rateWrite := f.str("rate-limit-write", "0", "per-organization write requests per second (0 = off)")
	metricsOn := f.boolean("metrics", true, "serve Prometheus metrics at GET /metrics on the CMA listener")
	corsOrigins := f.str("cors-origins", "", "comma-separated origins the CMA allows cross-origin requests from (empty = none)")
	pprofAddr := f.str("pprof-addr", "", "address of a separate net/http/pprof listener, e.g. 127.0.0.1:6060 (empty = off)")
	consoleIdle := f.str("console-idle-timeout", "30m", "a web console session ends after this long without a request")
	consoleLife := f.str("console-session-lifetime", "12h", "a web console session ends this long after sign-in at the latest")
	if err := f.parse(args); err != nil {
		return err
	}
	idle, life, err := consoleTimes(*consoleIdle, *consoleLife)
	if err != nil {
		return err
	}
	limit, err := strconv.ParseInt(*bodyLimit, 10, 64)
	if err != nil || limit <= 0 {
		return fmt.Errorf("--body-limit must be a positive number of bytes, not %q", *bodyLimit)
	}
	upload, err := strconv.ParseInt(*maxUpload, 10, 64)
	if err != nil || upload <= 0 {
		return fmt.Errorf("--max-upload must be a positive number of bytes, not %q", *maxUpload)
	}
	rr, err1 := strconv.ParseFloat(*rateRead, 64)
	rw, err2 := strconv.ParseFloat(*rateWrite, 64)
	if err1 != nil || err2 != nil || rr < 0 || rw < 0 {
		return fmt.Errorf("--rate-limit-read and --rate-limit-write must be non-negative numbers")
	}
	log, err := newLogger(env.Stderr, *logLevel)
	if err != nil {
		return err
	}
	cost, err := st.params()
	if err != nil {
		return err
	}
	srv, err := server.New(ctx, server.Config{
		Addr: *addr, CDAAddr: *cdaAddr, DataDir: *st.data, Database: *st.database,
		TLSCert: *cert, TLSKey: *key, PublicURL: *publicURL, CDAPublicURL: *cdaPublicURL, SecretKey: *st.secretKey,
		OrgName: *orgName, OwnerEmail: *ownerEmail, OwnerPassword: *ownerPassword,
		BodyLimit: limit, MaxUpload: upload, PasswordCost: cost, Logger: log, Out: env.Stdout, RateRead: rr, RateWrite: rw,
		Metrics: *metricsOn, CORSOrigins: splitList(*corsOrigins), PprofAddr: *pprofAddr,
		ConsoleIdle: idle, ConsoleLifetime: life,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.Run(ctx)
}

// consoleTimes reads the console session lifetimes: positive durations,
// the idle timeout no longer than the lifetime.
func consoleTimes(idle, life string) (time.Duration, time.Duration, error) {
	i, err1 := time.ParseDuration(idle)
	l, err2 := time.ParseDuration(life)
	if err1 != nil || err2 != nil || i <= 0 || l <= 0 {
		return 0, 0, fmt.Errorf("--console-idle-timeout and --console-session-lifetime must be positive durations such as 30m or 12h")
	}
	if i > l {
		return 0, 0, fmt.Errorf("--console-idle-timeout (%s) must not be longer than --console-session-lifetime (%s)", i, l)
	}
	return i, l, nil
}

func migrate(ctx context.Context, env Env, args []string) error {
	f := newFlags("migrate", env)
	st := f.storage()
	if err := f.Parse(args); err != nil {
		return err
	}
	core, err := st.open(ctx)
	if err != nil {
		return err
	}
	defer core.Close()
	fmt.Fprintln(env.Stdout, "migrations applied on", core.Store.Engine())
	return nil
}

func userAdd(ctx context.Context, env Env, args []string) error {
	f := newFlags("user add", env)
	st := f.storage()
	email := f.String("email", "", "email of the new user")
	password := f.String("password", "", "password of the new user")
	first := f.String("first-name", "", "first name")
	last := f.String("last-name", "", "last name")
	orgUID := f.String("org", "", "organization uid (default: the first organization)")
	role := f.String("org-role", "member", "admin or member")
	if err := f.Parse(args); err != nil {
		return err
	}
	if !domain.ValidOrgRole(*role) {
		return fmt.Errorf("--org-role must be admin or member, not %q", *role)
	}
	core, err := st.open(ctx)
	if err != nil {
		return err
	}
	defer core.Close()
	if *orgUID == "" {
		org, err := core.Store.FirstOrg(ctx)
		if err != nil {
			return errors.New("no organization exists yet: start `stackd serve` once first")
		}
		*orgUID = org.UID
	}
	u, err := core.NewUser(ctx, *email, *password, *first, *last, time.Now())
	if err != nil {
		return err
	}
	if err := core.Store.CreateUser(ctx, u, *orgUID, domain.OrgRole(*role)); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, u.UID)
	return nil
}

func userUnlock(ctx context.Context, env Env, args []string) error {
	f := newFlags("user unlock", env)
	st := f.storage()
	email := f.String("email", "", "email of the user to unlock")
	if err := f.Parse(args); err != nil {
		return err
	}
	return withUser(ctx, st, *email, func(core *server.Core, u domain.User) error {
		_, err := core.Store.UpdateUser(ctx, u.UID, func(u *domain.User) error {
			u.Failed, u.LockedUntil, u.LastFailAt, u.LastFailFP = 0, 0, 0, ""
			u.UpdatedAt = time.Now()
			return nil
		})
		if err == nil {
			fmt.Fprintln(env.Stdout, "unlocked", u.Email)
		}
		return err
	})
}

func user2FA(ctx context.Context, env Env, args []string) error {
	f := newFlags("user 2fa enable", env)
	st := f.storage()
	email := f.String("email", "", "email of the user")
	if err := f.Parse(args); err != nil {
		return err
	}
	return withUser(ctx, st, *email, func(core *server.Core, u domain.User) error {
		secret, url, err := auth.NewTOTP(u.Email)
		if err != nil {
			return err
		}
		_, err = core.Store.UpdateUser(ctx, u.UID, func(u *domain.User) error {
			u.TFAEnabled, u.TFASecret, u.UpdatedAt = true, core.Box.Seal([]byte(secret)), time.Now()
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "TOTP secret (shown once): %s\n%s\n", secret, url)
		return nil
	})
}

// withUser opens the store, finds the user by email and runs fn.
func withUser(ctx context.Context, st storage, email string, fn func(*server.Core, domain.User) error) error {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return err
	}
	core, err := st.open(ctx)
	if err != nil {
		return err
	}
	defer core.Close()
	u, err := core.Store.UserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no user with email %s", email)
	}
	return fn(core, u)
}

func orgAdd(ctx context.Context, env Env, args []string) error {
	f := newFlags("org add", env)
	st := f.storage()
	name := f.String("name", "", "organization name")
	ownerEmail := f.String("owner-email", "", "email of an existing user who will own it")
	if err := f.Parse(args); err != nil {
		return err
	}
	if err := domain.ValidateName("name", *name, true, 255); err != nil {
		return err
	}
	return withUser(ctx, st, *ownerEmail, func(core *server.Core, u domain.User) error {
		now := time.Now()
		org := domain.Organization{UID: domain.NewUID(), Name: *name, OwnerUID: u.UID, CreatedAt: now, UpdatedAt: now}
		if err := core.Store.CreateOrg(ctx, org); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, org.UID)
		return nil
	})
}

// splitList reads a comma-separated flag value, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
