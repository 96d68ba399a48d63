-- 0050: console sessions and 2FA enrolment.
-- Console (cookie) sessions share the sessions table with API authtokens,
-- so the cap of valid sessions per user counts both kinds together.
--   kind        'api' for an authtoken, 'console' for a browser cookie session
--   sso_org     the organization whose SSO opened the session ('' = password)
--   idle_until  Unix ms after which an idle console session is dead (0 = never);
--               moved forward as the session is used
--   expires_at  Unix ms of the absolute end of a console session (0 = never)
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE sessions ADD COLUMN sso_org TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN idle_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
-- A TOTP seed being enrolled (sealed, base64), not yet confirmed by a code.
ALTER TABLE users ADD COLUMN tfa_pending TEXT NOT NULL DEFAULT '';
