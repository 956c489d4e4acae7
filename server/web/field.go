package web

import (
	"strings"

	"ak1/server/domain"
)

// formField is what the form-field partials need to draw one input with its label and error.
type formField struct {
	Name      string
	Label     string
	Hint      string
	Value     string
	Error     string
	InputMode string // the inputmode attribute: "numeric", "tel", "email", "decimal" or "" for text
	Keypad    string // the on-screen keyboard: numeric, tel, email, decimal or text
	// Case is how the on-screen keyboard capitalises: "words" for names and places (each word),
	// "sentence" for free text (only its first letter), as a person writes them.
	Case      string
	Format    string // "nik": 16 digits shown in groups of four; "rupiah": digits grouped by thousands
	MaxLength int
	Required  bool
	Form      *domain.Form
}

// newField is the template function "field": field PAGE NAME LABEL HINT MODE. MODE is an inputmode
// ("numeric", "tel", "email", "decimal"), "nama" for a name or place, "nik" for the NIK, "rupiah" for
// an amount of money, or "" for free text. A label ending in " *" marks a required field.
func newField(p kioskPage, name, label, hint, mode string) formField {
	f := formField{Name: name, Label: label, Hint: hint, Form: p.Form}
	switch mode {
	case "nama":
		f.Keypad, f.Case = "text", "words"
	case "":
		f.Keypad, f.Case = "text", "sentence"
	case "nik":
		f.InputMode, f.Keypad, f.Format, f.MaxLength = "numeric", "numeric", "nik", 19 // 16 digits and 3 spaces
	case "rupiah":
		f.InputMode, f.Keypad, f.Format = "numeric", "numeric", "rupiah" // shown as 4.500.000 while typed
	default:
		f.InputMode, f.Keypad = mode, mode
	}
	if len(label) > 2 && label[len(label)-2:] == " *" {
		f.Label, f.Required = label[:len(label)-2], true
	}
	if p.Form != nil {
		f.Value = p.Form.Value(name)
	}
	f.Error = p.Errors[name]
	return f
}

// selectField is what the "select" partial needs to draw one pick-list.
type selectField struct {
	Name     string
	Label    string
	Hint     string
	Options  []domain.Option
	Value    string
	Error    string
	Required bool
}

// newSelect is the template function "pick": pick PAGE NAME LABEL HINT OPTIONS, a pick-list with an
// empty first choice. A label ending in " *" marks a required field.
func newSelect(p kioskPage, name, label, hint string, options []domain.Option) selectField {
	f := selectField{Name: name, Label: label, Hint: hint, Options: options, Error: p.Errors[name]}
	if len(label) > 2 && label[len(label)-2:] == " *" {
		f.Label, f.Required = label[:len(label)-2], true
	}
	if p.Form != nil {
		f.Value = p.Form.Value(name)
	}
	return f
}

// formatRupiah writes an amount of rupiah with Indonesian digit grouping: "4500000" is
// "Rp 4.500.000". Text that is not a whole number is shown as it is.
func formatRupiah(amount string) string {
	digits := domain.CleanDigits(strings.TrimPrefix(strings.TrimSpace(amount), "Rp"))
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return amount
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		digits = "0"
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	return "Rp " + b.String()
}
