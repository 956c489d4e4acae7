package domain

import "testing"

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
