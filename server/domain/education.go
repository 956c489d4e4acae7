package domain

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Education is one level of formal education the person finished: a row of the AK/II form's
// education history and of the card's education grid.
type Education struct {
	Level  string `json:"level"` // one of EducationLevels, or a HistoryLevel's Level
	School string `json:"school"`
	Major  string `json:"major"`
	Year   string `json:"year"` // 4 digits; empty for "Tidak tamat SD"
}

// HistoryLevel is a level that can stand below the highest one in the education history.
type HistoryLevel struct {
	Key   string // form field part: hist_<Key>_school
	Level string // stored in Education.Level
	Label string // what the form shows
	Rank  int    // compared with LevelRank of the highest level
	// Required levels are asked of everyone whose highest level is above them: a person with a
	// diploma finished primary and secondary school. Higher ones are asked "if any".
	Required bool
	HasMajor bool
}

// HistoryLevels are the earlier levels the form asks for, lowest first. AKTA (the teaching
// certificate, in the IPK tables grouped with D1–D3) is offered to anyone whose highest level is D1
// or above; its Rank only orders the rows.
var HistoryLevels = []HistoryLevel{
	{Key: "sd", Level: "SD", Label: "SD / sederajat", Rank: 1, Required: true},
	{Key: "sltp", Level: "SMP/SLTP", Label: "SMP / SLTP / sederajat", Rank: 2, Required: true},
	{Key: "slta", Level: "SMA/SMK", Label: "SMA / SMK / sederajat", Rank: 3, Required: true, HasMajor: true},
	{Key: "d1", Level: "D1", Label: "Diploma I (D1)", Rank: 4, HasMajor: true},
	{Key: "d2", Level: "D2", Label: "Diploma II (D2)", Rank: 5, HasMajor: true},
	{Key: "d3", Level: "D3", Label: "Diploma III (D3)", Rank: 6, HasMajor: true},
	{Key: "akta", Level: "Akta", Label: "Akta mengajar (Akta I–IV)", Rank: 6, HasMajor: true},
	{Key: "d4", Level: "D4", Label: "Diploma IV (D4)", Rank: 7, HasMajor: true},
	{Key: "s1", Level: "S1", Label: "Sarjana (S1)", Rank: 8, HasMajor: true},
	{Key: "s2", Level: "S2", Label: "Magister (S2)", Rank: 9, HasMajor: true},
}

// levelRanks orders the form's highest levels; the history offers the levels ranked below.
var levelRanks = map[string]int{"Tidak tamat SD": 0, "SD": 1, "SMP/SLTP": 2, "SMA": 3, "SMK": 3,
	"D1": 4, "D2": 5, "D3": 6, "D4": 7, "S1": 8, "S2": 9, "S3": 10}

// LevelRank returns the rank of a highest level (0 for "Tidak tamat SD"), or -1 for an unknown one.
func LevelRank(level string) int {
	if r, ok := levelRanks[level]; ok {
		return r
	}
	return -1
}

// HistoryFor returns the earlier levels to ask about when level is the highest one.
func HistoryFor(level string) []HistoryLevel {
	rank := LevelRank(level)
	var out []HistoryLevel
	for _, h := range HistoryLevels {
		if (h.Key != "akta" && h.Rank < rank) || (h.Key == "akta" && rank >= 4) {
			out = append(out, h)
		}
	}
	return out
}

func findHistoryLevel(key string) (HistoryLevel, bool) {
	for _, h := range HistoryLevels {
		if h.Key == key {
			return h, true
		}
	}
	return HistoryLevel{}, false
}

// EducationCode is one 4-digit IPK education code (level then field), from ipk-pendidikan.csv.
type EducationCode struct {
	Code  string
	Level string // the CSV's level: SD, SLTP, SLTA, SMK, D1, D2, D3, D4, S1, S2
	Name  string
}

// CodeGroup is the codes of one field of study within a level, as the form lists them.
type CodeGroup struct {
	Field string // "" when the level is not split by field
	Codes []EducationCode
}

// ipkLevels maps the form's highest level to the level column of ipk-pendidikan.csv. S3 has no
// codes in the table (its rows end at S2), so a doctorate is counted by its level alone.
var ipkLevels = map[string]string{"Tidak tamat SD": "SD", "SD": "SD", "SMP/SLTP": "SLTP", "SMA": "SLTA", "SMK": "SMK",
	"D1": "D1", "D2": "D2", "D3": "D3", "D4": "D4", "S1": "S1", "S2": "S2"}

// CodeNotFinishedSD is the IPK code of "Tidak tamat SD"; the form sets it without asking.
const CodeNotFinishedSD = "1101"

