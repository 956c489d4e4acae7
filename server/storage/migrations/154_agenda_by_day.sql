-- The Buku Agenda register is read for a period: find its entries by day instead of reading the
-- whole book in number order.
CREATE INDEX agenda_entries_entered_on ON agenda_entries(entered_on);
