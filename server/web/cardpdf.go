package web

import (
	"context"
	"time"

	"ak1/server/card"
	"ak1/server/domain"
)

// cardPDF renders the card with the given id for printing: the same renderer as the preview.
func (s *Server) cardPDF(ctx context.Context, cardID int64) ([]byte, error) {
	c, err := s.printableCard(ctx, cardID)
	if err != nil {
		return nil, err
	}
	return card.RenderPDF(c)
}

// printableCard builds the card's content from its application.
func (s *Server) printableCard(ctx context.Context, cardID int64) (card.Card, error) {
	row, err := s.db.CardForPrint(ctx, cardID)
	if err != nil {
		return card.Card{}, err
	}
	f := row.Application.Form
	birth, _ := f.BirthDate()
	issued, _ := time.Parse("2006-01-02", row.IssuedOn)
	valid, _ := time.Parse("2006-01-02", row.ValidUntil)
	sex := domain.LabelOf(domain.Sexes, f.Sex)
	c := card.Card{
		RegNumber: row.RegNumber, NIK: f.NIK, Name: f.FullName, BirthPlace: f.BirthPlace, BirthDate: birth,
		Sex: sex, MaritalStatus: f.Marital, Religion: f.Religion, IssuedOn: issued, ValidUntil: valid, Serial: row.Serial,
		AddressLines: []string{f.Street, "Kel. " + f.Kelurahan + ", Kec. " + f.KecamatanName(), "Kota Denpasar " + f.PostalCode},
	}
	if s.opts.Signer != nil {
		c.CheckURL = s.opts.Signer.CheckURL(s.opts.PublicURL, row.CardID, row.Serial)
	}
	return c, nil
}

// photoJPEG returns the applicant's photo, or nil when there is none yet.
func (s *Server) photoJPEG(ctx context.Context, applicationID int64) ([]byte, error) {
	return nil, nil // the officer desk stores photos; wired in when it lands
}
