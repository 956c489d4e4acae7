// Package worker is the print station's main loop: claim a job, journal, hand it to the printer,
// journal again, then report; plus the heartbeat and the loop that follows jobs in CUPS and
// delivers reports that the server has not acknowledged yet.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"ak1/agent/internal/backoff"
	"ak1/agent/internal/client"
	"ak1/agent/internal/journal"
	"ak1/agent/internal/printer"
	"ak1/agent/protocol"
)

// Config wires a Worker. Zero durations get the defaults noted.
type Config struct {
	Client  *client.Client
	Printer printer.Printer
	Journal *journal.Journal
	Log     *slog.Logger
	Version string

	Wait           time.Duration // claim long-poll, default 25 s
	HeartbeatEvery time.Duration // default 10 s
	PollEvery      time.Duration // how often to ask CUPS about jobs in flight, default 500 ms
	BackoffBase    time.Duration // default 500 ms
	BackoffMax     time.Duration // default 30 s
}

// Worker runs one print station.
type Worker struct {
	cfg Config
	log *slog.Logger

	stationOpts atomic.Pointer[map[string]string]
	health      atomic.Pointer[printer.Health]
	// mu guards busy and newLeases. The claim loop owns the journal entry of the job it is
	// handing to the printer (busy); the sync loop owns all other entries. A job claimed again
	// while in the journal only leaves its new lease in newLeases for the sync loop to adopt, so
	// no entry ever has two writers.
	mu        sync.Mutex
	busy      int64
	newLeases map[int64]string

	kickSync chan struct{}
	kickHB   chan struct{}
	hbOnce   sync.Once
	hbOK     chan struct{} // closed after the first successful heartbeat
}

// New returns a worker; Run starts it.
func New(cfg Config) *Worker {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Wait, protocol.DefaultWaitSeconds*time.Second)
	def(&cfg.HeartbeatEvery, protocol.HeartbeatIntervalSeconds*time.Second)
	def(&cfg.PollEvery, 500*time.Millisecond)
	def(&cfg.BackoffBase, 500*time.Millisecond)
	def(&cfg.BackoffMax, 30*time.Second)
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Worker{
		cfg:       cfg,
		log:       cfg.Log,
		kickSync:  make(chan struct{}, 1),
		newLeases: map[int64]string{},
		kickHB:    make(chan struct{}, 1),
		hbOK:      make(chan struct{}),
	}
}

// Run works until ctx is cancelled, then finishes the step in progress and returns nil. It
// never returns on transient errors (server or CUPS down): it backs off and tries again.
func (w *Worker) Run(ctx context.Context) error {
	if n := len(w.cfg.Journal.Entries()); n > 0 {
		w.log.Info("journal has unfinished jobs; reconciling with CUPS before reporting", "jobs", n)
	}
	var wg sync.WaitGroup
	wg.Go(func() { w.heartbeatLoop(ctx) })
	wg.Go(func() { w.syncLoop(ctx) })
	w.claimLoop(ctx)
	wg.Wait()
	w.log.Info("stopped cleanly")
	return nil
}

func kick(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func jobName(id int64) string { return "ak1-job-" + strconv.FormatInt(id, 10) }

// ---- heartbeat ----

func (w *Worker) checkHealth(ctx context.Context) printer.Health {
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h := w.cfg.Printer.Health(hctx)
	old := w.health.Swap(&h)
	if old == nil || old.State != h.State {
		w.log.Info("printer state", "printer", w.cfg.Printer.String(), "state", h.State, "reasons", h.Reasons)
		if old != nil {
			kick(w.kickHB) // tell the server at once, not at the next tick
		}
	}
	return h
}

func (w *Worker) heartbeatLoop(ctx context.Context) {
	bo := backoff.New(w.cfg.BackoffBase, min(w.cfg.BackoffMax, w.cfg.HeartbeatEvery))
	failing := false
	for {
		h := w.checkHealth(ctx)
		resp, err := w.cfg.Client.Heartbeat(ctx, protocol.Heartbeat{
			PrinterState: h.State,
			Reasons:      h.Reasons,
			Printer:      w.cfg.Printer.String(),
			Version:      w.cfg.Version,
		})
		next := w.cfg.HeartbeatEvery
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				w.log.Warn("heartbeat failed; retrying with backoff", "err", err)
			}
			failing = true
			next = bo.Next()
		default:
			if failing {
				w.log.Info("server reachable again")
			}
			failing = false
			bo.Reset()
			opts := resp.Options
			w.stationOpts.Store(&opts)
			w.hbOnce.Do(func() { close(w.hbOK) })
		}
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.kickHB:
			t.Stop()
		case <-t.C:
		}
	}
}

