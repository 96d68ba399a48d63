package domain

import "time"

// The login guard decides the lockout atomically with each attempt: a
// password check starts only after a reservation on the user row (made in a
// write transaction), and its outcome is settled in another transaction
// that re-reads the row under lock. So however many attempts run at once,
// on however many instances, no more wrong passwords are evaluated than the
// policy allows before the next lock, and a right password settled after a
// lock does not lift it.

// nextLockAt is the failure count at which the next lock starts.
func (u *User) nextLockAt() int {
	return max(MaxLoginAttempts, u.Failed+1)
}

// pending returns the reservations still in force at now.
func (u *User) pending(now time.Time) int {
	if u.LoginPendingUntil <= now.UnixMilli() {
		return 0
	}
	return u.LoginPending
}

// LoginSlots returns how many password checks may start at now: none while
// locked, otherwise the failures left before the next lock less the checks
// already in flight.
func (u *User) LoginSlots(now time.Time) int {
	if u.Locked(now) {
		return 0
	}
	return max(u.nextLockAt()-u.Failed-u.pending(now), 0)
}

// ReserveLogin takes one slot for a password check that may run until
// now+ttl, and reports whether one was free. Lapsed reservations are
// dropped first.
func (u *User) ReserveLogin(now time.Time, ttl time.Duration) bool {
	if u.LoginSlots(now) < 1 {
		return false
	}
	u.LoginPending = u.pending(now) + 1
	u.LoginPendingUntil = max(u.LoginPendingUntil, now.Add(ttl).UnixMilli())
	return true
}

// ReleaseLogin gives back one reservation (the check is settled or was
// abandoned).
func (u *User) ReleaseLogin(now time.Time) {
	u.LoginPending = max(u.pending(now)-1, 0)
	if u.LoginPending == 0 {
		u.LoginPendingUntil = 0
	}
}

// IsRetry reports whether an attempt with fingerprint fp at now repeats the
// last counted failure within window: clients (csdx) re-send a refused
// login, and such a retry counts once.
func (u *User) IsRetry(fp string, now time.Time, window time.Duration) bool {
	return fp != "" && u.LastFailFP == fp && now.UnixMilli()-u.LastFailAt < window.Milliseconds()
}

// CountFailure records one failed attempt and starts the lock the policy
// gives for it (see Lockout). A retry of the last counted failure within
// window is not counted again.
func (u *User) CountFailure(fp string, now time.Time, window time.Duration) {
	if u.IsRetry(fp, now, window) {
		return
	}
	u.Failed++
	u.LastFailAt, u.LastFailFP = now.UnixMilli(), fp
	if d, forever := Lockout(u.Failed); forever {
		u.LockedUntil = LockedForever
	} else if d > 0 {
		u.LockedUntil = now.Add(d).UnixMilli()
	}
	u.UpdatedAt = now
}

// ClearFailures forgets counted failures after a successful login. It must
// not be called while the account is locked: only an operator's unlock or
// the lock's expiry ends a lock.
func (u *User) ClearFailures() {
	u.Failed, u.LockedUntil, u.LastFailAt, u.LastFailFP = 0, 0, 0, ""
}

// Unlock is the operator's unlock: failures, lock and reservations cleared.
func (u *User) Unlock(now time.Time) {
	u.ClearFailures()
	u.LoginPending, u.LoginPendingUntil = 0, 0
	u.UpdatedAt = now
}
