package storage

import (
	"errors"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsDiskFull reports whether err comes from the data folder's disk being full (or the process's
// file-size limit reached): SQLite rolled the transaction back, nothing was written, and the same
// request succeeds once there is room again. People get a message saying so instead of a generic
// failure.
func IsDiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG)
}
