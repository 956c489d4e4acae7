// Package protocol is the HTTP contract between ak1-server and the print-station agent ak1-agent.
//
// It holds only plain structs and constants (standard library only) so that the server, which owns the
// data, and the agent, which links neither Fiber nor SQLite, import exactly the same definitions.
//
// Every request carries "Authorization: Bearer <station token>"; the token identifies the station.
// Bodies are JSON (Content-Type: application/json). Unless stated otherwise: 401 = bad token,
// 400 = malformed body, 404 = unknown job, 5xx = try again later (the agent backs off and retries).
// A station acts only on jobs it was given. An operator can disable, replace (rotate) or remove a
// station's token; from then on every call with it gets 401, a claim waiting in its long-poll too.
//
// # Flow of one print job
//
//  1. POST [PathClaim]?wait=25 blocks until a job is available (200 + [ClaimResponse]) or until
//     wait seconds passed (204, no body). Claiming is atomic on the server: one job goes to one
//     station with a fresh lease token; every later call about that job carries the lease.
//  2. GET ClaimResponse.PDFPath with header [HeaderLease] returns the card PDF (application/pdf).
//  3. POST [JobStatusPath] with a [StatusUpdate]: "sent" when CUPS accepted it (with the CUPS job
//     id), then "printed" when CUPS reports it completed, or "failed" with an Error.
//
// Status updates are idempotent: repeating the same update returns 200. The agent may skip
// "sent" and report "printed" or "failed" straight from the claimed state (it does so when it
// learns the final state before the server was reachable). A later state never goes back:
// "sent" after "printed" is answered 200 and ignored. 409 means the lease is no longer the job's
// current lease (expired and re-queued, or given to someone else): the agent stops touching the
// job; if its journal says the job may already be on paper it calls [JobRecoverPath] instead.
//
// # Leases (advice for the server)
//
// A claimed job whose lease expires before any status arrived goes back to the queue only if its
// PDF was never downloaded (nothing can have been printed). Once the station had the PDF, a lost
// report may hide a printed card, so the job goes to "needs operator check", as does a job that
// reached "sent": neither is ever re-queued automatically (design: "needs operator check"). The
// lease should outlive an agent restart (minutes, not seconds), since the agent reports journaled
// work after it comes back.
package protocol

import "strconv"

// Paths served by ak1-server for the agent.
const (
	// PathClaim is the long-poll claim endpoint (POST). Query parameter [QueryWait] gives the
	// maximum number of seconds the server holds the request before answering 204.
	PathClaim = "/api/agent/claim"
	// PathHeartbeat receives a [Heartbeat] (POST) and answers with a [HeartbeatResponse].
	PathHeartbeat = "/api/agent/heartbeat"
	// PathJobStatusPattern is [JobStatusPath] as a route pattern ({id} = JobID).
	PathJobStatusPattern = "/api/agent/jobs/{id}/status"
	// PathJobRecoverPattern is [JobRecoverPath] as a route pattern ({id} = JobID).
	PathJobRecoverPattern = "/api/agent/jobs/{id}/recover"
	// PathJobPDFPattern is the suggested ClaimResponse.PDFPath ([JobPDFPath]) as a GET route
	// pattern. The agent does not build this path itself: it fetches whatever PDFPath says.
	PathJobPDFPattern = "/api/agent/jobs/{id}/card.pdf"
)

// Header and query names used by the protocol.
const (
	// HeaderLease carries the lease token on the PDF download.
	HeaderLease = "X-Lease"
	// QueryWait is the claim long-poll duration in seconds (server may cap it; 0 = answer now).
	QueryWait = "wait"
	// DefaultWaitSeconds is what the agent asks for; the server should cap it at about 55 s.
	DefaultWaitSeconds = 25
	// HeartbeatIntervalSeconds is how often the agent sends a heartbeat. The server should mark
	// a station offline after about three missed heartbeats.
	HeartbeatIntervalSeconds = 10
)

// States a [StatusUpdate] can report.
const (
	// StateSent means CUPS accepted the job (StatusUpdate.CUPSJobID is set). Not yet on paper.
	StateSent = "sent"
	// StatePrinted means CUPS reports the job completed: the printer took the data. The desk
	// still confirms the card in hand.
	StatePrinted = "printed"
	// StateFailed means the job did not print or its outcome is unknown; Error says why.
	StateFailed = "failed"
)

// ErrNeedsOperatorCheck is the StatusUpdate.Error (and Recover.Note prefix) the agent uses when
// the job may or may not be on paper: the journal says it was about to go to CUPS or was sent,
// but CUPS has no trace or lost it. The server must not reprint automatically; a person decides
// "printed" or "reprint".
const ErrNeedsOperatorCheck = "needs-operator-check"

