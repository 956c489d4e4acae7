package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"ak1/server/domain"
	"ak1/server/storage"
)

func TestUserCommand(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	ctx := context.Background()
	user := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := userCommand(ctx, args, env, strings.NewReader(stdin), &out, &out)
		return out.String(), err
	}
	if _, err := user("rahasia-sekali-123\n", "add", "--username", "Made", "--role", "pengantar", "--name", "I Made Sukadana, S.E.", "--nip", "197908212005011003"); err != nil {
		t.Fatal(err)
	}
	if _, err := user("x\n", "add", "--username", "made2", "--role", "bos", "--name", "X", "--nip", "1"); err == nil {
		t.Fatal("unknown role accepted")
	}
	out, err := user("", "list")
	if err != nil || !strings.Contains(out, "made") || !strings.Contains(out, "pengantar") || strings.Contains(out, "rahasia") {
		t.Fatalf("list = %q, %v", out, err)
	}
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(pw string) bool {
		_, hash, err := db.UserForLogin(ctx, "made")
		return err == nil && domain.CheckPassword(hash, pw)
	}
	if !check("rahasia-sekali-123") {
		t.Fatal("the password read from stdin does not sign in")
	}
	if _, err := user("kata-sandi-baru-456\n", "passwd", "--username", "made"); err != nil || !check("kata-sandi-baru-456") || check("rahasia-sekali-123") {
		t.Fatalf("passwd: %v", err)
	}
	if _, err := user("", "disable", "--username", "made"); err != nil {
		t.Fatal(err)
	}
	if u, err := db.UserByUsername(ctx, "made"); err != nil || !u.Disabled {
		t.Fatalf("after disable: %+v, %v", u, err)
	}
	for _, action := range []string{"user-add", "user-passwd", "user-disable"} {
		if n, err := db.IntForAudit(ctx, action); err != nil || n != 1 {
			t.Errorf("audit rows for %s = %d, %v; want 1", action, n, err)
		}
	}
}

// TestUserUnlock: user unlock clears the count of wrong sign-in attempts, audited; an unknown
// username is an error.
func TestUserUnlock(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"AK1_DATA_DIR": dir}[k] }
	ctx := context.Background()
	user := func(stdin string, args ...string) error {
		var out bytes.Buffer
		return userCommand(ctx, args, env, strings.NewReader(stdin), &out, &out)
	}
	if err := user("rahasia-sekali-123\n", "add", "--username", "made", "--role", "petugas", "--name", "I Made", "--nip", "1"); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	limit := domain.AccountSignInLimit
	for i := 0; i <= limit.Free; i++ {
		if _, err := db.CountSignInAttempt(ctx, "made", "10.0.0.9", limit, domain.AddressSignInLimit); err != nil {
			t.Fatal(err)
		}
	}
	if wait, _ := db.CountSignInAttempt(ctx, "made", "10.0.0.9", limit, domain.AddressSignInLimit); wait <= 0 {
		t.Fatal("the account is not held back before the unlock")
	}
	if err := user("", "unlock", "--username", "Made"); err != nil {
		t.Fatal(err)
	}
	if wait, _ := db.CountSignInAttempt(ctx, "made", "10.0.0.9", limit, domain.AddressSignInLimit); wait != 0 {
		t.Fatalf("after unlock the account still waits %v", wait)
	}
	if n, err := db.IntForAudit(ctx, "user-unlock"); err != nil || n != 1 {
		t.Fatalf("audit rows for user-unlock = %d, %v", n, err)
	}
	if err := user("", "unlock", "--username", "tidak-ada"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Fatalf("unlock of an unknown user: %v", err)
	}
}
