-- 0012: the login guard. Password checks in flight are reserved on the
-- user row (login_pending, lapsing at login_pending_until, Unix ms) so the
-- lockout is decided atomically with each attempt across instances; the
-- last accepted TOTP time step refuses a replayed code.
ALTER TABLE users ADD COLUMN login_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_pending_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tfa_last_step BIGINT NOT NULL DEFAULT 0;
