package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

func TestPublicCardCheck(t *testing.T) {
	signer, err := card.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, Options{Signer: signer, PublicURL: "https://ak1.example"})
	p, _ := addOfficer(t, srv, "petugas", domain.RolePetugas)
	k, _ := addOfficer(t, srv, "pengantar", domain.RolePengantar)
	job := approvedJob(t, srv, p, k, 1)
	app, _ := srv.DB.Application(context.Background(), mustCard(t, srv, job.CardID).ApplicationID)
	token := signer.Token(job.CardID, 1)
	c := newClient(t, srv.URL)

	code, body := c.get("/cek/" + token)
	if code != http.StatusOK || !strings.Contains(body, "Kartu AK/I ASLI") || !strings.Contains(body, `data-state="aktif"`) ||
		!strings.Contains(body, app.FullName) || strings.Contains(body, app.NIK) || !strings.Contains(body, app.NIK[:4]+" ••••") {
		t.Fatalf("genuine card: %d\n%s", code, body)
	}
	if code, _ := c.get("/cek/" + token + "/foto"); code != http.StatusOK {
		t.Fatalf("photo of a genuine card: %d", code)
	}
	swap := byte('A')
	if token[10] == 'A' {
		swap = 'B'
	}
	forged := token[:10] + string(swap) + token[11:] // one character changed

	code, body = c.get("/cek/" + forged)
	if code != http.StatusNotFound || !strings.Contains(body, "TIDAK ASLI") || strings.Contains(body, app.FullName) {
		t.Fatalf("forged link: %d\n%s", code, body)
	}
	if code, _ := c.get("/cek/" + forged + "/foto"); code != http.StatusNotFound {
		t.Fatalf("photo of a forged link: %d", code)
	}
	// A token for a serial that was never printed (or an old one after a reprint) is not this card.
	if code, _ := c.get("/cek/" + signer.Token(job.CardID, 2)); code != http.StatusNotFound {
		t.Fatalf("token for serial 2 of a card at serial 1: %d", code)
	}
	if _, err := srv.DB.ReprintCard(context.Background(), job.CardID, "user:1", "Kartu hilang"); err != nil {
		t.Fatal(err)
	}
	code, body = c.get("/cek/" + token)
	if code != http.StatusOK || !strings.Contains(body, "TIDAK BERLAKU") || !strings.Contains(body, `data-state="diganti"`) {
		t.Fatalf("voided card: %d\n%s", code, body)
	}
}

func mustCard(t *testing.T, srv *testServer, id int64) *storage.CardRecord {
	t.Helper()
	c, err := srv.DB.Card(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