// Printer states a [Heartbeat] can report.
const (
	PrinterIdle     = "idle"     // ready, nothing printing
	PrinterPrinting = "printing" // CUPS is processing a job
	PrinterStopped  = "stopped"  // queue paused/disabled/not accepting, or stopped on an error
	PrinterOffline  = "offline"  // CUPS or the queue cannot be reached, or the device is offline
)

// ClaimResponse is the 200 body of [PathClaim]: one job, now leased to this station.
type ClaimResponse struct {
	JobID      int64  `json:"job_id"`
	Lease      string `json:"lease"`
	CardSerial int    `json:"card_serial"`
	RegNumber  string `json:"reg_number"`
	// PDFPath is a server-absolute path (e.g. "/api/agent/jobs/7/card.pdf") fetched with GET and
	// the [HeaderLease] header; the server answers 409 for a stale lease.
	PDFPath string `json:"pdf_path"`
	// Copies is the number of copies; 0 is treated as 1.
	Copies int `json:"copies"`
	// Options are per-job IPP job attributes; they override the station's options from
	// [HeartbeatResponse] key by key.
	Options map[string]string `json:"options,omitempty"`
}

// StatusUpdate is the body of [JobStatusPath].
type StatusUpdate struct {
	Lease string `json:"lease"`
	// State is [StateSent], [StatePrinted] or [StateFailed].
	State string `json:"state"`
	// CUPSJobID is the CUPS job id, set whenever the job reached CUPS (0 if it never did).
	CUPSJobID int `json:"cups_job_id,omitempty"`
	// Error is a machine-readable reason for [StateFailed], e.g. [ErrNeedsOperatorCheck],
	// "cups-job-aborted", "cups-job-canceled", "pdf-download: ...", "cups-rejected: ...".
	Error string `json:"error,omitempty"`
}

// Recover is the body of [JobRecoverPath]. The agent sends it when a status update for a job
// that may already be on paper got 409 (lease lost), so that the server still learns what the
// agent knows instead of re-queuing the job. The station token authenticates it; the lease may
// be stale and must not be required to be current. The server answers 200 (idempotent) and
// should put the job into "needs operator check" unless the job is already final; 404 if the
// job does not exist; 409 if the job was not last given to this station or is back in the queue
// (its card never left the server since); 423 while the station is paused. The agent forgets
// the job after any 2xx, 404 or 409, and keeps it in its journal on any other 4xx (423
// included), trying again slowly until the station is resumed.
type Recover struct {
	Lease string `json:"lease,omitempty"`
	// Note is a one-line English explanation for the audit log, starting with
	// [ErrNeedsOperatorCheck] or with the state the agent saw in CUPS.
	Note string `json:"note"`
	// CUPSJobID is the CUPS job id if the agent knows one (0 if unknown).
	CUPSJobID int `json:"cups_job_id,omitempty"`
	// State is what the agent believes: "sent", "printed", "failed" or "" (unknown).
	State string `json:"state,omitempty"`
}

// Heartbeat is the body of [PathHeartbeat], sent about every [HeartbeatIntervalSeconds].
type Heartbeat struct {
	// PrinterState is [PrinterIdle], [PrinterPrinting], [PrinterStopped] or [PrinterOffline],
	// derived from CUPS printer-state and printer-state-reasons (never the localized message).
	PrinterState string `json:"printer_state"`
	// Reasons are raw IPP printer-state-reasons, e.g. "media-empty-error"; "none" is omitted.
	Reasons []string `json:"reasons,omitempty"`
	// Printer is the configured CUPS queue name or "file:DIR".
	Printer string `json:"printer"`
	// Version is the agent's version string.
	Version string `json:"version"`
}

// HeartbeatResponse is the 200 body of [PathHeartbeat].
type HeartbeatResponse struct {
	// Options are the station's print options as IPP job attributes, for example
	// "sides": "two-sided-long-edge", "media": "om_cr80_53.98x85.6mm", or PPD/driver options
	// such as "Ribbon": "YMCKO". Values are strings; the agent converts known integer, enum and
	// boolean IPP attributes (e.g. "copies", "orientation-requested") to their IPP types.
	Options map[string]string `json:"options,omitempty"`
}

// JobStatusPath returns the status path for a job.
func JobStatusPath(jobID int64) string {
	return "/api/agent/jobs/" + strconv.FormatInt(jobID, 10) + "/status"
}

// JobPDFPath returns the suggested PDF path for a job.
func JobPDFPath(jobID int64) string {
	return "/api/agent/jobs/" + strconv.FormatInt(jobID, 10) + "/card.pdf"
}

// JobRecoverPath returns the recover path for a job.
func JobRecoverPath(jobID int64) string {
	return "/api/agent/jobs/" + strconv.FormatInt(jobID, 10) + "/recover"
}
