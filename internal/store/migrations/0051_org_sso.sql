-- 0051: single sign-on through OpenID Connect, per organization.
-- client_secret is sealed with the secret box (AES-256-GCM) and base64'd:
-- stackd must send it to the identity provider, so it cannot be a hash.
CREATE TABLE org_sso (
  org_uid       TEXT PRIMARY KEY,
  issuer        TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  strict        BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
-- Which stackd user an identity of an organization's provider is: the
-- provider's (issuer, subject) pair, linked per organization, never by
-- email across organizations.
CREATE TABLE sso_identities (
  org_uid    TEXT NOT NULL,
  issuer     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  user_uid   TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_uid, issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_uid);
