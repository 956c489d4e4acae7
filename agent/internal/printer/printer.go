// Package printer hands card PDFs to CUPS over IPP (or to a folder, for development) and reads
// back what happened to them, so the agent can report real outcomes and recover after a crash.
package printer

import (
	"context"
	"errors"
	"time"
)

// Outcomes of a job as the agent reports them.
const (
	Pending = ""        // queued or printing
	Printed = "printed" // CUPS completed it: the printer took the data
	Failed  = "failed"  // canceled or aborted
)

// Job is what the printer knows about one submitted job.
type Job struct {
	ID      int    // CUPS job id (0 for the folder printer)
	Outcome string // Pending, Printed or Failed
	Reason  string // for Failed: e.g. "cups-job-aborted"
}

// Health is the printer state for the heartbeat (see protocol.Printer* constants).
type Health struct {
	State   string
	Reasons []string
}

// ErrUnreachable means the printer backend could not be contacted at all, so a job submitted
// in that call certainly did not reach it.
var ErrUnreachable = errors.New("printer unreachable")

// Printer is a place card PDFs go to.
type Printer interface {
	// Print submits one document named name. On error the job may still exist (the answer was
	// lost): callers ask Find before concluding anything, unless the error is ErrUnreachable.
	Print(ctx context.Context, name string, pdf []byte, copies int, options map[string]string) (Job, error)
	// Find looks a job up by name among jobs created at or after notBefore (the zero time
	// means any). found=false with a nil error means the printer has no trace of it.
	Find(ctx context.Context, name string, notBefore time.Time) (job Job, found bool, err error)
	// Lookup returns the current state of a job by its id.
	Lookup(ctx context.Context, id int) (job Job, found bool, err error)
	// Health reports the printer state; it never fails, an unreachable printer is "offline".
	Health(ctx context.Context) Health
	// String names the printer for logs and the heartbeat.
	String() string
}
