// Package journal is the agent's small crash-safe memory of print jobs it is working on.
//
// The journal is what makes printing exactly-once across crashes, reboots and network cuts: the
// agent records "about to send job X to CUPS" and "CUPS accepted it as job N" here, fsync'd,
// before it tells the server anything. After a restart the entries say which jobs may already be
// on paper (never print those again) and which outcomes the server has not acknowledged yet.
//
// The file is append-only while running: one line per change, each a full snapshot of that job's
// entry, "<crc32 hex> <json>\n". The last line for a job wins; a Step "done" line forgets it. On
// Open, and when dead lines pile up, the live entries are rewritten to a temporary file that is
// fsync'd and renamed over the journal, so the file stays small and a crash mid-rewrite leaves
// either the old or the new file, never a mix.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
)

// Steps of a job in the journal, in the order they happen.
const (
	// StepClaimed: leased from the server, nothing sent to CUPS. Safe to drop or fail.
	StepClaimed = "claimed"
	// StepIntent: about to hand the job to CUPS; it may or may not have reached CUPS.
	StepIntent = "intent"
	// StepSent: CUPS accepted it as CUPSJobID.
	StepSent = "sent"
	// StepDone: nothing left to do; the line removes the job from the journal.
	StepDone = "done"
)

// Entry is everything the agent must remember about one job across a crash.
type Entry struct {
	JobID int64  `json:"job"`
	Lease string `json:"lease,omitempty"`
	Step  string `json:"step"`
	// CUPSJobID is set once CUPS accepted the job.
	CUPSJobID int `json:"cups,omitempty"`
	// IntentUnix is when the intent was journaled (Unix seconds); CUPS jobs of the same name
	// created well before it belong to an older, unrelated job with the same id.
	IntentUnix int64 `json:"t,omitempty"`
	// Final is the known outcome still to be delivered: "printed" or "failed" ("" = not yet).
	Final string `json:"final,omitempty"`
	// Error explains a "failed" Final.
	Error string `json:"error,omitempty"`
	// Reported is the last state the server acknowledged with 200 ("" = none).
	Reported string `json:"reported,omitempty"`
}

// ErrCorrupt reports a damaged line that is not the torn tail of an interrupted write.
var ErrCorrupt = errors.New("journal corrupt")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// MarshalLine encodes e as one journal line including the trailing newline.
func MarshalLine(e Entry) ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	js, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(js)+10)
	line = fmt.Appendf(line, "%08x ", crc32.Checksum(js, crcTable))
	line = append(line, js...)
	return append(line, '\n'), nil
}

// ParseLine decodes one journal line (without its newline) and checks its checksum and fields.
func ParseLine(line []byte) (Entry, error) {
	var e Entry
	if len(line) < 10 || line[8] != ' ' {
		return e, fmt.Errorf("%w: short line", ErrCorrupt)
	}
	want, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil {
		return e, fmt.Errorf("%w: bad checksum field", ErrCorrupt)
	}
	js := line[9:]
	if uint32(want) != crc32.Checksum(js, crcTable) {
		return e, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if dec.More() {
		return Entry{}, fmt.Errorf("%w: trailing data", ErrCorrupt)
	}
	if err := e.validate(); err != nil {
		return Entry{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return e, nil
}

func (e Entry) validate() error {
	if e.JobID <= 0 {
		return fmt.Errorf("job id %d not positive", e.JobID)
	}
	switch e.Step {
	case StepClaimed, StepIntent, StepSent, StepDone:
	default:
		return fmt.Errorf("unknown step %q", e.Step)
	}
	if e.CUPSJobID < 0 {
		return fmt.Errorf("negative CUPS job id")
	}
	switch e.Final {
	case "", "printed", "failed":
	default:
		return fmt.Errorf("unknown final state %q", e.Final)
	}
	switch e.Reported {
	case "", "sent", "printed", "failed":
	default:
		return fmt.Errorf("unknown reported state %q", e.Reported)
	}
	return nil
}

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	entries map[int64]Entry
	lines   int // lines in the file, live or dead, to decide when to compact
}

// Open reads the journal at path (creating it and its folder if missing), drops a torn last
// line left by a crash mid-write, and rewrites it compactly. A damaged line anywhere else is an
// error: silently skipping it could forget a job that is already on paper.
func Open(path string) (*Journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal folder: %w", err)
	}
	entries, err := load(path)
	if err != nil {
		return nil, err
	}
	j := &Journal{path: path, entries: entries}
	if err := j.compactLocked(); err != nil {
		return nil, err
	}
	return j, nil
}

func load(path string) (map[int64]Entry, error) {
	entries := map[int64]Entry{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return entries, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, slices.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	tornTail := len(data) > 0 && data[len(data)-1] != '\n'
	for i, line := range lines {
		last := i == len(lines)-1
		if last && tornTail {
			// Written without its newline: the write (and so the step it guarded) never finished.
			break
		}
		e, err := ParseLine(line)
		if err != nil {
			if last {
				// A complete but damaged last line is also a write cut short by a crash.
				break
			}
			return nil, fmt.Errorf("%s line %d: %w", path, i+1, err)
		}
		if e.Step == StepDone {
			delete(entries, e.JobID)
		} else {
			entries[e.JobID] = e
		}
	}
	return entries, nil
}

// Put records e (replacing what was known about e.JobID) durably before returning.
func (j *Journal) Put(e Entry) error {
	line, err := MarshalLine(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errors.New("journal closed")
	}
	if _, err := j.f.Write(line); err != nil {
		return fmt.Errorf("journal write: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal fsync: %w", err)
	}
	j.lines++
	if e.Step == StepDone {
		delete(j.entries, e.JobID)
	} else {
		j.entries[e.JobID] = e
	}
	if j.lines > 64+4*len(j.entries) {
		return j.compactLocked()
	}
	return nil
}

// Done forgets a job durably.
func (j *Journal) Done(jobID int64) error {
	return j.Put(Entry{JobID: jobID, Step: StepDone})
}

// Get returns the entry for a job.
func (j *Journal) Get(jobID int64) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.entries[jobID]
	return e, ok
}

// Entries returns all live entries ordered by job id.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return int(a.JobID - b.JobID) })
	return out
}

// Close closes the file; entries already Put are durable.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// compactLocked rewrites the live entries via temp file + fsync + rename + fsync of the folder,
// then reopens the journal for appending.
func (j *Journal) compactLocked() error {
	var buf bytes.Buffer
	ids := make([]int64, 0, len(j.entries))
	for id := range j.entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		line, err := MarshalLine(j.entries[id])
		if err != nil {
			return err
		}
		buf.Write(line)
	}
	tmp := j.path + ".tmp"
	if err := writeFileSync(tmp, buf.Bytes()); err != nil {
		return fmt.Errorf("journal rewrite: %w", err)
	}
	if err := os.Rename(tmp, j.path); err != nil {
		return fmt.Errorf("journal rename: %w", err)
	}
	if err := syncDir(filepath.Dir(j.path)); err != nil {
		return fmt.Errorf("journal folder fsync: %w", err)
	}
	if j.f != nil {
		j.f.Close()
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		j.f = nil
		return fmt.Errorf("journal reopen: %w", err)
	}
	j.f = f
	j.lines = len(ids)
	return nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
