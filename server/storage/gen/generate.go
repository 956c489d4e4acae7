package gen

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

// Options say what Generate makes.
type Options struct {
	Count int // applications in all
	// Now is the moment the data ends: the office day of Now holds the applications of the
	// morning so far (a queue still waiting), earlier office days are complete. Zero: time.Now().
	Now    time.Time
	Seed   uint64
	PerDay int    // applications on an average office day; DefaultPerDay when 0
	RegNo  string // registration-number pattern; domain.DefaultRegNoPattern when empty
	// Progress, when set, is told how many applications are written, every few thousand.
	Progress func(done int)
}

// DefaultPerDay spreads 1,000,000 applications over about 1,300 office days (five years), as a
// busy city office or a provincial server sees them.
const DefaultPerDay = 770

// Version changes whenever Generate makes different data; benchmarks key cached databases by it.
const Version = 3

// Summary says what Generate made.
type Summary struct {
	Applications, Cards, Calls, PrintJobs, Photos, Days int
	First, Last                                         string // office days
	Today                                               TodaySummary
}

// TodaySummary is the office day of Options.Now.
type TodaySummary struct {
	Applications, Waiting int
	ExactName             string // the full name of one of today's applicants (for searches)
	WaitingNIK            string // the NIK of one waiting applicant
}

// Officer and station accounts Generate adds for the rows it makes. They cannot sign in: their
// password hash matches no password.
const (
	petugasCount   = 6
	pengantarCount = 2
	noPassword     = "!"
)

// Generate fills the database in dir (created, or migrated, with the real schema) with
// opts.Count applications spread over office days (Monday to Friday) up to opts.Now, with their
// calls, document checks, photos of recent days, corrections, returns, rejections, approvals,
// Buku Agenda entries, cards, reprints, print jobs and audit rows, as the desk and the print
// stations make them, marked as demo data (source "demo"). It writes in bulk through one
// connection with no journal, so a database with 1,000,000 applications takes minutes; it refuses
// a database that already holds applications.
func Generate(ctx context.Context, dir string, opts Options) (*Summary, error) {
	if opts.Count < 1 {
		return nil, errors.New("gen: count must be at least 1")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.PerDay <= 0 {
		opts.PerDay = DefaultPerDay
	}
	if opts.RegNo == "" {
		opts.RegNo = domain.DefaultRegNoPattern
	}
	users, station, err := prepare(ctx, dir, opts.Now)
	if err != nil {
		return nil, err
	}
	// Bulk writing: one connection, no rollback journal, no fsync. A crash leaves a broken file,
	// which is fine for generated data; the database goes back to WAL at the end.
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ak1.db")+"?_pragma=foreign_keys(0)&_pragma=synchronous(OFF)"+
		"&_pragma=cache_size(-262144)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode = OFF`); err != nil {
		return nil, err
	}
	// The name index is filled in one pass at the end: kept up by its triggers row by row, it
	// flushes at every statement and spends a third of the time merging what it flushed.
	triggers, err := suspendNameIndex(ctx, conn)
	if err != nil {
		return nil, err
	}
	// The rows in flight are many small values: collecting garbage less often saves a fifth of the
	// time (go tool pprof), for a few tens of megabytes more.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	g := newGenerator(opts, users, station)
	if err := g.run(ctx, conn); err != nil {
		return nil, err
	}
	if err := resumeNameIndex(ctx, conn, triggers); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		return nil, err
	}
	return &g.sum, nil
}

// suspendNameIndex drops the triggers that keep the name index (applications_fts) in step and
// returns their definitions.
func suspendNameIndex(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'applications_fts_%'`)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := conn.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// resumeNameIndex rebuilds the name index from the applications and puts its triggers back.
func resumeNameIndex(ctx context.Context, conn *sql.DB, triggers []string) error {
	if len(triggers) == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO applications_fts (applications_fts) VALUES ('rebuild')`); err != nil {
		return err
	}
	for _, def := range triggers {
		if _, err := conn.ExecContext(ctx, def); err != nil {
			return err
		}
	}
	return nil
}

