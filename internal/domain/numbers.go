package domain

import (
	"fmt"
	"math"
	"strconv"
)

// MaxInt is the largest whole number stackd keeps in an INTEGER column
// (versions, rate limits, widths). PostgreSQL's INTEGER is 32 bits while
// SQLite's holds 64, so a larger value would be stored by one engine and
// fail the request with a server fault on the other: it is refused (422)
// before it reaches the store, the same way on both.
const MaxInt = math.MaxInt32

// ParseVersion reads a version number sent as text (a path or query
// parameter, or a string in a body): a whole number from 1 to MaxInt.
// Anything else is a 422 naming field.
func ParseVersion(field, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxInt {
		return 0, ErrInvalid(field, fmt.Sprintf("must be a version number (a whole number from 1 to %d).", MaxInt))
	}
	return n, nil
}

// CheckInt returns a 422 naming field unless lo <= n <= hi.
func CheckInt(field string, n, lo, hi int) error {
	if n < lo || n > hi {
		return ErrInvalid(field, fmt.Sprintf("must be a whole number from %d to %d.", lo, hi))
	}
	return nil
}
