package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/agent/protocol"
	"ak1/server/domain"
	"ak1/server/storage"
)

// The print agent's API (agent/protocol). Stations authenticate with a bearer token; every answer is
// JSON or a bare status code, never an HTML page.

const (
	stationLocal      = "station"
	stationTokenLocal = "stationToken"
	// maxClaimWait caps the claim long-poll below the server's write timeout.
	maxClaimWait = 50 * time.Second
	// claimRecheck is how often a waiting claim looks at the database even without a signal, so
	// jobs queued by another process (the CLI, a second server) are not missed.
	claimRecheck = 500 * time.Millisecond
)

func (s *Server) agentRoutes(app *fiber.App) {
	api := app.Group("/api/agent", s.stationAuth)
	api.Post("/claim", s.agentClaim)
	api.Post("/heartbeat", s.agentHeartbeat)
	api.Get("/jobs/:id/card.pdf", s.agentCardPDF)
	api.Post("/jobs/:id/status", s.agentStatus)
	api.Post("/jobs/:id/recover", s.agentRecover)
}

func (s *Server) stationAuth(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || token == "" {
		return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "missing station token"})
	}
	st, err := s.db.StationByToken(c.UserContext(), token)
	if errors.Is(err, storage.ErrNotFound) {
		s.log.Warn("print agent with unknown token", "ip", c.IP())
		return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "unknown station token"})
	}
	if err != nil {
		return err
	}
	c.Locals(stationLocal, st)
	c.Locals(stationTokenLocal, token)
	return c.Next()
}

// stationRevoked answers a station whose token was disabled, replaced or removed during its call.
func stationRevoked(c *fiber.Ctx) error {
	return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "station token disabled, replaced or removed"})
}

func station(c *fiber.Ctx) *storage.Station { return c.Locals(stationLocal).(*storage.Station) }

func badRequest(c *fiber.Ctx, what string) error {
	return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": what})
}

// agentClaim hands out the oldest queued job, waiting up to ?wait= seconds for one to appear.
func (s *Server) agentClaim(c *fiber.Ctx) error {
	wait, err := strconv.Atoi(c.Query(protocol.QueryWait, "0"))
	if err != nil || wait < 0 {
		return badRequest(c, "wait must be a whole number of seconds")
	}
	st := station(c)
	token, _ := c.Locals(stationTokenLocal).(string)
	deadline := time.Now().Add(min(time.Duration(wait)*time.Second, maxClaimWait))
	// Closed when the server shuts down: a waiting claim answers 204 at once instead of holding
	// the shutdown for its whole wait, and claims nothing whose answer the shutdown could cut off.
	stopping := c.Context().Done()
	for {
		signal := s.printSignal.Wait() // before the claim, so a Notify in between is not lost
		select {
		case <-stopping:
			return c.SendStatus(fiber.StatusNoContent)
		default:
		}
		// By token, not by id: a token disabled or replaced while this claim waits gets no job.
		job, err := s.db.ClaimJobByToken(c.UserContext(), token)
		if errors.Is(err, storage.ErrStationRevoked) {
			s.log.Warn("waiting claim of a revoked station token", "station", st.Name)
			return stationRevoked(c)
		}
		if err == nil {
			s.log.Info("print job claimed", "job", job.ID, "station", st.Name, "reg_number", job.RegNumber)
			return c.JSON(protocol.ClaimResponse{
				JobID: job.ID, Lease: job.Lease, CardSerial: job.CardSerial, RegNumber: job.RegNumber,
				PDFPath: fmt.Sprintf("/api/agent/jobs/%d/card.pdf", job.ID), Copies: 1,
			})
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return c.SendStatus(fiber.StatusNoContent)
		}
		timer := time.NewTimer(min(left, claimRecheck))
		select {
		case <-signal:
		case <-timer.C:
		case <-stopping:
		}
		timer.Stop()
	}
}

func jobID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	return id, err == nil && id > 0
}

