package web

import (
	"context"
	"testing"

	"ak1/server/storage"
)

// kioskVisit gives a card a kiosk visit of the service (a ticket, nothing recorded), as a holder who
// asks an officer does.
func kioskVisit(t *testing.T, srv *testServer, cardID int64, service string) *storage.Visit {
	t.Helper()
	ctx := context.Background()
	token := randomToken()
	if err := srv.DB.StartHolderSession(ctx, token, cardID, storage.ProofNumber); err != nil {
		t.Fatal(err)
	}
	res, err := srv.DB.KioskService(ctx, storage.KioskRequest{Token: token, Service: service, Note: "bertanya"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Visit
}
