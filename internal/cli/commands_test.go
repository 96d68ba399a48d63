package cli_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
)

// TestFirstStartAndAdminCommands: the first start prints a generated owner
// password once; later starts print only the console's URL and change nothing; the admin
// subcommands work and refuse bad input.
func TestFirstStartAndAdminCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"STACKD_DATA": data, "STACKD_PASSWORD_COST": "low"}
	start := func() string {
		var out strings.Builder
		ctx, cancel := context.WithCancel(context.Background())
		srv, err := server.New(ctx, server.Config{Addr: "127.0.0.1:0", CDAAddr: "127.0.0.1:0", DataDir: data,
			PasswordCost: auth.TestParams, Logger: discard(), Out: &out})
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := srv.Run(ctx); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		return out.String()
	}
	first := start()
	m := regexp.MustCompile(`shown once\): (\S+)`).FindStringSubmatch(first)
	if m == nil || !strings.Contains(first, "owner@stackd.local") {
		t.Fatalf("first start printed %q", first)
	}
	if !regexp.MustCompile(`stackd: console at http://127\.0\.0\.1:\d+/console/\n`).MatchString(first) {
		t.Errorf("first start does not print the console's URL: %q", first)
	}
	if again := start(); strings.Contains(again, "created") || strings.Contains(again, "password") {
		t.Errorf("second start printed %q", again)
	}

	if code, out, _ := run(t, env, "version"); code != 0 || !strings.HasPrefix(out, "stackd ") {
		t.Errorf("version = %d %q", code, out)
	}
	code, orgUID, stderr := run(t, env, "org", "add", "--name", "Second Org", "--owner-email", "owner@stackd.local")
	if code != 0 || !domain.ValidUID(strings.TrimSpace(orgUID)) {
		t.Fatalf("org add = %d %q %q", code, orgUID, stderr)
	}
	if code, _, _ := run(t, env, "org", "add", "--name", "X", "--owner-email", "ghost@example.com"); code == 0 {
		t.Error("org add with an unknown owner succeeded")
	}
	code, _, stderr = run(t, env, "user", "add", "--email", "a@example.com", "--password", "Passw0rd!", "--org", strings.TrimSpace(orgUID), "--org-role", "admin")
	if code != 0 {
		t.Fatalf("user add to second org: %s", stderr)
	}
	if code, _, _ := run(t, env, "user", "add", "--email", "b@example.com", "--password", "Passw0rd!", "--org-role", "owner"); code == 0 {
		t.Error("user add --org-role owner succeeded")
	}
	code, out, stderr := run(t, env, "user", "2fa", "enable", "--email", "a@example.com")
	if code != 0 || !strings.Contains(out, "otpauth://totp/") {
		t.Fatalf("2fa enable = %d %q %q", code, out, stderr)
	}
	core, err := server.OpenCore(context.Background(), data, "", "", auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	u, _ := core.Store.UserByEmail(context.Background(), "a@example.com")
	if !u.TFAEnabled || strings.Contains(string(u.TFASecret), strings.Fields(out)[3]) {
		t.Errorf("2fa seed not stored encrypted: enabled=%v", u.TFAEnabled)
	}
	if _, err := core.Store.UpdateUser(context.Background(), u.UID, func(u *domain.User) error {
		u.Failed, u.LockedUntil = 10, domain.LockedForever
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, env, "user", "unlock", "--email", "A@example.com"); code != 0 {
		t.Fatalf("unlock: %s", stderr)
	}
	u, _ = core.Store.UserByEmail(context.Background(), "a@example.com")
	if u.Locked(time.Now()) || u.Failed != 0 {
		t.Errorf("still locked after unlock: %+v", u)
	}
	if code, _, _ := run(t, env, "frobnicate"); code == 0 {
		t.Error("unknown command succeeded")
	}
}
