// Package benchrow writes rows of the `make bench` table: what was measured, the figure, the aim,
// the command and the conditions, one row per line, tab-separated. Measurements that are tests
// (server/e2e) write them directly; server/internal/benchtable renders the file.
package benchrow

import (
	"fmt"
	"os"
	"strings"
)

// Row is what, figure, aim, command, conditions.
type Row [5]string

// Append adds rows to the file at path.
func Append(path string, rows ...Row) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	clean := strings.NewReplacer("\t", " ", "\n", " ")
	for _, r := range rows {
		for i := range r {
			r[i] = clean.Replace(r[i])
		}
		fmt.Fprintln(f, strings.Join(r[:], "\t"))
	}
	return f.Close()
}
