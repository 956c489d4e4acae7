package domain

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePrintOptions(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{"", map[string]string{}, ""},
		{"sides=two-sided-long-edge\n# kartu CR80\n\nPageSize = Custom.242.65x153.01\n",
			map[string]string{"sides": "two-sided-long-edge", "PageSize": "Custom.242.65x153.01"}, ""},
		{"Ribbon=YMCKO", map[string]string{"Ribbon": "YMCKO"}, ""},
		{"sides", nil, "baris 1"},
		{"a=1\n=2", nil, "baris 2"},
		{"nama pilihan=1", nil, "hanya boleh"},
		{"a=1\na=2", nil, "dua kali"},
		{"a=\x01", nil, "karakter kendali"},
		{"media=\u202eA4", nil, "tak terlihat"},
		{"media=A\u200b4", nil, "tak terlihat"},
	}
	for _, tt := range tests {
		got, err := ParsePrintOptions(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePrintOptions(%q) error %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePrintOptions(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParsePrintOptions(FormatPrintOptions(got)); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %v = %v, %v", got, back, err)
		}
	}
}

func FuzzParsePrintOptions(f *testing.F) {
	f.Add("sides=two-sided-long-edge\nPageSize=Custom.242.65x153.01")
	f.Add("# x\n\na = b")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParsePrintOptions(in)
		if err != nil {
			return
		}
		back, err := ParsePrintOptions(FormatPrintOptions(got))
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip of %q: %v, %v", in, back, err)
		}
	})
}
