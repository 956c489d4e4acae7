package domain

// PrintState is where a print job stands.
type PrintState string

// The states of a print job (design.md "Printing without duplicates or losses").
const (
	PrintQueued     PrintState = "queued"      // waiting for a station
	PrintClaimed    PrintState = "claimed"     // a station holds the lease, nothing sent to a printer yet
	PrintSent       PrintState = "sent"        // CUPS accepted it: on its way to paper
	PrintPrinted    PrintState = "printed"     // CUPS completed it; the desk confirms the card in hand
	PrintFailed     PrintState = "failed"      // did not print; the operator retries or cancels
	PrintNeedsCheck PrintState = "needs_check" // may or may not be on paper: a person decides
	PrintCancelled  PrintState = "cancelled"
)

// Label is the state in Bahasa Indonesia for the operator page.
func (s PrintState) Label() string {
	switch s {
	case PrintQueued:
		return "Menunggu dicetak"
	case PrintClaimed:
		return "Diambil stasiun cetak"
	case PrintSent:
		return "Sedang dicetak"
	case PrintPrinted:
		return "Sudah dicetak"
	case PrintFailed:
		return "Gagal"
	case PrintNeedsCheck:
		return "Perlu diperiksa operator"
	case PrintCancelled:
		return "Dibatalkan"
	}
	return string(s)
}

// Final tells whether nothing more happens to a job in this state.
func (s PrintState) Final() bool { return s == PrintPrinted || s == PrintCancelled }

// Card states.
const (
	CardActive    = "active"
	CardVoided    = "voided" // replaced by a reprint, or spoiled
	CardPlaced    = "placed" // the holder was hired
	CardLapsed    = "lapsed"
	CardCancelled = "cancelled"
)
