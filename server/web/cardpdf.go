package web

import (
	"context"

	"ak1/server/card"
)

// cardPDF renders the card with the given id for printing, from the same data and renderer as the
// officer's preview.
func (s *Server) cardPDF(ctx context.Context, cardID int64) ([]byte, error) {
	c, err := s.cardData(ctx, cardID)
	if err != nil {
		return nil, err
	}
	return card.RenderPDF(c)
}
