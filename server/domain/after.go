package domain

import (
	"errors"
	"strings"
	"time"
)

// After the card is printed (issue 9, SOP steps 8–17): the holder checks and signs it, a Pengantar
// Kerja signs and stamps it, counsels the holder (or records why not), and the card is handed over.

// States of an application after printing, in SOP order (design.md "A registration's life").
const (
	StateChecked    State = "checked"    // checked and signed by the holder (SOP 8–9)
	StateSigned     State = "signed"     // signed and stamped by a Pengantar Kerja (SOP 10–11)
	StateCounselled State = "counselled" // job counselling given or skipped with a reason (SOP 12)
)

// SOPStep names one dated step of an application's service; every step taken is kept with its
// time, who took it, and the SOP step numbers it belongs to, for the service-time figures.
type SOPStep string

// The steps recorded, in SOP order.
const (
	StepCalled                 SOPStep = "called"                   // SOP 1–3: ticket called to a desk
	StepDocumentsChecked       SOPStep = "documents_checked"        // SOP 3: every required document ticked
	StepPhotographed           SOPStep = "photographed"             // SOP 6
	StepApproved               SOPStep = "approved"                 // SOP 4–7: number given, card queued to print
	StepPrinted                SOPStep = "printed"                  // SOP 7
	StepHolderChecked          SOPStep = "holder_checked"           // SOP 8–9: checked and signed by the holder
	StepHolderError            SOPStep = "holder_error"             // SOP 8: the holder found a mistake; corrected and reprinted
	StepReprintApproved        SOPStep = "reprint_approved"         // SOP 7: a card corrected after printing goes through 7–13 again
	StepSigned                 SOPStep = "signed"                   // SOP 10–11: signed and stamped
	StepReferred               SOPStep = "referred"                 // SOP 12: referred to a vacancy
	StepCounselled             SOPStep = "counselled"               // SOP 12
	StepCounsellingSkipped     SOPStep = "counselling_skipped"      // SOP 12: not needed, with the reason
	StepHandedOver             SOPStep = "handed_over"              // SOP 13
	StepLegalisationRequested  SOPStep = "legalisation_requested"   // SOP 14–15
	StepLegalised              SOPStep = "legalised"                // SOP 16
	StepLegalisationHandedOver SOPStep = "legalisation_handed_over" // SOP 17
)

// StepInfo is what the SOP says about a step: its numbers, its words and its Mutu Baku minutes (the
// standard time, 0 where the SOP gives none).
type StepInfo struct {
	Step    SOPStep
	SOP     string
	Label   string
	Minutes int
}

// SOPSteps lists every recorded step in SOP order with its standard minutes.
var SOPSteps = []StepInfo{
	{StepCalled, "1–3", "Dipanggil ke meja", 1},
	{StepDocumentsChecked, "3", "Berkas persyaratan lengkap", 0},
	{StepPhotographed, "6", "Foto diambil", 1},
	{StepApproved, "4–7", "Disetujui, nomor pendaftaran diberikan", 5},
	{StepPrinted, "7", "Kartu dicetak", 2},
	{StepHolderChecked, "8–9", "Diperiksa dan ditandatangani pemegang", 3},
	{StepHolderError, "8", "Ada kesalahan: dikoreksi dan dicetak ulang", 0},
	{StepReprintApproved, "7", "Data kartu diperbaiki: dicetak ulang, diperiksa, ditandatangani dan diserahkan lagi", 0},
	{StepSigned, "10–11", "Ditandatangani dan dicap Pengantar Kerja", 2},
	{StepReferred, "12", "Dirujuk ke lowongan", 0},
	{StepCounselled, "12", "Bimbingan jabatan", 1},
	{StepCounsellingSkipped, "12", "Bimbingan jabatan tidak diperlukan", 1},
	{StepHandedOver, "13", "Kartu diserahkan", 1},
	{StepLegalisationRequested, "14–15", "Permohonan legalisir", 2},
	{StepLegalised, "16", "Fotokopi dilegalisir", 1},
	{StepLegalisationHandedOver, "17", "Fotokopi legalisir diserahkan", 1},
}

// Info returns what the SOP says about the step.
func (s SOPStep) Info() StepInfo {
	for _, i := range SOPSteps {
		if i.Step == s {
			return i
		}
	}
	return StepInfo{Step: s, Label: string(s)}
}

// Next is the SOP step an application waits for and the role that takes it.
type Next struct {
	Label string
	Role  Role // "" when nobody in the office acts (finished, or waiting for the job seeker)
	Who   string
}