// smkFields name the second digit of SMK codes (the SMK spectrum's fields), and degreeFields the
// second digit of D3, D4, S1 and S2 codes (KEP.268's fields of study).
var (
	smkFields = map[byte]string{'1': "Teknologi dan Rekayasa", '2': "Teknologi Informasi dan Komunikasi", '3': "Kesehatan",
		'4': "Seni, Kerajinan dan Pariwisata", '5': "Agribisnis dan Agroteknologi", '6': "Bisnis dan Manajemen"}
	degreeFields = map[byte]string{'1': "Ilmu Pasti dan Alam", '2': "Teknologi", '3': "Pertanian", '4': "Kesehatan",
		'5': "Sosial dan Budaya", '6': "Pendidikan"}
)

type codeTable struct {
	byCode   map[string]EducationCode
	byLevel  map[string][]EducationCode // codes (no group headings) in code order
	headings []EducationCode            // the group headings (1000 SEKOLAH DASAR …) in code order
}

var educationCodes = sync.OnceValue(func() codeTable {
	recs, err := readCSV("ipk-pendidikan.csv", 4)
	if err != nil {
		panic(err)
	}
	t := codeTable{byCode: map[string]EducationCode{}, byLevel: map[string][]EducationCode{}}
	for _, r := range recs[1:] { // the first record is the header
		if r[3] == "1" {
			t.headings = append(t.headings, EducationCode{Code: r[0], Level: r[1], Name: r[2]}) // such as 6000 SARJANA (S1)
			continue
		}
		if len(r[0]) != 4 {
			panic(fmt.Sprintf("ipk-pendidikan.csv: code %q is not 4 digits", r[0]))
		}
		c := EducationCode{Code: r[0], Level: r[1], Name: r[2]}
		t.byCode[c.Code] = c
		t.byLevel[c.Level] = append(t.byLevel[c.Level], c)
	}
	sort.Slice(t.headings, func(i, j int) bool { return t.headings[i].Code < t.headings[j].Code })
	for _, list := range t.byLevel {
		sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	}
	return t
})

// FindEducationCode returns the IPK education code, if it exists.
func FindEducationCode(code string) (EducationCode, bool) {
	c, ok := educationCodes().byCode[code]
	return c, ok
}

// EducationCodes lists the codes a person whose highest level is level can choose from, grouped by
// field where the level has fields. It is empty for S3 and for "Tidak tamat SD" (one fixed code).
func EducationCodes(level string) []CodeGroup {
	ipk, ok := ipkLevels[level]
	if !ok || level == "Tidak tamat SD" {
		return nil
	}
	var fields map[byte]string
	switch ipk {
	case "SMK":
		fields = smkFields
	case "D3", "D4", "S1", "S2":
		fields = degreeFields
	}
	var groups []CodeGroup
	for _, c := range educationCodes().byLevel[ipk] {
		if c.Code == CodeNotFinishedSD {
			continue // a person who finished SD chooses among the others
		}
		field := fields[c.Code[1]]
		if n := len(groups); n == 0 || groups[n-1].Field != field {
			groups = append(groups, CodeGroup{Field: field})
		}
		g := &groups[len(groups)-1]
		g.Codes = append(g.Codes, c)
	}
	return groups
}

// codeFitsLevel tells whether code may be the IPK code of the highest level.
func codeFitsLevel(code, level string) bool {
	if level == "Tidak tamat SD" {
		return code == CodeNotFinishedSD
	}
	for _, g := range EducationCodes(level) {
		for _, c := range g.Codes {
			if c.Code == code {
				return true
			}
		}
	}
	return false
}

// EducationCodeLabel is a code with its name, for showing it back: "6501 · EKONOMI".
func EducationCodeLabel(code string) string {
	if c, ok := FindEducationCode(code); ok {
		return c.Code + " · " + c.Name
	}
	return code
}

// histField splits a history field name "hist_<key>_<part>".
func histField(name string) (HistoryLevel, string, bool) {
	rest, ok := strings.CutPrefix(name, "hist_")
	if !ok {
		return HistoryLevel{}, "", false
	}
	key, part, ok := strings.Cut(rest, "_")
	if !ok {
		return HistoryLevel{}, "", false
	}
	h, ok := findHistoryLevel(key)
	if !ok || (part != "school" && part != "major" && part != "year") {
		return HistoryLevel{}, "", false
	}
	return h, part, true
}

func (e *Education) part(p string) *string {
	switch p {
	case "school":
		return &e.School
	case "major":
		return &e.Major
	}
	return &e.Year
}

func (e Education) empty() bool { return e.School == "" && e.Major == "" && e.Year == "" }
