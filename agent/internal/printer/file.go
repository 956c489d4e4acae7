package printer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ak1/agent/protocol"
)

// Folder writes each job as NAME.pdf into a folder: development without a printer, and the
// default of `make run`. A file that is there is complete (temp file + fsync + rename), so it
// counts as printed at once.
type Folder struct {
	Dir string
}

// Print writes the PDF atomically; copies and options are meaningless for a file.
func (f Folder) Print(_ context.Context, name string, pdf []byte, _ int, _ map[string]string) (Job, error) {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return Job{}, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	final := filepath.Join(f.Dir, name+".pdf")
	tmp, err := os.CreateTemp(f.Dir, ".tmp-"+name+"-*")
	if err != nil {
		return Job{}, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(pdf); err != nil {
		tmp.Close()
		return Job{}, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Job{}, err
	}
	if err := tmp.Close(); err != nil {
		return Job{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Job{}, err
	}
	if d, err := os.Open(f.Dir); err == nil {
		d.Sync()
		d.Close()
	}
	return Job{Outcome: Printed}, nil
}

// Find reports a job printed if its file exists.
func (f Folder) Find(_ context.Context, name string, _ time.Time) (Job, bool, error) {
	_, err := os.Stat(filepath.Join(f.Dir, name+".pdf"))
	if err == nil {
		return Job{Outcome: Printed}, true, nil
	}
	if os.IsNotExist(err) {
		return Job{}, false, nil
	}
	return Job{}, false, err
}

// Lookup is never needed: folder jobs are final as soon as Print returns.
func (f Folder) Lookup(context.Context, int) (Job, bool, error) { return Job{}, false, nil }

// Health is idle when the folder exists or can be created and is writable.
func (f Folder) Health(context.Context) Health {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return Health{State: protocol.PrinterStopped, Reasons: []string{"folder-not-writable"}}
	}
	probe, err := os.CreateTemp(f.Dir, ".probe-*")
	if err != nil {
		return Health{State: protocol.PrinterStopped, Reasons: []string{"folder-not-writable"}}
	}
	probe.Close()
	os.Remove(probe.Name())
	return Health{State: protocol.PrinterIdle}
}

func (f Folder) String() string { return "file:" + f.Dir }
