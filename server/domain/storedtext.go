package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanStored is CleanText for a text already stored: it cleans without cutting, because a text
// written before a limit existed is the person's data, not ours to shorten.
func CleanStored(s string) string { return CleanText(s, utf8.RuneCountInString(s)+1) }

// storedMayChange is a quick look that rules out most texts without cleaning them: a valid text
// of visible characters with single inner spaces is what CleanText keeps as it is.
func storedMayChange(s string, jsonText bool) bool {
	if !utf8.ValidString(s) || strings.Contains(s, "  ") {
		return true
	}
	if jsonText {
		// Escapes may hide any character; a space next to a quote may start or end a value.
		if strings.ContainsAny(s, `\`) || strings.Contains(s, `" `) || strings.Contains(s, ` "`) {
			return true
		}
	} else if strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return true
	}
	for _, r := range s {
		if r != ' ' && (Invisible(r) || unicode.IsSpace(r) || unicode.IsControl(r)) {
			return true
		}
	}
	return false
}

// CleanStoredJSON cleans every string value of a stored JSON document (a Daftar Isian, a contact
// change) with CleanStored. Keys, numbers, order and layout stay byte for byte; a value that does
// not change keeps its own escapes. It also returns the values it changed, as they were (none:
// the document is returned unchanged).
func CleanStoredJSON(doc string) (string, []string, error) {
	if !storedMayChange(doc, true) {
		return doc, nil, nil
	}
	if !json.Valid([]byte(doc)) {
		return doc, nil, errors.New("JSON tidak terbaca")
	}
	var out strings.Builder
	var changed []string
	for i := 0; i < len(doc); {
		if doc[i] != '"' {
			out.WriteByte(doc[i])
			i++
			continue
		}
		end := i + 1
		for doc[end] != '"' { // the document is valid: every string ends
			if doc[end] == '\\' {
				end++
			}
			end++
		}
		end++
		literal := doc[i:end]
		i = end
		next := strings.TrimLeft(doc[end:], " \t\r\n")
		if strings.HasPrefix(next, ":") { // a key stays as it is
			out.WriteString(literal)
			continue
		}
		var value string
		if err := json.Unmarshal([]byte(literal), &value); err != nil {
			return doc, nil, err
		}
		if c := CleanStored(value); c != value {
			b, _ := json.Marshal(c)
			out.Write(b)
			changed = append(changed, value)
			continue
		}
		out.WriteString(literal)
	}
	if len(changed) == 0 {
		return doc, nil, nil
	}
	return out.String(), changed, nil
}

// CleanStoredText cleans a stored plain text (CleanStored) and tells whether it changed.
func CleanStoredText(s string) (string, bool) {
	if !storedMayChange(s, false) {
		return s, false
	}
	c := CleanStored(s)
	return c, c != s
}

// DescribeUnclean says, in Bahasa Indonesia, what CleanStored removes from the texts: the
// invisible characters by code point (U+202E …), and whether spaces, line breaks or broken
// UTF-8 are tidied. It names characters, never the text itself (it may be personal data).
func DescribeUnclean(texts ...string) string {
	var chars []string
	seen := map[rune]bool{}
	spacing, broken := false, false
	for _, s := range texts {
		if !utf8.ValidString(s) {
			broken = true
		}
		prevSpace := true // a leading space is tidied too
		for _, r := range s {
			switch {
			case r == utf8.RuneError:
			case Invisible(r):
				if !seen[r] {
					seen[r] = true
					chars = append(chars, fmt.Sprintf("U+%04X", r))
				}
			case unicode.IsSpace(r) || unicode.IsControl(r):
				if r != ' ' || prevSpace {
					spacing = true
				}
				prevSpace = true
				continue
			}
			prevSpace = false
		}
		if prevSpace && s != "" {
			spacing = true
		}
	}
	var parts []string
	if len(chars) > 0 {
		parts = append(parts, "karakter tak terlihat "+strings.Join(chars, " "))
	}
	if spacing {
		parts = append(parts, "spasi/baris baru berlebih")
	}
	if broken {
		parts = append(parts, "byte UTF-8 rusak")
	}
	if len(parts) == 0 {
		return "perapian teks"
	}
	return strings.Join(parts, ", ")
}

// MaskNIK shows a NIK in a log or a technician's report: the regency code and the last four
// digits, enough to find the person on the desk, too little to be of use to anyone else.
func MaskNIK(nik string) string {
	if len(nik) <= 8 {
		return strings.Repeat("*", len(nik))
	}
	return nik[:4] + strings.Repeat("*", len(nik)-8) + nik[len(nik)-4:]
}
