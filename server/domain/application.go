package domain

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// State is where an application stands. The values are stored in the database.
type State string

// The states of a registration (design.md "A registration's life").
const (
	StateSubmitted    State = "submitted"   // sent from the kiosk, waiting to be called
	StateCalled       State = "called"      // called to a desk
	StateReturned     State = "returned"    // sent back for completion, with a reason
	StateResubmitted  State = "resubmitted" // completed by the job seeker, waiting again
	StateVerified     State = "verified"    // documents checked, data corrected
	StatePhotographed State = "photographed"
	StateApproved     State = "approved" // registration number given, card queued for printing
	StatePrinted      State = "printed"
	StateHandedOver   State = "handed_over"
	StateRejected     State = "rejected"
)

// OpenStates are the states in which an application is still being handled: a second application for
// the same NIK is not accepted while one of these exists.
var OpenStates = []State{StateSubmitted, StateCalled, StateReturned, StateResubmitted, StateVerified, StatePhotographed, StateApproved}

// IsOpen tells whether s is one of OpenStates.
func (s State) IsOpen() bool {
	for _, o := range OpenStates {
		if o == s {
			return true
		}
	}
	return false
}

// PublicText is the state in plain words for the job seeker ("check my application").
func (s State) PublicText() string {
	switch s {
	case StateSubmitted, StateResubmitted:
		return "Menunggu dipanggil petugas. Perhatikan layar antrean."
	case StateCalled:
		return "Nomor Anda sudah dipanggil. Silakan menuju meja petugas."
	case StateReturned:
		return "Dikembalikan untuk dilengkapi."
	case StateVerified, StatePhotographed:
		return "Sedang diperiksa petugas."
	case StateApproved:
		return "Disetujui. Kartu AK/I sedang dicetak."
	case StatePrinted:
		return "Kartu AK/I sudah dicetak. Silakan periksa dan tanda tangani kartu di meja petugas."
	case StateChecked, StateSigned, StateCounselled:
		return "Kartu AK/I sudah dicetak. Silakan menuju meja Pengantar Kerja."
	case StateHandedOver:
		return "Kartu AK/I sudah diserahkan kepada Anda."
	case StateRejected:
		return "Permohonan ditolak."
	}
	return "Sedang diproses."
}

// DeskStates are the states in which the desk may still check and change an application:
// documents, corrections, photo, return or rejection.
var DeskStates = []State{StateSubmitted, StateCalled, StateReturned, StateResubmitted, StateVerified, StatePhotographed}

// AtDesk tells whether s is one of DeskStates.
func (s State) AtDesk() bool {
	for _, d := range DeskStates {
		if d == s {
			return true
		}
	}
	return false
}

// ErrAlreadyOpen is returned when the NIK already has an application in progress.
var ErrAlreadyOpen = errors.New("application already open for this NIK")

// FormatTicket turns the day's serial into the queue ticket shown on screen, e.g. A-017.
func FormatTicket(prefix string, n int) string {
	return fmt.Sprintf("%s-%03d", prefix, n)
}

// TicketPrefixNewCard is the ticket letter of the kiosk's "new AK/I card" service.
const TicketPrefixNewCard = "A"

// statusCodeAlphabet leaves out look-alike characters (0/O, 1/I/L) so the code is easy to copy by hand.
const statusCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewStatusCode makes the short code a job seeker uses to check the application later, e.g. "K7P-4QX".
func NewStatusCode() string {
	return statusCodeFrom(rand.Reader)
}

// statusCodeFrom draws the code's six characters from random bytes. A byte of 248 or more is
// skipped: 256 is not a multiple of 31, and taking every byte modulo 31 made 8 of the letters
// come up more often than the others, which a guesser would try first.
func statusCodeFrom(random io.Reader) string {
	const unbiased = 256 / len(statusCodeAlphabet) * len(statusCodeAlphabet) // 248
	code := make([]byte, 0, 6)
	buf := make([]byte, 16)
	for len(code) < 6 {
		if _, err := io.ReadFull(random, buf); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		for _, b := range buf {
			if int(b) < unbiased && len(code) < 6 {
				code = append(code, statusCodeAlphabet[int(b)%len(statusCodeAlphabet)])
			}
		}
	}
	return string(code[:3]) + "-" + string(code[3:])
}

// NormalizeLookup turns what a person typed to check an application ("a17", "A-017", "k7p4qx") into
// a ticket or a status code (K7P-4QX). ok is false when it is neither.
func NormalizeLookup(raw string) (ticket, code string, ok bool) {
	s := strings.ToUpper(CleanDigits(strings.ReplaceAll(raw, "_", "")))
	if s == "" {
		return "", "", false
	}
	if len(s) == 6 && strings.Trim(s, statusCodeAlphabet) == "" {
		return "", s[:3] + "-" + s[3:], true
	}
	// A ticket has up to four digits: the 1,000th ticket of a busy day is A-1000 (FormatTicket pads
	// to three, it does not cut). Five would make "A23456" both a ticket and a status code.
	letter, digits := s[:1], s[1:]
	if letter < "A" || letter > "Z" || digits == "" || len(digits) > 4 || strings.Trim(digits, "0123456789") != "" {
		return "", "", false
	}
	var n int
	fmt.Sscanf(digits, "%d", &n)
	if n < 1 {
		return "", "", false
	}
	return FormatTicket(letter, n), "", true
}

// OfficeZone is the time zone of Denpasar (WITA, UTC+8, no daylight saving). Queue tickets restart at
// midnight in this zone.
var OfficeZone = time.FixedZone("WITA", 8*60*60)

// OfficeDay is the office's calendar date of t, as YYYY-MM-DD.
func OfficeDay(t time.Time) string { return t.In(OfficeZone).Format("2006-01-02") }

var monthNames = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
	"September", "Oktober", "November", "Desember"}

// MonthNames are the Indonesian month names, January first.
func MonthNames() []string { return monthNames }

// FormatDate writes a date the Indonesian way: 7 Agustus 2001.
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[t.Month()-1], t.Year())
}

// Application is one registration for an AK/I card, from the kiosk or the desk.
type Application struct {
	ID          int64
	NIK         string
	FullName    string
	BirthDate   string // YYYY-MM-DD
	Sex         string
	State       State
	StateReason string
	Ticket      string
	TicketDay   string
	StatusCode  string
	Source      string
	Form        Form
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
