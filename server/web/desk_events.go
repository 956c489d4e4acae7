package web

import (
	"bufio"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/storage"
)

// broker tells the open live queues and lobby displays that something changed; they then fetch
// their fragment again. Handlers call notify right after a change; while anyone listens, a poller
// also watches the audit log, so changes made elsewhere (another process, a test, the print
// agent's API) show within half a second too.
//
// Changes come in bursts (an approval, a rush at the kiosks, a print station reporting): every
// refresh costs each open screen a request, so a burst makes one refresh, at the end of a short
// window that the first change opens, and a change the handler announced is not announced again
// by the poller.
type broker struct {
	db     *storage.DB
	log    *slog.Logger
	window time.Duration

	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	polling bool
	pending bool  // a refresh is due at the end of the window
	last    int64 // the audit log's change mark when the listeners were last told
}

const (
	pollEvery = 300 * time.Millisecond
	// coalesceWindow is how long a burst of changes may last and still make one refresh.
	coalesceWindow = 250 * time.Millisecond
)

func newBroker(db *storage.DB, log *slog.Logger) *broker {
	return &broker{db: db, log: log, window: coalesceWindow, subs: map[chan struct{}]struct{}{}}
}

// subscribe returns a channel that receives a signal after each burst of changes, and its cancel
// function.
func (b *broker) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	start := !b.polling
	b.polling = true
	b.mu.Unlock()
	if start {
		mark := b.mark()
		b.mu.Lock()
		b.last = max(b.last, mark)
		b.mu.Unlock()
		go b.poll()
	}
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

// notify says that something changed: the listeners hear of it at the end of the window.
func (b *broker) notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.schedule()
}

// schedule makes a refresh due at the end of the window; b.mu is held.
func (b *broker) schedule() {
	if b.pending || len(b.subs) == 0 {
		return // this change joins the refresh already due, or nobody listens
	}
	b.pending = true
	time.AfterFunc(b.window, b.flush)
}

// flush tells every listener once, and remembers how far the audit log was announced.
func (b *broker) flush() {
	mark := b.mark()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	b.last = max(b.last, mark)
	for ch := range b.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending: the listener will refresh once
		}
	}
}

func (b *broker) mark() int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	mark, err := b.db.ChangeMark(ctx)
	if err != nil {
		b.log.Warn("live queue change mark", "err", err)
	}
	return mark
}

// poll runs while there are listeners and announces changes nobody announced.
func (b *broker) poll() {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for range t.C {
		mark := b.mark()
		b.mu.Lock()
		if len(b.subs) == 0 {
			b.polling = false
			b.mu.Unlock()
			return
		}
		// Compared under the lock: a flush that announced this change in the meantime has
		// moved b.last past it.
		if mark > b.last {
			b.schedule()
		}
		b.mu.Unlock()
	}
}

// stream answers with Server-Sent Events: one "berubah" event per change, a comment every 15 s to
// keep the connection open. It ends when the client goes away or the server shuts down.
func (s *Server) stream(c *fiber.Ctx) error {
	c.Set("Content-Type", "text/event-stream")
	c.Set("Cache-Control", "no-store")
	c.Set("X-Accel-Buffering", "no")
	ch, cancel := s.events.subscribe()
	done := c.Context().Done() // closed when the server shuts down
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		w.WriteString("retry: 2000\n\n")
		if w.Flush() != nil {
			return
		}
		keep := time.NewTicker(15 * time.Second)
		defer keep.Stop()
		for {
			select {
			case <-done:
				return
			case <-ch:
				w.WriteString("event: berubah\ndata: 1\n\n")
			case <-keep.C:
				w.WriteString(": tetap terhubung\n\n")
			}
			if w.Flush() != nil {
				return
			}
		}
	})
	return nil
}

func (s *Server) deskEvents(c *fiber.Ctx) error  { return s.stream(c) }
func (s *Server) lobbyEvents(c *fiber.Ctx) error { return s.stream(c) }

// lobbyPage is the TV in the waiting room (1920×1080): the tickets called last and their desks, and
// nothing else: no names, no NIK.
func (s *Server) lobbyPage(c *fiber.Ctx) error {
	calls, err := s.lobbyCalls(c.UserContext(), 7)
	if err != nil {
		return err
	}
	return c.Render("desk/lobby", fiber.Map{"Calls": calls})
}

func (s *Server) lobbyFragment(c *fiber.Ctx) error {
	calls, err := s.lobbyCalls(c.UserContext(), 7)
	if err != nil {
		return err
	}
	return c.Render("desk/lobby-calls", fiber.Map{"Calls": calls})
}
