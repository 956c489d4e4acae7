// Package fakeserver is a strict in-memory stand-in for ak1-server's agent API, for tests: it
// checks the token and leases, answers 409 for stale leases, refuses impossible transitions,
// counts every call, and can be stopped and started again on the same address to play an outage.
// It doubles as an executable reading of the protocol for whoever builds the real server.
package fakeserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"ak1/agent/protocol"
)

// Job states on the fake server.
const (
	Queued     = "queued"
	Claimed    = "claimed"
	Sent       = "sent"
	Printed    = "printed"
	Failed     = "failed"
	NeedsCheck = "needs-check" // set by /recover
)

// Job is the server's record of one print job.
type Job struct {
	ID        int64
	PDF       []byte
	Options   map[string]string
	State     string
	Lease     string
	LeaseAt   time.Time
	CUPSJobID int
	Error     string

	AddedAt, ClaimedAt, SentAt, DoneAt time.Time
	Claims                             int // times handed out
	StatusCalls                        int // accepted or not
	Recovers                           []protocol.Recover
	History                            []string // every accepted state change, e.g. "claimed", "sent", "printed"
}

// Server is the fake. Set fields before Start.
type Server struct {
	Token          string
	LeaseTTL       time.Duration // claimed (not yet sent) jobs go back to the queue after this; 0 = never
	StationOptions map[string]string

	mu         sync.Mutex
	jobs       map[int64]*Job
	order      []int64
	wake       chan struct{} // closed and replaced when a job is added
	heartbeats []protocol.Heartbeat
	counts     Counts
	statusDown bool
	loseAnswer map[string]bool // "id/state" whose next accepted answer is replaced by a 503

	srv  *http.Server
	addr string
}

// Counts are call counters.
type Counts struct {
	Claims, Claims204, StatusCalls, Conflicts, Heartbeats, PDFs, Recovers, Unauthorized, BadRequests int
}

// New returns a fake server accepting token.
func New(token string) *Server {
	return &Server{Token: token, jobs: map[int64]*Job{}, wake: make(chan struct{}), loseAnswer: map[string]bool{}}
}

// Start listens on addr ("127.0.0.1:0" picks a port; after Stop, Start("") reuses the last
// address) and returns the base URL.
func (s *Server) Start(addr string) (string, error) {
	s.mu.Lock()
	if addr == "" {
		addr = s.addr
	}
	s.mu.Unlock()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger a moment after Stop
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s.Handler()}
	s.mu.Lock()
	s.addr = ln.Addr().String()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// Stop closes the listener and every connection (in-flight long-polls included): the server is
// down. Jobs are kept, as a real server keeps them in its database.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Add queues a job and wakes waiting claims.
func (s *Server) Add(id int64, pdf []byte, options map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[id] = &Job{ID: id, PDF: pdf, Options: options, State: Queued, AddedAt: time.Now(), History: []string{Queued}}
	s.order = append(s.order, id)
	close(s.wake)
	s.wake = make(chan struct{})
}

// SetStatusDown makes status calls answer 503 (the server is "half down").
func (s *Server) SetStatusDown(down bool) {
	s.mu.Lock()
	s.statusDown = down
	s.mu.Unlock()
}

// LoseNextAnswer applies the next status update of job id to state, then answers 503 as if the
// answer got lost on the way, so the agent must retry an update the server already has.
func (s *Server) LoseNextAnswer(id int64, state string) {
	s.mu.Lock()
	s.loseAnswer[fmt.Sprint(id, "/", state)] = true
	s.mu.Unlock()
}

// Job returns a copy of a job.
func (s *Server) Job(id int64) (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return Job{}, false
	}
	c := *j
	c.History = slices.Clone(j.History)
	c.Recovers = slices.Clone(j.Recovers)
	return c, true
}

// Jobs returns copies of all jobs in the order added.
func (s *Server) Jobs() []Job {
	s.mu.Lock()
	ids := slices.Clone(s.order)
	s.mu.Unlock()
	out := make([]Job, 0, len(ids))
	for _, id := range ids {
		j, _ := s.Job(id)
		out = append(out, j)
	}
	return out
}

// Counts returns the call counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Heartbeats returns the heartbeats received so far.
func (s *Server) Heartbeats() []protocol.Heartbeat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.heartbeats)
}

