package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"
	"time"
)

// Recorder collects every SQL statement a DB opened with OpenRecording runs, with its arguments,
// so a test can drive the real handlers and then check the query plan of each statement.
type Recorder struct {
	mu    sync.Mutex
	on    bool
	stmts []Statement
	seen  map[string]bool
}

// Statement is one SQL statement as it was run, with the arguments of its first run.
type Statement struct {
	Query string
	Args  []any
}

// Statements returns the distinct statements recorded so far, in the order they first ran.
func (r *Recorder) Statements() []Statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Statement(nil), r.stmts...)
}

func (r *Recorder) record(query string, args []driver.NamedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on || r.seen[query] {
		return
	}
	values := make([]any, len(args))
	for i, a := range args {
		values[i] = a.Value
	}
	r.seen[query] = true
	r.stmts = append(r.stmts, Statement{Query: query, Args: values})
}

// OpenRecording opens the database like Open, recording every statement run after the migrations.
func OpenRecording(ctx context.Context, dir string, now func() time.Time) (*DB, *Recorder, error) {
	rec := &Recorder{seen: map[string]bool{}}
	db, err := open(ctx, dir, now, func(dsn string) *sql.DB {
		return sql.OpenDB(recordingConnector{dsn: dsn, inner: sqliteDriver(), rec: rec})
	})
	if err != nil {
		return nil, nil, err
	}
	rec.mu.Lock()
	rec.on = true
	rec.mu.Unlock()
	return db, rec, nil
}

// sqliteDriver is the driver modernc.org/sqlite registers.
func sqliteDriver() driver.Driver {
	db, _ := sql.Open("sqlite", "")
	defer db.Close()
	return db.Driver()
}

type recordingConnector struct {
	dsn   string
	inner driver.Driver
	rec   *Recorder
}

func (c recordingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.inner.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: conn, rec: c.rec}, nil
}

func (c recordingConnector) Driver() driver.Driver { return c.inner }

// recordingConn passes everything to the SQLite connection and records each statement on its way.
type recordingConn struct {
	driver.Conn
	rec *Recorder
}

func (c *recordingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &recordingStmt{Stmt: st, query: query, rec: c.rec}, nil
}

func (c *recordingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *recordingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.record(query, args)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *recordingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !strings.HasPrefix(query, "EXPLAIN ") {
		c.rec.record(query, args)
	}
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *recordingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *recordingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *recordingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

type recordingStmt struct {
	driver.Stmt
	query string
	rec   *Recorder
}

func (s *recordingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.rec.record(s.query, args)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *recordingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.rec.record(s.query, args)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
