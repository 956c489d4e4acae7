package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/agent/protocol"
)

// RequestTimeoutDefault is how long the queries of one request may run unless Options say
// otherwise. Every page costs milliseconds; a query still running after this long is stuck or
// its client has long gone, and holding a connection and a core for it slows everyone else.
const RequestTimeoutDefault = 10 * time.Second

// queryDeadline gives every request a context with a deadline, which storage passes to SQLite: a
// query that runs past it is interrupted and the request answers 503 (see handleError). Fasthttp
// does not tell a handler that its client went away, so the deadline is what stops the work of an
// abandoned request.
func (s *Server) queryDeadline(c *fiber.Ctx) error {
	timeout := s.opts.RequestTimeout
	if c.Path() == protocol.PathClaim {
		timeout += maxClaimWait // the claim long-poll waits for work between its short queries
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// overloaded is what a request whose queries ran out of time answers.
var overloaded = &PublicError{fiber.StatusServiceUnavailable, "Server sedang sibuk dan permintaan ini terlalu lama diproses. Coba lagi sebentar lagi."}

func isDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }
