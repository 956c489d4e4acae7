package web

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ak1/server/card"
	"ak1/server/domain"
	"ak1/server/storage"
)

func (s *Server) uploadPhoto(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	// Nothing is decoded for an application the desk no longer handles (SavePhoto checks it again).
	if !a.State.AtDesk() {
		return alreadyHandled
	}
	fh, err := c.FormFile("foto")
	if err != nil {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih berkas foto atau ambil foto dengan kamera."}
	}
	if fh.Size > maxPhotoBytes {
		return &PublicError{fiber.StatusUnprocessableEntity, "Ukuran berkas foto harus di bawah 6 MB."}
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPhotoBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	jpg, err := normalizePhoto(data)
	if err != nil {
		return err
	}
	if err := s.db.SavePhoto(c.UserContext(), a.ID, officerOf(c).ID, jpg); err != nil {
		return s.deskError(err)
	}
	s.events.notify()
	if c.Get("HX-Request") == "true" {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(appURL(a.ID), fiber.StatusSeeOther)
}

func (s *Server) photoJPEG(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	b, err := s.db.Photo(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	return c.Send(b)
}

// cardPreview renders a face of the card as PNG: the real card once approved, otherwise the card as
// approval would print it, with the number the next approval gets (fixed on approval).
func (s *Server) cardPreview(c *fiber.Ctx) error {
	a, err := s.appID(c)
	if err != nil {
		return err
	}
	faceNo, err := strconv.Atoi(c.Params("face"))
	if err != nil || (faceNo != 1 && faceNo != 2) {
		return fiber.ErrNotFound
	}
	var cd card.Card
	if a.Card != nil {
		cd, err = s.cardData(c.UserContext(), a.Card.ID)
	} else {
		cd, err = s.previewData(c.UserContext(), &a.Application)
	}
	if err != nil {
		return err
	}
	png, err := card.RenderPNG(cd, faceNo)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(png)
}

// previewData builds the would-be card of an application not approved yet.
func (s *Server) previewData(ctx context.Context, a *domain.Application) (card.Card, error) {
	today := s.now().In(domain.OfficeZone)
	cd := cardFromForm(&a.Form)
	var err error
	if cd.RegNumber, err = s.db.NextRegNumber(ctx, s.opts.RegNoPattern); err != nil {
		return cd, err
	}
	cd.IssuedOn = today
	cd.ValidUntil = today.AddDate(2, 0, 0)
	cd.CheckURL = s.opts.PublicURL + card.CheckPathPrefix + "contoh"
	cd.Serial = 1
	// The signature block stays blank: the Pengantar Kerja who signs the printed card is recorded then.
	if err := s.addPhotoAndOfficer(ctx, &cd, a.ID, 0); err != nil {
		return cd, err
	}
	return cd, nil
}

// cardData builds everything printed on a card from the card row, its application, the photo and
// the Pengantar Kerja. The print side renders the PDF from it.
func (s *Server) cardData(ctx context.Context, cardID int64) (card.Card, error) {
	rec, err := s.db.Card(ctx, cardID)
	if err != nil {
		return card.Card{}, err
	}
	a, err := s.db.Application(ctx, rec.ApplicationID)
	if err != nil {
		return card.Card{}, err
	}
	cd := cardFromForm(&a.Form)
	cd.RegNumber = rec.RegNumber
	cd.IssuedOn = rec.IssuedOn
	cd.ValidUntil = rec.ValidUntil
	cd.Serial = rec.Serial
	if s.opts.Signer != nil {
		cd.CheckURL = s.opts.Signer.CheckURL(s.opts.PublicURL, rec.ID, rec.Serial)
	}
	if err := s.addPhotoAndOfficer(ctx, &cd, a.ID, rec.PengantarID); err != nil {
		return cd, err
	}
	return cd, nil
}

func (s *Server) addPhotoAndOfficer(ctx context.Context, cd *card.Card, appID, pengantarID int64) error {
	if b, err := s.db.Photo(ctx, appID); err == nil {
		// As stored: the card embeds it in the PDF without decoding it (see card.Card.PhotoJPEG).
		if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err == nil {
			cd.PhotoJPEG = b
		}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if pengantarID != 0 {
		u, err := s.db.User(ctx, pengantarID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if u != nil && u.Role == domain.RolePengantar {
			cd.PengantarKerja = card.Officer{Name: u.FullName, NIP: u.NIP}
		}
	}
	return nil
}

// cardFromForm copies the Daftar Isian onto the card.
func cardFromForm(f *domain.Form) card.Card {
	birth, _ := f.BirthDate()
	street := f.Street
	if f.RT != "" || f.RW != "" {
		street += ", RT " + f.RT + "/RW " + f.RW
	}
	cd := card.Card{
		NIK: f.NIK, Name: strings.ToUpper(f.FullName), BirthPlace: f.BirthPlace, BirthDate: birth,
		Sex: domain.LabelOf(domain.Sexes, f.Sex), MaritalStatus: f.Marital, Religion: f.Religion,
		AddressLines: []string{street, "Kel. " + f.Kelurahan + ", Kec. " + f.KecamatanName(), strings.TrimSpace("Kota Denpasar " + f.PostalCode)},
	}
	for _, e := range f.Education() {
		year, _ := strconv.Atoi(e.Year)
		school := e.School
		if e.Level == "Tidak tamat SD" {
			school = strings.TrimSpace("Tidak tamat " + school)
		}
		cd.Education = append(cd.Education, card.EducationRow{Level: e.Level, Major: e.Major, School: school, Year: year})
	}
	for _, t := range f.Trainings {
		if t.Name != "" {
			y, _ := strconv.Atoi(t.Year)
			cd.Skills = append(cd.Skills, card.SkillRow{Name: t.Name, Year: y})
		}
	}
	return cd
}
