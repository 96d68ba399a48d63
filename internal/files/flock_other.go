//go:build !unix

package files

import (
	"errors"
	"os"
)

// flock is not available here: deletions never wait for a backup, and
// backups refuse to run.
func flock(f *os.File, exclusive, wait bool) error {
	if exclusive {
		return errors.New("files: backups need a Unix system (flock)")
	}
	return nil
}
