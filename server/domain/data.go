package domain

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"sync"
)

// The reference tables are kept as data (copies of the files in shared/data, with their sources in
// their first line) and embedded, so the binary needs nothing beside it at run time.
//
//go:embed data/kemendagri-2025-kabkota.csv data/kemendagri-2025-kecamatan.csv data/ipk-pendidikan.csv
var dataFS embed.FS

// readCSV returns the records of an embedded CSV file; lines starting with # are comments.
func readCSV(name string, fields int) ([][]string, error) {
	f, err := dataFS.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = fields
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		out = append(out, rec)
	}
}

// regionTables are the Kemendagri 2025 kabupaten/kota (4-digit) and kecamatan (6-digit) codes.
type regionTables struct {
	regencies map[string]string
	districts map[string]string
}

// regions reads the region lists once; the embedded files are part of the binary, so a failure is a
// build defect and panics on first use (a test reads them).
var regions = sync.OnceValue(func() regionTables {
	t := regionTables{regencies: map[string]string{}, districts: map[string]string{}}
	for _, src := range []struct {
		file string
		n    int
		into map[string]string
	}{{"kemendagri-2025-kabkota.csv", 4, t.regencies}, {"kemendagri-2025-kecamatan.csv", 6, t.districts}} {
		recs, err := readCSV(src.file, 2)
		if err != nil {
			panic(err)
		}
		for _, r := range recs {
			if len(r[0]) != src.n {
				panic(fmt.Sprintf("%s: code %q is not %d digits", src.file, r[0], src.n))
			}
			src.into[r[0]] = r[1]
		}
	}
	return t
})

// RegencyName returns the kabupaten/kota of a 4-digit Kemendagri code, or "" when it does not exist.
func RegencyName(code string) string { return regions().regencies[code] }

// DistrictName returns the kecamatan of a 6-digit Kemendagri code, or "" when it is not in the list.
func DistrictName(code string) string { return regions().districts[code] }
