package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
)

// orgSSO is `stackd org sso`: an organization's OpenID Connect provider
// (or --disable). The client secret comes from --client-secret-file, from
// STACKD_SSO_CLIENT_SECRET or, visibly to other local users, from
// --client-secret; left out, an existing secret is kept. It prints the
// callback URL to register at the provider.
func orgSSO(ctx context.Context, env Env, args []string) error {
	f := newFlags("org sso", env)
	st := f.storage()
	orgUID := f.str("org", "", "uid of the organization")
	issuer := f.str("issuer", "", "the identity provider's issuer URL (https://…; http:// only on loopback)")
	clientID := f.str("client-id", "", "the OAuth client id stackd has at the provider")
	secretFile := f.str("client-secret-file", "", "file holding the OAuth client secret")
	secretFlag := f.String("client-secret", env.Getenv("STACKD_SSO_CLIENT_SECRET"),
		"the OAuth client secret (prefer --client-secret-file: a command line is visible to other users) (env STACKD_SSO_CLIENT_SECRET)")
	strict := f.boolean("strict", false, "members other than the owner may sign in only through SSO")
	disable := f.boolean("disable", false, "turn single sign-on (and strict mode) off for the organization")
	publicURL := f.str("public-url", "", "base URL the console is reached at, to print the callback URL")
	if err := f.parse(args); err != nil {
		return err
	}
	if !domain.ValidUID(*orgUID) {
		return errors.New("--org must name an organization uid")
	}
	core, err := st.open(ctx)
	if err != nil {
		return err
	}
	defer core.Close()
	if *disable {
		found, err := core.Store.DeleteOrgSSO(ctx, *orgUID)
		if err == nil {
			fmt.Fprintf(env.Stdout, "single sign-on turned off for organization %s (it was %s)\n", *orgUID, map[bool]string{true: "on", false: "already off"}[found])
		}
		return err
	}
	secret, err := clientSecret(*secretFile, *secretFlag)
	if err != nil {
		return err
	}
	cfg, err := putSSO(ctx, core, *orgUID, *issuer, *clientID, secret, *strict)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "single sign-on configured for organization %s (issuer %s, strict %v)\n", *orgUID, cfg.Issuer, cfg.Strict)
	fmt.Fprintf(env.Stdout, "callback URL to register at the identity provider: %s\n", callbackURL(*publicURL))
	return nil
}

// putSSO validates the settings, seals a given secret and stores them.
func putSSO(ctx context.Context, core *server.Core, orgUID, issuer, clientID, secret string, strict bool) (domain.OrgSSO, error) {
	cfg, err := domain.NewOrgSSO(orgUID, issuer, clientID, secret, strict, time.Now())
	if err != nil {
		return cfg, err
	}
	if secret != "" {
		cfg.ClientSecret = core.Box.Seal([]byte(secret))
	}
	return core.Store.PutOrgSSO(ctx, cfg)
}

// clientSecret reads the secret from the file when one is named (trailing
// newlines dropped), else takes the flag's (or environment's) value.
func clientSecret(file, value string) (string, error) {
	if file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--client-secret-file: %w", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", errors.New("--client-secret-file is empty")
	}
	return s, nil
}

// callbackURL is where the provider sends browsers back.
func callbackURL(publicURL string) string {
	if publicURL == "" {
		return "<public URL>/v3/sso/callback (set --public-url or STACKD_PUBLIC_URL to print it in full)"
	}
	return strings.TrimRight(publicURL, "/") + "/v3/sso/callback"
}