// prepare checks that the database is empty of applications and makes the officers and the print
// station the generated rows refer to.
func prepare(ctx context.Context, dir string, now time.Time) (ids officerIDs, station int64, err error) {
	db, err := storage.Open(ctx, dir, func() time.Time { return now })
	if err != nil {
		return ids, 0, err
	}
	defer db.Close()
	total, real, err := db.CountApplications(ctx)
	if err != nil {
		return ids, 0, err
	}
	if real > 0 {
		return ids, 0, fmt.Errorf("gen: the database holds %d real applications; generated data goes only into an empty database", real)
	}
	if total > 0 {
		return ids, 0, fmt.Errorf("gen: the database already holds %d applications; generated data goes only into an empty database", total)
	}
	account := func(username, name string, role domain.Role) (int64, error) {
		if u, err := db.UserByUsername(ctx, username); err == nil {
			return u.ID, nil
		}
		return db.CreateUser(ctx, domain.Officer{Username: username, FullName: name, Role: role}, noPassword)
	}
	for i := range petugasCount {
		id, err := account(fmt.Sprintf("contoh-petugas-%d", i+1), fmt.Sprintf("Petugas Contoh %d", i+1), domain.RolePetugas)
		if err != nil {
			return ids, 0, err
		}
		ids.petugas = append(ids.petugas, id)
	}
	for i := range pengantarCount {
		id, err := account(fmt.Sprintf("contoh-pengantar-%d", i+1), fmt.Sprintf("Pengantar Kerja Contoh %d", i+1), domain.RolePengantar)
		if err != nil {
			return ids, 0, err
		}
		ids.pengantar = append(ids.pengantar, id)
	}
	if st, err := db.StationByName(ctx, "Stasiun Cetak Contoh"); err == nil {
		return ids, st.ID, nil
	}
	station, _, err = db.AddStation(ctx, "Stasiun Cetak Contoh")
	return ids, station, err
}

type officerIDs struct{ petugas, pengantar []int64 }

type generator struct {
	opts    Options
	rnd     *rand.Rand
	people  *People
	users   officerIDs
	station int64
	photos  [][]byte
	docs    string
	sum     Summary

	nextApp, nextCard, nextJob int64
	regSerial                  map[int]int             // year -> last registration serial
	agenda                     map[[2]string]int       // level, year -> last agenda number
	tickets                    map[string]map[byte]int // day -> prefix -> last ticket
	// People whose card was printed, in the order of their day, and those whose card has run out
	// (two years later): some of these come back for a new one.
	issued  []issuedCard
	expired []Person
}

type issuedCard struct {
	who Person
	day time.Time
}

func newGenerator(opts Options, users officerIDs, station int64) *generator {
	return &generator{opts: opts, rnd: rand.New(rand.NewPCG(opts.Seed, 0x5851f42d4c957f2d)),
		people: NewPeople(opts.Seed+1, opts.Now), users: users, station: station,
		docs: strings.Join(storage.RequiredDocuments(), ","), regSerial: map[int]int{}, agenda: map[[2]string]int{},
		tickets: map[string]map[byte]int{}}
}

// officeDays returns the office days the applications fall on, oldest first, with how many each
// gets: today (the day of Now) the morning so far, earlier weekdays about PerDay each.
func (g *generator) officeDays() ([]time.Time, []int) {
	now := g.opts.Now.In(domain.OfficeZone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, domain.OfficeZone)
	var days []time.Time
	var counts []int
	left := g.opts.Count
	if wd := today.Weekday(); wd != time.Saturday && wd != time.Sunday {
		open := today.Add(8 * time.Hour)
		share := min(max(now.Sub(open).Hours()/7, 0.05), 1) // the office is open 08:00–15:00
		n := min(left, max(1, int(float64(g.opts.PerDay)*share)))
		days, counts, left = append(days, today), append(counts, n), left-n
	}
	for d := today.AddDate(0, 0, -1); left > 0; d = d.AddDate(0, 0, -1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n := min(left, g.opts.PerDay*7/10+g.rnd.IntN(g.opts.PerDay*6/10+1))
		days, counts, left = append(days, d), append(counts, n), left-n
	}
	for i, j := 0, len(days)-1; i < j; i, j = i+1, j-1 {
		days[i], days[j] = days[j], days[i]
		counts[i], counts[j] = counts[j], counts[i]
	}
	return days, counts
}

func (g *generator) run(ctx context.Context, conn *sql.DB) error {
	for i := range 6 {
		photo, err := g.people.Photo(i%2 == 0)
		if err != nil {
			return err
		}
		g.photos = append(g.photos, photo)
	}
	days, counts := g.officeDays()
	g.sum.Days = len(days)
	g.sum.First, g.sum.Last = days[0].Format("2006-01-02"), days[len(days)-1].Format("2006-01-02")
	w := newWriter(ctx, conn)
	done := 0
	for i, day := range days {
		isToday := i == len(days)-1 && day.Format("2006-01-02") == domain.OfficeDay(g.opts.Now)
		photoDay := len(days)-i <= 5 // photos are kept for the last five office days only (size)
		for _, app := range g.day(day, counts[i], isToday, len(days)-1-i) {
			if err := g.write(w, app, photoDay); err != nil {
				w.close()
				return err
			}
			done++
			if done%5000 == 0 {
				w.flush()
				if g.opts.Progress != nil {
					g.opts.Progress(done)
				}
			}
			if err := ctx.Err(); err != nil {
				w.close()
				return err
			}
		}
	}
	g.writeCounters(w)
	if err := w.close(); err != nil {
		return err
	}
	if g.opts.Progress != nil {
		g.opts.Progress(done)
	}
	return nil
}