// agentCardPDF sends the card of a job to the station that holds its lease.
func (s *Server) agentCardPDF(c *fiber.Ctx) error {
	id, ok := jobID(c)
	if !ok {
		return c.SendStatus(fiber.StatusNotFound)
	}
	job, err := s.db.JobForLease(c.UserContext(), station(c).ID, id, c.Get(protocol.HeaderLease))
	if err != nil {
		return agentJobError(c, err)
	}
	pdf, err := s.cardPDF(c.UserContext(), job.CardID)
	if err != nil {
		return fmt.Errorf("render card %d for job %d: %w", job.CardID, job.ID, err)
	}
	// Recorded before the bytes go out: from here on the station may print the card, so an expired
	// lease sends the job to an operator check rather than to another station.
	if err := s.db.MarkPDFSent(c.UserContext(), job.ID); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="ak1-job-%d.pdf"`, job.ID))
	return c.Send(pdf)
}

// agentJobError answers a job call that failed in storage: 404 for an unknown job, 409 for a lease
// that is no longer the job's or a job that is not the station's (the agent then stops touching
// it), 423 for a paused station (the agent keeps the job and tries again later), 401 for a token
// revoked during the call, the error itself otherwise.
func agentJobError(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return c.SendStatus(fiber.StatusNotFound)
	case errors.Is(err, storage.ErrStaleLease):
		return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": "stale lease"})
	case errors.Is(err, storage.ErrStationPaused):
		return c.Status(fiber.StatusLocked).JSON(fiber.Map{"error": "station is paused"})
	case errors.Is(err, storage.ErrStationRevoked):
		return stationRevoked(c)
	}
	return err
}

func decodeJSON(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Server) agentStatus(c *fiber.Ctx) error {
	id, ok := jobID(c)
	if !ok {
		return c.SendStatus(fiber.StatusNotFound)
	}
	var u protocol.StatusUpdate
	if err := decodeJSON(c, &u); err != nil {
		return badRequest(c, "body must be a StatusUpdate")
	}
	var state domain.PrintState
	switch u.State {
	case protocol.StateSent:
		state = domain.PrintSent
	case protocol.StatePrinted:
		state = domain.PrintPrinted
	case protocol.StateFailed:
		state = domain.PrintFailed
		if u.Error == "" {
			return badRequest(c, "failed needs an error")
		}
	default:
		return badRequest(c, "unknown state")
	}
	if err := s.db.ReportJob(c.UserContext(), station(c).ID, id, u.Lease, state, int64(u.CUPSJobID), u.Error); err != nil {
		return agentJobError(c, err)
	}
	s.log.Info("print job reported", "job", id, "state", u.State, "cups_job", u.CUPSJobID, "error", u.Error)
	return c.SendStatus(fiber.StatusOK)
}

func (s *Server) agentRecover(c *fiber.Ctx) error {
	id, ok := jobID(c)
	if !ok {
		return c.SendStatus(fiber.StatusNotFound)
	}
	var r protocol.Recover
	if err := decodeJSON(c, &r); err != nil || r.Note == "" {
		return badRequest(c, "body must be a Recover with a note")
	}
	if err := s.db.RecoverJob(c.UserContext(), station(c).ID, id, r.Note, int64(r.CUPSJobID)); err != nil {
		return agentJobError(c, err)
	}
	s.log.Warn("print job needs operator check", "job", id, "station", station(c).Name, "note", r.Note)
	return c.SendStatus(fiber.StatusOK)
}

func (s *Server) agentHeartbeat(c *fiber.Ctx) error {
	var hb protocol.Heartbeat
	if err := decodeJSON(c, &hb); err != nil {
		return badRequest(c, "body must be a Heartbeat")
	}
	switch hb.PrinterState {
	case protocol.PrinterIdle, protocol.PrinterPrinting, protocol.PrinterStopped, protocol.PrinterOffline:
	default:
		return badRequest(c, "unknown printer state")
	}
	st := station(c)
	if err := s.db.RecordHeartbeat(c.UserContext(), st.ID, hb.Printer, hb.PrinterState, hb.Reasons, hb.Version); err != nil {
		return err
	}
	if st.PrinterState != hb.PrinterState || strings.Join(st.PrinterReasons, ",") != strings.Join(hb.Reasons, ",") {
		s.events.notify() // the operator page shows printer trouble as it happens
	}
	return c.JSON(protocol.HeartbeatResponse{Options: st.Options})
}
