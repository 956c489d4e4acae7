package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ak1/server/domain"
	"ak1/server/storage"
)

// The Operator Cetak's page: the print stations and their printers, the print queue, and the
// decisions only a person can make (a card that may or may not be on paper, a reprint).

// printerReasonText translates CUPS printer-state-reasons (their keyword, without -error/-warning/
// -report) into what the operator should do.
var printerReasonText = map[string]string{
	"media-empty":          "Kartu kosong: isi ulang kartu",
	"media-needed":         "Kartu kosong: isi ulang kartu",
	"media-low":            "Kartu hampir habis",
	"media-jam":            "Kartu macet: buka printer dan keluarkan kartu",
	"door-open":            "Penutup printer terbuka",
	"cover-open":           "Penutup printer terbuka",
	"marker-supply-empty":  "Pita/ribbon habis: ganti pita",
	"marker-supply-low":    "Pita/ribbon hampir habis",
	"toner-empty":          "Pita/ribbon habis: ganti pita",
	"toner-low":            "Pita/ribbon hampir habis",
	"offline":              "Printer tidak terhubung: periksa kabel dan daya",
	"paused":               "Antrean printer dijeda di CUPS",
	"shutdown":             "Printer dimatikan",
	"connecting-to-device": "Menghubungkan ke printer",
	"other":                "Gangguan printer lainnya",
}

func reasonText(reason string) string {
	key := reason
	for _, suffix := range []string{"-error", "-warning", "-report"} {
		key = strings.TrimSuffix(key, suffix)
	}
	if t, ok := printerReasonText[key]; ok {
		return t
	}
	return reason
}

type stationView struct {
	storage.Station
	OptionsText string
	Online      bool
	StateLabel  string
	StateClass  string
	Reasons     []string
	Seen        string
}

type jobView struct {
	storage.PrintJob
	StateLabel string
	Age        string
	Stuck      bool // claimed or sent for longer than a card takes: worth a look
}

// reprintReasons are the usual reasons a card is printed again; the old card is voided.
var reprintReasons = []string{"Kartu rusak atau cacat cetak", "Salah cetak data", "Kartu hilang", "Kartu tidak keluar dari printer"}

func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return "belum pernah"
	case d < time.Minute:
		return fmt.Sprintf("%d detik lalu", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d menit lalu", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d jam lalu", int(d.Hours()))
	}
	return fmt.Sprintf("%d hari lalu", int(d.Hours()/24))
}

func (s *Server) printData(c *fiber.Ctx) (fiber.Map, error) {
	ctx := c.UserContext()
	if _, err := s.db.ExpireLeases(ctx); err != nil {
		return nil, err
	}
	stations, err := s.db.Stations(ctx)
	if err != nil {
		return nil, err
	}
	jobs, err := s.db.PrintJobs(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var sv []stationView
	for _, st := range stations {
		v := stationView{Station: st, Online: st.Online(now), Seen: ago(now, st.LastSeen), OptionsText: domain.FormatPrintOptions(st.Options)}
		switch {
		case st.Disabled:
			v.StateLabel, v.StateClass = "Nonaktif: token ditolak", "off"
		case !v.Online:
			v.StateLabel, v.StateClass = "Offline: agen tidak melapor", "off"
		case st.Paused:
			v.StateLabel, v.StateClass = "Dijeda", "paused"
		case st.PrinterState == "idle":
			v.StateLabel, v.StateClass = "Siap", "ok"
		case st.PrinterState == "printing":
			v.StateLabel, v.StateClass = "Sedang mencetak", "ok"
		case st.PrinterState == "stopped":
			v.StateLabel, v.StateClass = "Printer berhenti", "bad"
		default:
			v.StateLabel, v.StateClass = "Printer offline", "bad"
		}
		for _, r := range st.PrinterReasons {
			if r != "" && r != "none" {
				v.Reasons = append(v.Reasons, reasonText(r))
			}
		}
		sv = append(sv, v)
	}
	var jv []jobView
	counts := map[string]int{}
	finished := 0
	for _, j := range jobs {
		counts[string(j.State)]++
		if j.State.Final() {
			finished++
		}
		if j.State == domain.PrintClaimed || j.State == domain.PrintSent {
			counts["printing"]++ // a station holds it or CUPS has it: on its way to paper
		}
		stuck := (j.State == domain.PrintClaimed || j.State == domain.PrintSent) && now.Sub(j.UpdatedAt) > 2*time.Minute
		jv = append(jv, jobView{PrintJob: j, StateLabel: j.State.Label(), Age: ago(now, j.CreatedAt), Stuck: stuck})
	}
	data := fiber.Map{"Stations": sv, "Jobs": jv, "Counts": counts, "CSRF": csrfToken(c), "Reasons": reprintReasons}
	if finished >= storage.FinishedJobsShown {
		data["FinishedNote"] = fmt.Sprintf("Dari tugas yang sudah selesai, hanya %d terbaru dalam 24 jam terakhir yang ditampilkan.", storage.FinishedJobsShown)
	}
	return data, nil
}

func (s *Server) printPage(c *fiber.Ctx) error {
	data, err := s.printData(c)
	if err != nil {
		return err
	}
	p := s.deskPage(c, "Stasiun cetak", "cetak")
	p.Data = data
	return c.Render("desk/print", p, "layouts/officer")
}

func (s *Server) printFragment(c *fiber.Ctx) error {
	data, err := s.printData(c)
	if err != nil {
		return err
	}
	return c.Render("desk/print-body", data)
}

func (s *Server) printEvents(c *fiber.Ctx) error { return s.stream(c) }

func pathID(c *fiber.Ctx) (int64, error) { return pathParamID(c, "id") }

// pathParamID reads the route parameter name as a row id; anything else is "not found".
func pathParamID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// printAction runs one operator decision and answers with the refreshed page.
func (s *Server) printAction(c *fiber.Ctx, do func(id int64, actor string) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	err = do(id, actorOf(officerOf(c)))
	switch {
	case errors.Is(err, storage.ErrBadState):
		return &PublicError{fiber.StatusConflict, "Tugas cetak ini sudah berubah keadaannya (mungkin sudah ditangani operator lain). Daftar di bawah diperbarui otomatis."}
	case errors.Is(err, storage.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, storage.ErrStationBusy):
		return &PublicError{fiber.StatusConflict, "Stasiun ini masih memegang kartu yang belum selesai (sedang dicetak atau perlu diperiksa). " +
			"Nonaktifkan stasiun dulu, selesaikan tugas cetaknya di antrean di bawah, lalu hapus."}
	case err != nil:
		return err
	}
	s.events.notify()
	s.printSignal.Notify()
	if c.Get("HX-Request") == "true" {
		return s.printFragment(c)
	}
	return c.Redirect("/petugas/cetak", fiber.StatusSeeOther)
}

func actorOf(o *domain.Officer) string { return "user:" + strconv.FormatInt(o.ID, 10) }

func (s *Server) retryPrint(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error { return s.db.RetryJob(c.UserContext(), id, actor) })
}

