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
type broker struct {
	db  *storage.DB
	log *slog.Logger

	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	polling bool
}

const pollEvery = 300 * time.Millisecond

func newBroker(db *storage.DB, log *slog.Logger) *broker {
	return &broker{db: db, log: log, subs: map[chan struct{}]struct{}{}}
}

// subscribe returns a channel that receives a signal after each change, and its cancel function.
func (b *broker) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	if !b.polling {
		b.polling = true
		go b.poll()
	}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

func (b *broker) notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending: the listener will refresh once
		}
	}
}

// poll runs while there are listeners.
func (b *broker) poll() {
	last, _ := b.db.ChangeMark(context.Background())
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for range t.C {
		b.mu.Lock()
		if len(b.subs) == 0 {
			b.polling = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		mark, err := b.db.ChangeMark(ctx)
		cancel()
		if err != nil {
			b.log.Warn("live queue poll", "err", err)
			continue
		}
		if mark != last {
			last = mark
			b.notify()
		}
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
