// Package views holds the HTML templates, embedded so the server runs from any directory.
package views

import "embed"

// FS holds every template; names are relative to this folder, e.g. "kiosk/welcome.html".
//
//go:embed layouts kiosk partials errors public desk
var FS embed.FS