func (s *Server) cancelPrint(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error {
		return s.db.CancelJob(c.UserContext(), id, actor, "dibatalkan operator")
	})
}

func (s *Server) confirmPrinted(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error { return s.db.ConfirmPrinted(c.UserContext(), id, actor) })
}

// reprintCard voids the card of a job and prints a new one. It needs a reason: a reprint puts a
// second card into the world, so the first must stop being valid.
func (s *Server) reprintCard(c *fiber.Ctx) error {
	reason := domain.CleanText(c.FormValue("alasan"), 200)
	if reason == "" {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilih alasan cetak ulang: kartu lama akan dibatalkan."}
	}
	return s.printAction(c, func(jobID int64, actor string) error {
		job, err := s.db.PrintJob(c.UserContext(), jobID)
		if err != nil {
			return err
		}
		newJob, err := s.db.ReprintCard(c.UserContext(), job.CardID, actor, reason)
		if err == nil {
			s.log.Info("card reprint", "old_card", job.CardID, "new_job", newJob, "reason", reason)
		}
		return err
	})
}

// stationOptions replaces a station's print options (media, duplex, driver settings): card printers
// differ, so each station carries its own. The agent picks them up with its next heartbeat.
func (s *Server) stationOptions(c *fiber.Ctx) error {
	opts, err := domain.ParsePrintOptions(c.FormValue("pilihan"))
	if err != nil {
		return &PublicError{fiber.StatusUnprocessableEntity, "Pilihan cetak belum benar: " + err.Error()}
	}
	return s.printAction(c, func(id int64, actor string) error {
		return s.db.SetStationOptions(c.UserContext(), id, opts, actor)
	})
}

func (s *Server) toggleStation(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error {
		return s.db.SetStationPaused(c.UserContext(), id, c.FormValue("jeda") == "1", actor)
	})
}

// disableStation turns a station off (nonaktif=1) or on again. Off refuses its token at once, also
// to a claim its agent has waiting, and gives the jobs in its hands back (storage.SetStationDisabled).
func (s *Server) disableStation(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error {
		return s.db.SetStationDisabled(c.UserContext(), id, c.FormValue("nonaktif") == "1", actor)
	})
}

// rotateStationToken replaces a station's token and shows the new one once, on a page of its own
// (not in the live list, which refreshes by itself). The old token is refused from now on.
func (s *Server) rotateStationToken(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	st, err := s.db.Station(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	token, err := s.db.RotateStationToken(c.UserContext(), id, actorOf(officerOf(c)))
	if err != nil {
		return err
	}
	s.log.Info("station token replaced", "station", st.Name, "by", officerOf(c).Username)
	s.events.notify()
	s.printSignal.Notify() // a claim waiting with the old token finds out now
	p := s.deskPage(c, "Token stasiun baru", "cetak")
	p.Data["Station"] = st.Name
	p.Data["Token"] = token
	return c.Render("desk/station-token", p, "layouts/officer")
}

// removeStation deletes a station once the operator typed its name; storage refuses while it still
// holds cards that may be in its printer.
func (s *Server) removeStation(c *fiber.Ctx) error {
	return s.printAction(c, func(id int64, actor string) error {
		st, err := s.db.Station(c.UserContext(), id)
		if err != nil {
			return err
		}
		if strings.TrimSpace(c.FormValue("nama")) != st.Name {
			return &PublicError{fiber.StatusUnprocessableEntity, fmt.Sprintf("Stasiun tidak dihapus: ketik namanya persis (%s) untuk memastikan.", st.Name)}
		}
		return s.db.RemoveStation(c.UserContext(), id, actor)
	})
}
