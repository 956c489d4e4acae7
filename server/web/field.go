package web

import "ak1/server/domain"

// formField is what the form-field partials need to draw one input with its label and error.
type formField struct {
	Name      string
	Label     string
	Hint      string
	Value     string
	Error     string
	InputMode string // "numeric", "tel", "email" or "" for text
	Required  bool
	Form      *domain.Form
}

// newField is the template function "field": field PAGE NAME LABEL HINT INPUTMODE. A label ending in
// " *" marks a required field.
func newField(p kioskPage, name, label, hint, inputMode string) formField {
	f := formField{Name: name, Label: label, Hint: hint, InputMode: inputMode, Form: p.Form}
	if len(label) > 2 && label[len(label)-2:] == " *" {
		f.Label, f.Required = label[:len(label)-2], true
	}
	if p.Form != nil {
		f.Value = p.Form.Value(name)
	}
	f.Error = p.Errors[name]
	return f
}