// fate is what happens to an application on its day.
type fate int

const (
	fateWaiting      fate = iota // submitted, not called yet
	fateResubmitted              // returned earlier, completed at the kiosk, waiting again
	fateCalled                   // at a desk
	fateVerified                 // documents checked
	fatePhotographed             // photo taken, ready to approve
	fateApproved                 // card in the print queue
	fatePrintFailed              // the printer failed; the operator has not retried yet
	fatePrinted                  // card printed
	fateReprinted                // printed, spoiled, printed again
	fateReturned                 // sent back for completion, never completed
	fateRejected
	fateManual // a card made by hand during an outage, entered afterwards
)

// app is one application to write, with the moments of its life.
type app struct {
	day    time.Time
	at     time.Time // submitted
	form   *domain.Form
	fate   fate
	desk   string
	byDesk bool // registered at the desk instead of the kiosk
}

// day makes the applications of one office day in the order they came in.
func (g *generator) day(day time.Time, n int, isToday bool, daysAgo int) []app {
	open := day.Add(8 * time.Hour)
	length := 7 * time.Hour
	if isToday {
		length = max(g.opts.Now.Sub(open), time.Minute)
	}
	offsets := make([]time.Duration, n)
	for i := range offsets {
		offsets[i] = time.Duration(g.rnd.Int64N(int64(length)))
	}
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })
	out := make([]app, n)
	for i := range out {
		a := app{day: day, at: open.Add(offsets[i]), desk: fmt.Sprint(1 + g.rnd.IntN(petugasCount)), byDesk: g.rnd.IntN(7) == 0}
		a.form = g.applicant(day)
		if isToday {
			a.fate = g.todayFate(float64(i) / float64(n))
		} else {
			a.fate = g.pastFate(daysAgo)
		}
		out[i] = a
	}
	return out
}

// applicant is a new job seeker (at least 18 on the day), or one whose card ran out and who comes
// back for a new one.
func (g *generator) applicant(day time.Time) *domain.Form {
	g.people.today = day
	for len(g.issued) > 0 && !g.issued[0].day.After(day.AddDate(-2, 0, 0)) {
		g.expired = append(g.expired, g.issued[0].who)
		g.issued = g.issued[1:]
	}
	if n := len(g.expired); n > 0 && g.rnd.IntN(12) == 0 {
		i := g.rnd.IntN(n)
		who := g.expired[i]
		g.expired[i] = g.expired[n-1]
		g.expired = g.expired[:n-1]
		return g.people.FormOf(who)
	}
	return g.people.Form()
}

// pastFate is what became of an application of an earlier day. A failed print is settled by the
// operator within a day or two, so only the last two days still have some.
func (g *generator) pastFate(daysAgo int) fate {
	// About 89% get a card, as in the database issue 11 was measured on (884,906 cards of
	// 1,000,000 applications).
	switch r := g.rnd.IntN(1000); {
	case r < 50:
		return fateRejected
	case r < 110:
		return fateReturned
	case r < 115:
		return fateManual
	case r < 125:
		return fateReprinted
	case r < 126 && daysAgo <= 2:
		return fatePrintFailed
	default:
		return fatePrinted
	}
}

// todayFate: the morning's first applicants are done, the last ones still wait.
func (g *generator) todayFate(position float64) fate {
	switch {
	case position < 0.5:
		if r := g.rnd.IntN(100); r < 3 {
			return fateRejected
		} else if r < 7 {
			return fateReturned
		}
		return fatePrinted
	case position < 0.6:
		return fateApproved
	case position < 0.66:
		return fatePhotographed
	case position < 0.7:
		return fateVerified
	case position < 0.76:
		return fateCalled
	case g.rnd.IntN(25) == 0:
		return fateResubmitted
	default:
		return fateWaiting
	}
}

func (g *generator) ticket(day string, prefix byte) string {
	if g.tickets[day] == nil {
		g.tickets[day] = map[byte]int{}
	}
	g.tickets[day][prefix]++
	return domain.FormatTicket(string(prefix), g.tickets[day][prefix])
}

