package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestCleanStoredJSON: only the string values that CleanText would change are rewritten; keys,
// order, numbers and the other values stay byte for byte, also an invisible character written as
// a JSON escape is found.
func TestCleanStoredJSON(t *testing.T) {
	cases := []struct{ in, want, desc string }{
		{`{"nik":"5171030708010001","full_name":"Bu` + "\u200b" + `di","b":1.50,"x":"a\u003cb"}`,
			`{"nik":"5171030708010001","full_name":"Budi","b":1.50,"x":"a\u003cb"}`, "karakter tak terlihat U+200B"},
		{`{"z":"I Wayan \u202eSudarma","a":["  dua  spasi ",{"k":"ok"}]}`,
			`{"z":"I Wayan Sudarma","a":["dua spasi",{"k":"ok"}]}`, "karakter tak terlihat U+202E, spasi/baris baru berlebih"},
		{`{"k` + "\u200b" + `":"tetap"}`, `{"k` + "\u200b" + `":"tetap"}`, ""}, // keys are not typed texts
		{`{"a":"Jl. Gatot Subroto","n":[1,2]}`, `{"a":"Jl. Gatot Subroto","n":[1,2]}`, ""},
	}
	for _, c := range cases {
		got, old, err := CleanStoredJSON(c.in)
		if err != nil || got != c.want {
			t.Errorf("CleanStoredJSON(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if c.desc == "" && len(old) != 0 || c.desc != "" && DescribeUnclean(old...) != c.desc {
			t.Errorf("%q: changed %q described %q, want %q", c.in, old, DescribeUnclean(old...), c.desc)
		}
	}
	if _, _, err := CleanStoredJSON(`{"a":"x\u200b"`); err == nil {
		t.Error("broken JSON accepted")
	}
}

func TestCleanStoredText(t *testing.T) {
	long := ""
	for i := 0; i < 500; i++ {
		long += "x"
	}
	for in, want := range map[string]string{"Budi": "Budi", "Ni\u00a0Luh": "Ni Luh", " Made\t": "Made",
		"\u202eKetut": "Ketut", long: long, "Jl.\nMawar": "Jl. Mawar"} {
		got, changed := CleanStoredText(in)
		if got != want || changed != (in != want) {
			t.Errorf("CleanStoredText(%q) = %q, %v; want %q", in, got, changed, want)
		}
	}
	if got := MaskNIK("5171030708010001"); got != "5171********0001" {
		t.Errorf("MaskNIK = %q", got)
	}
}

// FuzzCleanStoredJSON: CleanStoredJSON walks a JSON document by hand, so no document may crash
// it, and for every valid one the result is valid JSON with the same keys, numbers and shape,
// each string value cleaned by CleanStored, and cleaning it again changes nothing.
func FuzzCleanStoredJSON(f *testing.F) {
	for _, seed := range []string{`{"a":"x\u200by","b":[1,"  c  ",{"d":null}]}`, `"\u202e"`, `[]`, `{"k\"":"v\\"}`,
		`{"a" : "b" , "c":true}`, "{\"a\":\"\u00a0\"}", `{"a":"\ud800"}`, `12`, `{"a":"x"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		got, _, err := CleanStoredJSON(doc)
		if !json.Valid([]byte(doc)) {
			if err == nil && got != doc {
				t.Fatalf("invalid JSON %q changed to %q without an error", doc, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid JSON %q: %v", doc, err)
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("cleaning %q gave invalid JSON %q", doc, got)
		}
		if want, have := cleanedTree(t, doc), decodeTree(t, got); !reflect.DeepEqual(want, have) {
			t.Fatalf("cleaning %q gave %q:\n%#v\nwant\n%#v", doc, got, have, want)
		}
		if again, changed, _ := CleanStoredJSON(got); again != got || len(changed) != 0 {
			t.Fatalf("cleaning %q twice changed it again: %q", got, again)
		}
	})
}

func decodeTree(t *testing.T, doc string) any {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// cleanedTree is the document decoded with CleanStored applied to every string value.
func cleanedTree(t *testing.T, doc string) any {
	var clean func(any) any
	clean = func(v any) any {
		switch v := v.(type) {
		case string:
			return CleanStored(v)
		case []any:
			for i := range v {
				v[i] = clean(v[i])
			}
		case map[string]any:
			for k := range v {
				v[k] = clean(v[k])
			}
		}
		return v
	}
	return clean(decodeTree(t, doc))
}