// NextFor says what an application in state s waits for, and whose work it is.
func NextFor(s State) Next {
	petugas := func(label string) Next { return Next{label, RolePetugas, RolePetugas.Title()} }
	pengantar := func(label string) Next { return Next{label, RolePengantar, RolePengantar.Title()} }
	switch s {
	case StateSubmitted, StateResubmitted:
		return petugas("menunggu dipanggil")
	case StateCalled:
		return petugas("pemeriksaan berkas")
	case StateVerified:
		return petugas("foto pencari kerja")
	case StatePhotographed:
		return petugas("persetujuan dan cetak")
	case StateApproved:
		return Next{"menunggu dicetak", RoleOperator, RoleOperator.Title()}
	case StatePrinted:
		return petugas("pemeriksaan dan tanda tangan pemegang kartu")
	case StateChecked:
		return pengantar("menunggu tanda tangan Pengantar Kerja")
	case StateSigned:
		return pengantar("bimbingan jabatan")
	case StateCounselled:
		return pengantar("penyerahan kartu")
	case StateReturned:
		return Next{"menunggu dilengkapi pencari kerja", "", "Pencari kerja"}
	}
	return Next{"selesai", "", ""}
}

// FirstReportDate is when the holder of a card issued on issued must report first if still looking
// for work: six months on (domain.md §2).
func FirstReportDate(issued time.Time) time.Time { return issued.AddDate(0, 6, 0) }

// HandOverNotes are what the officer tells the holder when handing the card over (SOP 13).
func HandOverNotes(issued, validUntil time.Time) []string {
	return []string{
		"Kartu AK/I berlaku 2 tahun, sampai dengan " + FormatDate(validUntil) + ", dan berlaku secara nasional.",
		"Selama belum bekerja, melapor setiap 6 bulan sekali; laporan pertama paling lambat " + FormatDate(FirstReportDate(issued)) + ".",
		"Segera melapor bila sudah mendapat pekerjaan atau ada perubahan data.",
	}
}

// CounsellingSkipReasons are the SOP's reasons to leave job counselling out (step 12).
var CounsellingSkipReasons = []string{
	"Sudah bekerja",
	"Kartu untuk kelengkapan administrasi",
}

// Counselling note and reasons have the same limits as the form's long fields.
const maxNote = 1000

// CleanNote tidies the counsellor's note (Catatan Pengantar Kerja) as the form's text fields are.
func CleanNote(s string) string { return CleanText(s, maxNote) }

// CleanReason tidies a typed reason (skip, disposition, hand-over receiver).
func CleanReason(s string) string { return CleanText(s, maxShort) }

// LegalisationState is where a request to legalise copies of a card stands (SOP 14–17).
type LegalisationState string

// The states of a legalisation request, in order.
const (
	LegalisationRequested  LegalisationState = "requested"   // copies taken by the officer
	LegalisationSigned     LegalisationState = "signed"      // legalised by the signer
	LegalisationHandedOver LegalisationState = "handed_over" // copies given back to the holder
)

// Label is the state in Bahasa Indonesia.
func (s LegalisationState) Label() string {
	switch s {
	case LegalisationRequested:
		return "Menunggu tanda tangan"
	case LegalisationSigned:
		return "Sudah dilegalisir, siap diserahkan"
	case LegalisationHandedOver:
		return "Sudah diserahkan"
	}
	return string(s)
}

// VacancyEventLabel names the kind of a dated vacancy change as the IPK tables do.
func VacancyEventLabel(kind string) string {
	switch kind {
	case "registered":
		return "Didaftarkan"
	case "filled":
		return "Dipenuhi"
	case "removed":
		return "Dihapuskan"
	case "edited":
		return "Diubah"
	}
	return kind
}

// MaxLegalisedCopies is the most copies one request may ask to legalise.
const MaxLegalisedCopies = 20

// ErrNotSigner says the officer may not sign cards or copies: a Pengantar Kerja signs, or the
// official the Kasi assigned by disposition for the day.
var ErrNotSigner = errors.New("Tanda tangan kartu AK/I dan legalisir hanya oleh Pengantar Kerja, atau pejabat yang ditunjuk Kasi melalui disposisi hari ini.")

// CheckSigner says why an officer cannot sign cards and copies (as a Pengantar Kerja, or assigned by
// disposition), or nil: the signature block needs a name and NIP, and the print operator is not an
// official of the service.
func CheckSigner(o Officer) error {
	switch {
	case o.Disabled:
		return errors.New("Akun pejabat ini dinonaktifkan.")
	case o.Role == RoleOperator:
		return errors.New("Operator cetak tidak dapat ditunjuk menandatangani kartu.")
	case strings.TrimSpace(o.NIP) == "":
		return errors.New("Pejabat yang ditunjuk harus memiliki NIP: lengkapi NIP pada akun pengguna dulu.")
	}
	return nil
}
