package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
)

// TestOrgSSOCommand: `stackd org sso` stores an organization's provider
// with the client secret from a file or STACKD_SSO_CLIENT_SECRET, sealed;
// prints the callback URL; keeps the secret when it is left out; refuses
// bad settings; and --disable turns SSO off.
func TestOrgSSOCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	core, err := server.OpenCore(context.Background(), data, "", "", auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	owner, err := core.NewUser(context.Background(), "owner@example.com", "Passw0rd!", "O", "W", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	org := domain.Organization{UID: domain.NewUID(), Name: "Org", OwnerUID: owner.UID, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if _, err := core.Store.Bootstrap(context.Background(), org, owner); err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("from-the-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"STACKD_DATA": data, "STACKD_PASSWORD_COST": "low"}
	base := []string{"org", "sso", "--org", org.UID, "--issuer", "https://idp.example.com", "--client-id", "stackd"}
	stored := func() (domain.OrgSSO, string) {
		t.Helper()
		cfg, err := core.Store.OrgSSO(context.Background(), org.UID)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := core.Box.Open(cfg.ClientSecret)
		if err != nil {
			t.Fatal(err)
		}
		return cfg, string(plain)
	}

	code, out, stderr := run(t, env, append(base, "--client-secret-file", secretFile, "--strict", "--public-url", "https://cms.example.com/")...)
	if code != 0 || !strings.Contains(out, "callback URL to register at the identity provider: https://cms.example.com/v3/sso/callback\n") {
		t.Fatalf("org sso = %d %q %q", code, out, stderr)
	}
	if cfg, secret := stored(); !cfg.Strict || secret != "from-the-file" || strings.Contains(string(cfg.ClientSecret), secret) {
		t.Errorf("stored %+v with secret %q", cfg, secret)
	}
	withEnv := map[string]string{"STACKD_DATA": data, "STACKD_SSO_CLIENT_SECRET": "from-the-env"}
	if code, _, stderr := run(t, withEnv, base...); code != 0 {
		t.Fatalf("org sso with STACKD_SSO_CLIENT_SECRET: %s", stderr)
	}
	if cfg, secret := stored(); cfg.Strict || secret != "from-the-env" {
		t.Errorf("after the env secret: strict %v, secret %q", cfg.Strict, secret)
	}
	if code, out, _ := run(t, env, append(base, "--client-id", "renamed")...); code != 0 || !strings.Contains(out, "<public URL>/v3/sso/callback") {
		t.Errorf("org sso without a secret on an existing setting = %d %q", code, out)
	}
	if cfg, secret := stored(); cfg.ClientID != "renamed" || secret != "from-the-env" {
		t.Errorf("the secret was not kept: %q %q", cfg.ClientID, secret)
	}
	for name, args := range map[string][]string{
		"http issuer":     {"org", "sso", "--org", org.UID, "--issuer", "http://idp.example.com", "--client-id", "x", "--client-secret-file", secretFile},
		"no client id":    {"org", "sso", "--org", org.UID, "--issuer", "https://idp.example.com", "--client-secret-file", secretFile},
		"no organization": {"org", "sso", "--issuer", "https://idp.example.com", "--client-id", "x"},
		"unknown org":     {"org", "sso", "--org", domain.NewUID(), "--issuer", "https://idp.example.com", "--client-id", "x", "--client-secret-file", secretFile},
		"missing file":    {"org", "sso", "--org", org.UID, "--issuer", "https://idp.example.com", "--client-id", "x", "--client-secret-file", secretFile + ".nope"},
	} {
		if code, _, _ := run(t, env, args...); code == 0 {
			t.Errorf("%s: org sso succeeded", name)
		}
	}
	if code, out, stderr := run(t, env, "org", "sso", "--org", org.UID, "--disable"); code != 0 || !strings.Contains(out, "turned off") {
		t.Fatalf("--disable = %d %q %q", code, out, stderr)
	}
	if _, err := core.Store.OrgSSO(context.Background(), org.UID); err == nil {
		t.Error("SSO still configured after --disable")
	}
}