// statusCode gives every generated application its own code: a bijection of the id onto the
// code space (31^6 codes), so no two collide and they look random.
func statusCode(id int64) string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	const space = 31 * 31 * 31 * 31 * 31 * 31
	n := (id * 387420489) % space // 3^18 has no factor 31, so this permutes 0..space-1
	var b [7]byte
	for i := 6; i >= 0; i-- {
		if i == 3 {
			b[i] = '-'
			continue
		}
		b[i] = alphabet[n%31]
		n /= 31
	}
	return string(b[:])
}

func (g *generator) petugas() (int64, string) {
	id := g.users.petugas[g.rnd.IntN(len(g.users.petugas))]
	return id, fmt.Sprintf("user:%d", id)
}

// write makes the rows of one application with everything its fate brings.
func (g *generator) write(w *writer, a app, photoDay bool) error {
	g.nextApp++
	id := g.nextApp
	dayText := a.day.Format("2006-01-02")
	f := a.form
	birth, _ := f.BirthDate()
	prefix := byte('A')
	if a.fate == fateManual {
		prefix = 'M'
	}
	ticket := g.ticket(dayText, prefix)
	state := domain.StateSubmitted
	reason, documents := "", ""
	t := a.at
	userID, actor := g.petugas()
	// next moves the clock on by min to max minutes, never past Now.
	next := func(min, max int) time.Time {
		t = t.Add(time.Duration(min)*time.Minute + time.Duration(g.rnd.Int64N(int64(max-min+1)*int64(time.Minute))))
		if t.After(g.opts.Now) {
			t = g.opts.Now.Add(-time.Second)
		}
		return t
	}
	move := func(action string, to domain.State, detail string) {
		w.audit(t, actor, action, id, string(state), string(to), detail)
		state = to
	}
	call := func() {
		next(3, 75)
		w.call(id, ticket, a.desk, userID, t)
		g.sum.Calls++
		move("call", domain.StateCalled, "meja "+a.desk)
	}

	switch {
	case a.fate == fateManual:
		g.manualCard(w, id, a, actor)
		state, documents = domain.StateHandedOver, g.docs
	case a.byDesk:
		w.audit(t, actor, "submit", id, "", string(domain.StateSubmitted), "tiket "+ticket)
	default:
		w.audit(t, "kiosk", "submit", id, "", string(domain.StateSubmitted), "tiket "+ticket)
	}
	switch a.fate {
	case fateWaiting, fateManual:
	case fateResubmitted, fateReturned:
		call()
		next(2, 6)
		reason = domain.ReturnReasons[g.rnd.IntN(len(domain.ReturnReasons))]
		move("return", domain.StateReturned, reason)
		if a.fate == fateResubmitted {
			next(30, 90)
			reason, actor = "", "kiosk"
			move("resubmit", domain.StateResubmitted, "dilengkapi di anjungan")
		}
	case fateRejected:
		call()
		next(2, 6)
		reason = domain.RejectReasons[g.rnd.IntN(len(domain.RejectReasons))]
		move("reject", domain.StateRejected, reason)
	case fateCalled:
		call()
	default:
		call()
		next(2, 6)
		documents = g.docs
		if g.rnd.IntN(25) == 0 {
			old := fmt.Sprintf("08%d%08d", 11+g.rnd.IntN(9), g.rnd.IntN(100000000))
			w.correction(id, t, userID, "phone", old, f.Phone)
			w.audit(t, actor, "correct", id, string(state), string(state), "dikoreksi: phone")
		}
		move("documents", domain.StateVerified, "dokumen: "+g.docs)
		if a.fate == fateVerified {
			break
		}
		next(1, 4)
		photo := g.photos[g.rnd.IntN(len(g.photos))]
		if photoDay || a.fate <= fateApproved {
			w.photo(id, photo, t, userID)
			g.sum.Photos++
		}
		move("photo", domain.StatePhotographed, fmt.Sprintf("%d byte", len(photo)))
		if a.fate == fatePhotographed {
			break
		}
		next(1, 4)
		state = g.approve(w, id, a, state, actor, next)
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	w.application(id, f, birth.Format("2006-01-02"), state, reason, ticket, dayText, statusCode(id), string(data), documents, a.at, t)
	g.sum.Applications++
	if (a.fate == fatePrinted || a.fate == fateReprinted || a.fate == fateManual) && g.rnd.IntN(4) == 0 {
		// A quarter of them are remembered (memory): enough to make the returning job seekers.
		g.issued = append(g.issued, issuedCard{Person{NIK: f.NIK, FullName: f.FullName, Birth: birth, Female: f.Sex == "P", Kec: kecamatan(f.Kecamatan)}, a.day})
	}
	if dayText == domain.OfficeDay(g.opts.Now) {
		g.sum.Today.Applications++
		g.sum.Today.ExactName = f.FullName
		if state == domain.StateSubmitted {
			g.sum.Today.Waiting++
			g.sum.Today.WaitingNIK = f.NIK
		}
	}
	return nil
}

func kecamatan(code string) domain.Kecamatan {
	k, _ := domain.FindKecamatan(code)
	return k
}

// approve gives the registration number, the Buku Agenda entry, the card and its print job, and
// makes what the print station then did with it; it returns the application's state afterwards.
func (g *generator) approve(w *writer, id int64, a app, state domain.State, actor string, next func(int, int) time.Time) domain.State {
	t := next(0, 0)
	year := a.day.Year()
	g.regSerial[year]++
	reg := domain.FormatRegNumber(g.opts.RegNo, a.day, g.regSerial[year])
	level := a.form.EduLevel
	key := [2]string{level, fmt.Sprint(year)}
	g.agenda[key]++
	w.agenda(id, level, year, g.agenda[key], a.day.Format("2006-01-02"))
	pengantar := g.users.pengantar[g.rnd.IntN(len(g.users.pengantar))]
	w.audit(t, actor, "approve", id, string(state), string(domain.StateApproved),
		fmt.Sprintf("nomor %s, buku agenda %s no. %d/%d, ditandatangani pengguna %d", reg, level, g.agenda[key], year, pengantar))
	state = domain.StateApproved
	cards := 1
	if a.fate == fateReprinted {
		cards = 2
	}
	station := fmt.Sprintf("station:%d", g.station)
	for serial := 1; serial <= cards; serial++ {
		g.nextCard++
		g.nextJob++
		cardState, voided, why := domain.CardActive, "", ""
		if serial < cards {
			cardState, voided, why = domain.CardVoided, formatTime(t.Add(10*time.Minute)), "Kartu rusak saat dicetak"
		}
		w.card(g.nextCard, id, reg, serial, cardState, a.day, t, voided, why, pengantar, false)
		g.sum.Cards++
		jobState := domain.PrintPrinted
		switch a.fate {
		case fateApproved:
			jobState = domain.PrintQueued
		case fatePrintFailed:
			jobState = domain.PrintFailed
		}
		created := t
		if jobState != domain.PrintQueued {
			for _, step := range []struct {
				action   string
				from, to domain.PrintState
			}{{"print-claim", domain.PrintQueued, domain.PrintClaimed}, {"print-sent", domain.PrintClaimed, domain.PrintSent},
				{"print-" + string(jobState), domain.PrintSent, jobState}} {
				t = next(0, 2)
				w.audit(t, station, step.action, id, string(step.from), string(step.to), fmt.Sprintf("print job %d: ", g.nextJob))
			}
		}
		w.job(g.nextJob, g.nextCard, jobState, g.station, created, t)
		g.sum.PrintJobs++
		if jobState == domain.PrintPrinted && serial == 1 {
			w.audit(t, station, "printed", id, string(domain.StateApproved), string(domain.StatePrinted), fmt.Sprintf("print job %d", g.nextJob))
			state = domain.StatePrinted
		}
	}
	return state
}

// manualCard records a card made by hand during an outage: the application arrives handed over.
func (g *generator) manualCard(w *writer, id int64, a app, actor string) {
	year := a.day.Year()
	g.regSerial[year]++
	reg := domain.FormatRegNumber(g.opts.RegNo, a.day, g.regSerial[year])
	g.nextCard++
	w.card(g.nextCard, id, reg, 1, domain.CardActive, a.day, a.at, "", "", g.users.pengantar[0], true)
	g.sum.Cards++
	w.audit(a.at, actor, "manual", id, "", string(domain.StateHandedOver), "kartu manual "+reg+" tanggal "+a.day.Format("2006-01-02"))
}

// writeCounters leaves the counters where the generated rows end, so the real system goes on
// numbering from there.
func (g *generator) writeCounters(w *writer) {
	for day, prefixes := range g.tickets {
		for prefix, last := range prefixes {
			w.exec("ticketCounter", day, string(prefix), last)
		}
	}
	for year, last := range g.regSerial {
		w.exec("regCounter", year, last)
	}
	for key, last := range g.agenda {
		w.exec("agendaCounter", key[0], key[1], last)
	}
}

const timeFormat = "2006-01-02T15:04:05.000Z" // as storage stores times

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }
