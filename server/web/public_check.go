package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// The public check page is what a phone opens from a card's QR code. It says whether the card is
// genuine and what state it is in, and shows the minimum: name, photo, masked NIK.

type cardCheck struct {
	Genuine    bool
	ReplacedBy string // what replaced a voided card: a registration number (renewal) or "cetakan ke-N"
	State      string // aktif, kadaluarsa, bekerja, diganti, dibatalkan
	StateText  string
	Name       string
	NIKMasked  string
	RegNumber  string
	IssuedOn   string
	ValidUntil string
	Serial     int
	PhotoURL   string
}

// maskNIK keeps the region code and the last two digits: enough to compare with a KTP in hand,
// too little to be of use to anyone else.
func maskNIK(nik string) string {
	if len(nik) != 16 {
		return strings.Repeat("•", len(nik))
	}
	return nik[:4] + " •••• •••• ••" + nik[14:]
}

func (s *Server) publicCheck(c *fiber.Ctx) error {
	view := cardCheck{}
	token := c.Params("token")
	cardID, serial, ok := s.verifyCardToken(token)
	if ok {
		rec, app, err := s.cardWithApplication(c, cardID)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			ok = false
		case err != nil:
			return err
		case rec.Serial != serial:
			ok = false
		default:
			view = s.describeCard(rec, app)
			view.PhotoURL = "/cek/" + token + "/foto"
			if err := s.describeLife(c, &view, cardID); err != nil {
				return err
			}
		}
	}
	if !ok {
		s.log.Warn("card check: not genuine", "ip", c.IP())
		c.Status(fiber.StatusNotFound)
	}
	return c.Render("public/check", fiber.Map{"Title": "Cek keaslian kartu AK/I", "Card": view, "CSRF": csrfToken(c)}, "layouts/public")
}

func (s *Server) verifyCardToken(token string) (int64, int, bool) {
	if s.opts.Signer == nil || token == "" || len(token) > 200 {
		return 0, 0, false
	}
	return s.opts.Signer.Verify(token)
}

func (s *Server) cardWithApplication(c *fiber.Ctx, cardID int64) (*storage.CardRecord, *domain.Application, error) {
	rec, err := s.db.Card(c.UserContext(), cardID)
	if err != nil {
		return nil, nil, err
	}
	app, err := s.db.Application(c.UserContext(), rec.ApplicationID)
	return rec, app, err
}

func (s *Server) describeCard(rec *storage.CardRecord, app *domain.Application) cardCheck {
	today := s.rules().Today
	valid := rec.ValidUntil
	v := cardCheck{Genuine: true, Name: app.FullName, NIKMasked: maskNIK(app.NIK),
		RegNumber: rec.RegNumber, IssuedOn: domain.FormatDate(rec.IssuedOn), ValidUntil: domain.FormatDate(valid), Serial: rec.Serial}
	row := rec
	switch {
	case row.State == domain.CardVoided:
		v.State, v.StateText = "diganti", "Dibatalkan: kartu ini sudah diganti dengan cetakan baru. Kartu ini tidak berlaku."
	case row.State == domain.CardCancelled:
		v.State, v.StateText = "dibatalkan", "Dibatalkan. Kartu ini tidak berlaku."
	case row.State == domain.CardPlaced:
		v.State, v.StateText = "bekerja", "Pemegang kartu sudah diterima bekerja."
	case row.State == domain.CardLapsed || today.After(valid):
		v.State, v.StateText = "kadaluarsa", "Kadaluarsa sejak "+v.ValidUntil+"."
	default:
		v.State, v.StateText = "aktif", "Aktif, berlaku sampai dengan "+v.ValidUntil+"."
	}
	return v
}

// publicCheckPhoto serves the holder's photo for a genuine link only.
func (s *Server) publicCheckPhoto(c *fiber.Ctx) error {
	cardID, serial, ok := s.verifyCardToken(c.Params("token"))
	if !ok {
		return fiber.ErrNotFound
	}
	rec, err := s.db.Card(c.UserContext(), cardID)
	if err != nil || rec.Serial != serial {
		return fiber.ErrNotFound
	}
	jpeg, err := s.db.Photo(c.UserContext(), rec.ApplicationID)
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	return c.Send(jpeg)
}

// describeLife states the card's life as the rules derive it today: a card whose report was missed
// shows as lapsed from the day it lapsed, even before the sweep wrote it, and a card replaced by a
// renewal or a correction says by what (a registration number or a print serial, nothing personal).
func (s *Server) describeLife(c *fiber.Ctx, v *cardCheck, cardID int64) error {
	life, err := s.db.CardLife(c.UserContext(), cardID)
	if err != nil {
		return err
	}
	switch l := life.Life; {
	case l.State == domain.CardLapsed:
		v.State, v.StateText = "kadaluarsa", "Tidak berlaku lagi (dihapuskan) sejak "+domain.FormatDate(l.Since)+"."
	case l.State == domain.CardVoided && life.ReplacedBy != nil:
		if r := life.ReplacedBy; r.RegNumber == life.Card.RegNumber {
			v.ReplacedBy = fmt.Sprintf("cetakan ke-%d kartu yang sama", r.Serial)
		} else {
			v.ReplacedBy = "kartu nomor " + r.RegNumber
		}
		v.StateText = "Dibatalkan: kartu ini sudah diganti dengan " + v.ReplacedBy + ". Kartu ini tidak berlaku."
	}
	return nil
}