// Handler serves the protocol.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathClaim, s.claim)
	mux.HandleFunc("GET "+protocol.PathJobPDFPattern, s.pdf)
	mux.HandleFunc("POST "+protocol.PathJobStatusPattern, s.status)
	mux.HandleFunc("POST "+protocol.PathJobRecoverPattern, s.recover)
	mux.HandleFunc("POST "+protocol.PathHeartbeat, s.heartbeat)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			s.mu.Lock()
			s.counts.Unauthorized++
			s.mu.Unlock()
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func newLease() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// expireLocked puts claimed jobs whose lease ran out back in the queue. Sent jobs are never
// re-queued (design: a job that may be on paper goes to an operator, never to a printer again).
func (s *Server) expireLocked(now time.Time) {
	if s.LeaseTTL <= 0 {
		return
	}
	for _, id := range s.order {
		j := s.jobs[id]
		if j.State == Claimed && now.Sub(j.LeaseAt) > s.LeaseTTL {
			j.State, j.Lease = Queued, ""
			j.History = append(j.History, "expired")
		}
	}
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request) {
	wait, err := strconv.Atoi(r.URL.Query().Get(protocol.QueryWait))
	if err != nil || wait < 0 {
		s.bad(w, "wait")
		return
	}
	deadline := time.Now().Add(time.Duration(min(wait, 55)) * time.Second)
	s.mu.Lock()
	s.counts.Claims++
	s.mu.Unlock()
	for {
		s.mu.Lock()
		now := time.Now()
		s.expireLocked(now)
		for _, id := range s.order {
			j := s.jobs[id]
			if j.State != Queued {
				continue
			}
			j.State, j.Lease, j.LeaseAt, j.ClaimedAt = Claimed, newLease(), now, now
			j.Claims++
			j.History = append(j.History, Claimed)
			resp := protocol.ClaimResponse{
				JobID: j.ID, Lease: j.Lease, CardSerial: int(j.ID % 1_000_000), RegNumber: fmt.Sprintf("5171-%d", j.ID),
				PDFPath: protocol.JobPDFPath(j.ID), Copies: 1, Options: j.Options,
			}
			s.mu.Unlock()
			writeJSON(w, resp)
			return
		}
		wake := s.wake
		s.mu.Unlock()
		left := time.Until(deadline)
		if left <= 0 {
			s.mu.Lock()
			s.counts.Claims204++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		tick := left
		if s.LeaseTTL > 0 {
			tick = min(tick, 100*time.Millisecond) // notice expiring leases
		}
		t := time.NewTimer(tick)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (s *Server) jobFor(w http.ResponseWriter, r *http.Request) (*Job, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.bad(w, "id")
		return nil, false
	}
	j, ok := s.jobs[id]
	if !ok {
		http.Error(w, "no such job", http.StatusNotFound)
		return nil, false
	}
	return j, true
}

func (s *Server) pdf(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.PDFs++
	j, ok := s.jobFor(w, r)
	if !ok {
		return
	}
	if j.Lease == "" || r.Header.Get(protocol.HeaderLease) != j.Lease || j.State != Claimed {
		s.counts.Conflicts++
		http.Error(w, "stale lease", http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(j.PDF)
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

var rank = map[string]int{Claimed: 1, Sent: 2, Printed: 3, Failed: 3}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.StatusCalls++
	s.expireLocked(time.Now())
	j, ok := s.jobFor(w, r)
	if !ok {
		return
	}
	j.StatusCalls++
	var u protocol.StatusUpdate
	if err := decodeStrict(r, &u); err != nil {
		s.bad(w, err.Error())
		return
	}
	if s.statusDown {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if j.Lease == "" || u.Lease != j.Lease {
		s.counts.Conflicts++
		http.Error(w, "stale lease", http.StatusConflict)
		return
	}
	switch u.State {
	case protocol.StateSent, protocol.StatePrinted:
		if u.CUPSJobID < 0 || (u.State == protocol.StateSent && u.CUPSJobID == 0 && j.CUPSJobID == 0) {
			s.bad(w, "sent without CUPS job id")
			return
		}
	case protocol.StateFailed:
		if u.Error == "" {
			s.bad(w, "failed without error")
			return
		}
	default:
		s.bad(w, "unknown state "+u.State)
		return
	}
	switch {
	case j.State == u.State:
		// Idempotent repeat: must say the same thing.
		if u.CUPSJobID != 0 && j.CUPSJobID != 0 && u.CUPSJobID != j.CUPSJobID {
			s.bad(w, "different CUPS job id on repeat")
			return
		}
	case rank[u.State] < rank[j.State]:
		// An old update arriving late; ignore.
	case rank[j.State] == 3 && rank[u.State] == 3:
		s.bad(w, "conflicting final state")
		return
	case j.State != Claimed && j.State != Sent:
		s.bad(w, "job is "+j.State)
		return
	default:
		now := time.Now()
		j.State = u.State
		j.History = append(j.History, u.State)
		if u.CUPSJobID != 0 {
			j.CUPSJobID = u.CUPSJobID
		}
		j.Error = u.Error
		if u.State == protocol.StateSent || j.SentAt.IsZero() {
			j.SentAt = now
		}
		if rank[u.State] == 3 {
			j.DoneAt = now
		}
	}
	key := fmt.Sprint(j.ID, "/", u.State)
	if s.loseAnswer[key] {
		delete(s.loseAnswer, key)
		http.Error(w, "answer lost", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) recover(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Recovers++
	j, ok := s.jobFor(w, r)
	if !ok {
		return
	}
	var rc protocol.Recover
	if err := decodeStrict(r, &rc); err != nil || rc.Note == "" {
		s.bad(w, "recover needs a note")
		return
	}
	j.Recovers = append(j.Recovers, rc)
	if j.State != Printed && j.State != Failed && j.State != NeedsCheck {
		j.State, j.Lease = NeedsCheck, ""
		j.History = append(j.History, NeedsCheck)
		j.DoneAt = time.Now()
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) {
	var hb protocol.Heartbeat
	if err := decodeStrict(r, &hb); err != nil {
		s.mu.Lock()
		s.bad(w, err.Error())
		s.mu.Unlock()
		return
	}
	switch hb.PrinterState {
	case protocol.PrinterIdle, protocol.PrinterPrinting, protocol.PrinterStopped, protocol.PrinterOffline:
	default:
		s.mu.Lock()
		s.bad(w, "printer state "+hb.PrinterState)
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.counts.Heartbeats++
	s.heartbeats = append(s.heartbeats, hb)
	opts := s.StationOptions
	s.mu.Unlock()
	writeJSON(w, protocol.HeartbeatResponse{Options: opts})
}

// bad must be called with s.mu held.
func (s *Server) bad(w http.ResponseWriter, msg string) {
	s.counts.BadRequests++
	http.Error(w, msg, http.StatusBadRequest)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// WaitFor polls until cond holds for the server's jobs or ctx ends.
func (s *Server) WaitFor(ctx context.Context, cond func([]Job) bool) bool {
	for {
		if cond(s.Jobs()) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}
