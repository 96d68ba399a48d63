//go:build unix

package files

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// flock locks f: exclusive or shared, waiting or not. A lock that is not
// available without waiting is errBackupRunning.
func flock(f *os.File, exclusive, wait bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errBackupRunning
		}
		return fmt.Errorf("files: flock: %w", err)
	}
}