// ---- claiming and printing ----

func (w *Worker) claimLoop(ctx context.Context) {
	// Station print options (duplex, media, driver options) come with the heartbeat; printing a
	// card before knowing them could print it wrong.
	select {
	case <-ctx.Done():
		return
	case <-w.hbOK:
	}
	bo := backoff.New(w.cfg.BackoffBase, w.cfg.BackoffMax)
	for ctx.Err() == nil {
		if h := w.checkHealth(ctx); h.State != protocol.PrinterIdle && h.State != protocol.PrinterPrinting {
			// Claiming now would strand the card in a queue that cannot print while another
			// station could take it; wait for the printer instead.
			backoff.Sleep(ctx, time.Second)
			continue
		}
		start := time.Now()
		cr, err := w.cfg.Client.Claim(ctx, w.cfg.Wait)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d := bo.Next()
			w.log.Warn("claim failed; retrying", "err", err, "in", d.Round(time.Millisecond))
			backoff.Sleep(ctx, d)
			continue
		}
		bo.Reset()
		if cr == nil {
			// A server that answers 204 at once (e.g. while shutting down) must not turn the
			// long-poll into a busy loop.
			if time.Since(start) < time.Second {
				backoff.Sleep(ctx, time.Second)
			}
			continue
		}
		w.handle(ctx, cr)
	}
}

// handle takes one claimed job to the printer. Once the intent is journaled, the rest runs to
// completion even if ctx is cancelled (SIGTERM), so the journal always matches CUPS.
func (w *Worker) handle(ctx context.Context, cr *protocol.ClaimResponse) {
	log := w.log.With("job", cr.JobID, "serial", cr.CardSerial)
	j := w.cfg.Journal
	w.mu.Lock()
	if e, ok := j.Get(cr.JobID); ok {
		// The server gave us a job we already worked on (its lease expired while we were down
		// and it was queued again). Never print it twice: hand the new lease to the sync loop,
		// which reports what CUPS says about the first attempt.
		w.newLeases[cr.JobID] = cr.Lease
		w.mu.Unlock()
		log.Warn("job claimed again but already in journal; not printing again", "step", e.Step)
		kick(w.kickSync)
		return
	}
	w.busy = cr.JobID
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.busy = 0
		w.mu.Unlock()
		kick(w.kickSync)
	}()

	// A claimed job is carried to CUPS even if SIGTERM arrives meanwhile (it takes
	// milliseconds); leaving it would strand the card until its lease expires.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	pdf, err := w.download(ctx, hctx, cr)
	switch {
	case err != nil && ctx.Err() != nil:
		return // shutting down and the PDF did not come: nothing sent, the lease will expire
	case errors.Is(err, client.ErrLeaseLost):
		log.Warn("lease lost before printing; dropping job")
		return
	case err != nil:
		log.Error("card PDF unavailable; reporting failed", "err", err)
		w.putAndKick(log, journal.Entry{JobID: cr.JobID, Lease: cr.Lease, Step: journal.StepClaimed,
			Final: printer.Failed, Error: "pdf-download: " + err.Error()})
		return
	}

	opts := map[string]string{}
	if so := w.stationOpts.Load(); so != nil {
		maps.Copy(opts, *so)
	}
	maps.Copy(opts, cr.Options)
	copies := max(cr.Copies, 1)

	intent := journal.Entry{JobID: cr.JobID, Lease: cr.Lease, Step: journal.StepIntent, IntentUnix: time.Now().Unix()}
	if err := j.Put(intent); err != nil {
		// Without a durable intent a crash could print this card twice; better not print.
		log.Error("journal write failed; not printing", "err", err)
		backoff.Sleep(ctx, time.Second)
		return
	}
	pctx := hctx
	name := jobName(cr.JobID)
	job, err := w.cfg.Printer.Print(pctx, name, pdf, copies, opts)
	if err != nil {
		if errors.Is(err, printer.ErrUnreachable) {
			log.Error("printer unreachable; reporting failed", "err", err)
			w.putAndKick(log, journal.Entry{JobID: cr.JobID, Lease: cr.Lease, Step: journal.StepClaimed,
				Final: printer.Failed, Error: "printer-unreachable: " + err.Error()})
			return
		}
		// The answer may have been lost after CUPS created the job: ask before concluding.
		found, ok, ferr := w.cfg.Printer.Find(pctx, name, time.Unix(intent.IntentUnix, 0))
		switch {
		case ferr != nil:
			log.Error("print outcome unknown; the sync loop will ask CUPS again", "err", err, "find_err", ferr)
			kick(w.kickSync)
			return
		case !ok:
			log.Error("CUPS refused the job; reporting failed", "err", err)
			w.putAndKick(log, journal.Entry{JobID: cr.JobID, Lease: cr.Lease, Step: journal.StepClaimed,
				Final: printer.Failed, Error: "cups-rejected: " + err.Error()})
			return
		}
		log.Warn("print call failed but CUPS has the job; continuing", "err", err, "cups_job", found.ID)
		job = found
	}
	sent := intent
	sent.Step, sent.CUPSJobID, sent.Final, sent.Error = journal.StepSent, job.ID, job.Outcome, job.Reason
	w.putAndKick(log, sent)
	log.Info("sent to printer", "cups_job", job.ID, "name", name)
}

