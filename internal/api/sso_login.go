package api

import (
	"context"
	"strings"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// ssoUser finds the stackd user an identity provider's verified claims
// stand for, in this order:
//  1. the identity (issuer, subject) already linked in this organization:
//     its user, provided they are still a member;
//  2. a user with the verified email who is a member of this organization:
//     linked now;
//  3. no user with that email: created as a member of this organization
//     (just-in-time provisioning).
//
// A user with that email outside this organization is never linked: an
// identity provider's administrator could otherwise take over the account
// of anyone in another organization by asserting their email.
func (a *API) ssoUser(ctx context.Context, cfg domain.OrgSSO, c ssoClaims) (domain.User, error) {
	id := store.SSOIdentity{OrgUID: cfg.OrgUID, Issuer: c.Issuer, Subject: c.Subject}
	uid, err := a.Store.SSOUser(ctx, id)
	if err == nil {
		return a.linkedUser(ctx, cfg.OrgUID, uid)
	}
	if !domain.IsKind(err, domain.KindUnauthorized) {
		return domain.User{}, err
	}
	email, err := domain.NormalizeEmail(c.Email)
	if err != nil {
		return domain.User{}, ssoFail("The identity provider sent no usable email address.", err)
	}
	u, err := a.Store.UserByEmail(ctx, email)
	if domain.IsKind(err, domain.KindInvalid) {
		return a.provision(ctx, id, email, c)
	}
	if err != nil {
		return domain.User{}, err
	}
	if err := a.Store.LinkSSOIdentity(ctx, id, u.UID, a.Now()); err != nil {
		if domain.IsKind(err, domain.KindForbidden) {
			return domain.User{}, errNotLinkable()
		}
		return domain.User{}, err
	}
	return u, nil
}

func errNotLinkable() error {
	return ssoFail("This sign-in cannot be linked to a stackd account of this organization. Ask the organization's owner to add you.", nil)
}

// linkedUser is the user of an identity linked earlier, still a member.
func (a *API) linkedUser(ctx context.Context, orgUID, uid string) (domain.User, error) {
	if _, err := a.Store.UserOrg(ctx, uid, orgUID); err != nil {
		if domain.IsKind(err, domain.KindInvalid) {
			return domain.User{}, errNotLinkable()
		}
		return domain.User{}, err
	}
	return a.Store.User(ctx, uid)
}

// provision creates the user of a first sign-in as a member of the
// organization. The account gets a random password nobody knows: its
// person signs in through the provider.
func (a *API) provision(ctx context.Context, id store.SSOIdentity, email string, c ssoClaims) (domain.User, error) {
	hash, err := a.Hasher.Hash(ctx, auth.RandomPassword())
	if err != nil {
		return domain.User{}, err
	}
	now := a.Now()
	u := domain.User{UID: domain.NewUID(), Email: email, Username: strings.Split(email, "@")[0],
		FirstName: nameClaim(c.GivenName), LastName: nameClaim(c.FamilyName), PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.ProvisionSSOUser(ctx, u, id, domain.OrgMember); err != nil {
		return domain.User{}, err
	}
	return u, nil
}

// nameClaim keeps a name claim that passes stackd's name rules, else "".
func nameClaim(v string) string {
	v = strings.TrimSpace(v)
	if domain.ValidateName("name", v, false, 100) != nil {
		return ""
	}
	return v
}
