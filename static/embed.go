// Package static holds the CSS, scripts and images served under /static, embedded in the binary.
package static

import "embed"

// FS holds every static file, e.g. "vendor/htmx-2.0.11.min.js" and the lobby's "audio/chime.wav".
//
//go:embed css js vendor audio/chime.wav
var FS embed.FS