func (w *Worker) putAndKick(log *slog.Logger, e journal.Entry) {
	if err := w.cfg.Journal.Put(e); err != nil {
		log.Error("journal write failed", "err", err)
	}
	kick(w.kickSync)
}

// download fetches the PDF with hctx, retrying transient failures for a while (the lease bounds
// how long that makes sense; the server says 409 once it is gone) but not once ctx, the
// agent's life, is over.
func (w *Worker) download(ctx, hctx context.Context, cr *protocol.ClaimResponse) ([]byte, error) {
	bo := backoff.New(w.cfg.BackoffBase, w.cfg.BackoffMax)
	for {
		pdf, err := w.cfg.Client.PDF(hctx, cr.PDFPath, cr.Lease)
		if err == nil || ctx.Err() != nil || errors.Is(err, client.ErrLeaseLost) || errors.Is(err, client.ErrNotFound) {
			return pdf, err
		}
		var se *client.StatusError
		if errors.As(err, &se) && se.Permanent() {
			return nil, err
		}
		if bo.Attempts() >= 8 {
			return nil, err
		}
		w.log.Warn("PDF download failed; retrying", "job", cr.JobID, "err", err)
		bo.Wait(ctx)
	}
}

// ---- following CUPS and reporting ----

func (w *Worker) syncLoop(ctx context.Context) {
	bo := backoff.New(w.cfg.BackoffBase, w.cfg.BackoffMax)
	for ctx.Err() == nil {
		pending, transient := w.syncOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		var wait <-chan time.Time
		switch {
		case transient:
			wait = time.After(bo.Next())
		case pending:
			bo.Reset()
			wait = time.After(w.cfg.PollEvery)
		default:
			bo.Reset()
		}
		select {
		case <-ctx.Done():
			return
		case <-w.kickSync:
			if transient {
				// A new job does not make the server come back sooner; keep backing off.
				select {
				case <-ctx.Done():
					return
				case <-wait:
				}
			}
		case <-wait:
		}
	}
}

// syncOnce advances every journal entry as far as it can. pending reports entries still
// waiting on the printer; transient reports a server or CUPS failure worth backing off for.
func (w *Worker) syncOnce(ctx context.Context) (pending, transient bool) {
	for _, e := range w.cfg.Journal.Entries() {
		if ctx.Err() != nil {
			return
		}
		p, t := w.advance(ctx, e.JobID)
		pending = pending || p
		transient = transient || t
		if t {
			// The server or CUPS is down: the other entries would fail the same way.
			return
		}
	}
	return
}

func (w *Worker) advance(ctx context.Context, id int64) (pending, transient bool) {
	j := w.cfg.Journal
	w.mu.Lock()
	e, ok := j.Get(id)
	if w.busy == id || !ok {
		w.mu.Unlock()
		return ok, false
	}
	orig := e
	if lease, ok := w.newLeases[id]; ok {
		delete(w.newLeases, id)
		// Report again under the new lease: the server has forgotten what the old one said.
		e.Lease, e.Reported = lease, ""
	}
	w.mu.Unlock()
	log := w.log.With("job", id)
	name := jobName(id)
	switch {
	case e.Step == journal.StepIntent && e.Final == "":
		// We crashed (or lost the answer) between "about to send" and "sent": ask CUPS.
		found, ok, err := w.cfg.Printer.Find(ctx, name, time.Unix(e.IntentUnix, 0))
		if err != nil {
			log.Warn("cannot ask CUPS about journaled job", "err", err)
			return true, true
		}
		if ok {
			e.Step, e.CUPSJobID, e.Final, e.Error = journal.StepSent, found.ID, found.Outcome, found.Reason
			log.Info("journaled job found in CUPS", "cups_job", found.ID, "outcome", found.Outcome)
		} else {
			// It may have reached the printer without CUPS keeping a record (history purged,
			// CUPS reinstalled) or never left: only a person can tell. Never print again.
			e.Final, e.Error = printer.Failed, protocol.ErrNeedsOperatorCheck
			log.Warn("journal says job may have been sent but CUPS has no trace; needs operator check")
		}
	case e.Step == journal.StepSent && e.Final == "":
		found, ok, err := w.cfg.Printer.Lookup(ctx, e.CUPSJobID)
		if err != nil {
			log.Warn("cannot ask CUPS about job", "cups_job", e.CUPSJobID, "err", err)
			return true, true
		}
		switch {
		case !ok:
			e.Final, e.Error = printer.Failed, protocol.ErrNeedsOperatorCheck
			log.Warn("CUPS no longer knows the job; needs operator check", "cups_job", e.CUPSJobID)
		case found.Outcome != printer.Pending:
			e.Final, e.Error = found.Outcome, found.Reason
		}
	}
	if e != orig {
		if err := j.Put(e); err != nil {
			log.Error("journal write failed", "err", err)
			return true, true
		}
	}

	want := e.Final
	if want == "" && e.Step == journal.StepSent {
		want = protocol.StateSent
	}
	if want == "" {
		return true, false // intent still unresolved (only if Find failed above)
	}
	if e.Reported == want {
		return e.Final == "", false
	}
	err := w.cfg.Client.Status(ctx, e.JobID, protocol.StatusUpdate{
		Lease: e.Lease, State: want, CUPSJobID: e.CUPSJobID, Error: e.Error,
	})
	var se *client.StatusError
	switch {
	case err == nil:
		log.Info("reported", "state", want, "cups_job", e.CUPSJobID, "error", e.Error)
		if e.Final != "" {
			w.done(log, e.JobID)
			return false, false
		}
		e.Reported = want
		if err := j.Put(e); err != nil {
			log.Error("journal write failed", "err", err)
		}
		return true, false
	case errors.Is(err, client.ErrLeaseLost):
		if e.Step == journal.StepClaimed {
			log.Warn("lease lost; nothing was printed, forgetting job")
			w.done(log, e.JobID)
			return false, false
		}
		return w.recover(ctx, log, e, want)
	case errors.Is(err, client.ErrNotFound):
		log.Error("server does not know the job; forgetting it", "state", want, "cups_job", e.CUPSJobID)
		w.done(log, e.JobID)
		return false, false
	case errors.As(err, &se) && se.Permanent():
		// A request the server will never accept; keep it in the journal (never forget a card
		// that may be on paper) and retry slowly so the log shows it until someone looks.
		log.Error("server rejects status update", "err", err)
		return true, true
	default:
		if ctx.Err() == nil {
			log.Warn("status report failed; will retry", "err", err)
		}
		return true, true
	}
}

// recover tells the server what we know about a job whose lease we lost although it may be on
// paper, so the server puts it to an operator instead of queueing it again.
func (w *Worker) recover(ctx context.Context, log *slog.Logger, e journal.Entry, state string) (pending, transient bool) {
	note := fmt.Sprintf("%s: lease lost after journal step %q; cups job %d; agent state %q",
		protocol.ErrNeedsOperatorCheck, e.Step, e.CUPSJobID, state)
	if e.Error != "" {
		note += "; error " + e.Error
	}
	if e.Error == protocol.ErrNeedsOperatorCheck {
		state = ""
	}
	err := w.cfg.Client.Recover(ctx, e.JobID, protocol.Recover{Lease: e.Lease, Note: note, CUPSJobID: e.CUPSJobID, State: state})
	var se *client.StatusError
	switch {
	case err == nil, errors.Is(err, client.ErrNotFound), errors.Is(err, client.ErrLeaseLost):
		log.Warn("lease lost; told the server via recover", "note", note, "result", errString(err))
		w.done(log, e.JobID)
		return false, false
	case errors.As(err, &se) && se.Permanent():
		log.Error("server rejects recover", "err", err)
		return true, true
	default:
		return true, true
	}
}

func (w *Worker) done(log *slog.Logger, id int64) {
	if err := w.cfg.Journal.Done(id); err != nil {
		log.Error("journal write failed", "err", err)
	}
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
