package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"ak1/server/domain"
	"ak1/server/storage"
)

// demoAccounts are the accounts a demo start creates, one per role.
var demoAccounts = []domain.Officer{
	{Username: "petugas", FullName: "I Made Demo Wirawan", NIP: "198503122010011002", Role: domain.RolePetugas},
	{Username: "pengantar", FullName: "Ni Ketut Demo Sari, S.E.", NIP: "197908212005012003", Role: domain.RolePengantar},
	{Username: "kasi", FullName: "I Gusti Ngurah Demo Putra, S.Sos.", NIP: "197604152000031004", Role: domain.RoleKasi},
	{Username: "operator", FullName: "Kadek Demo Arimbawa", NIP: "199002102015031005", Role: domain.RoleOperator},
	{Username: "admin", FullName: "Drs. Wayan Demo Suarjana, M.M.", NIP: "196805121990031006", Role: domain.RoleAdmin},
}

// ensureDemoAccounts creates the demo accounts, or gives existing ones a fresh password, and prints
// every password on stdout: a newcomer running make run a second time can still sign in. Only a
// demo start (AK1_DEMO=true, make run) calls it.
func ensureDemoAccounts(ctx context.Context, db *storage.DB, stdout io.Writer) error {
	var block strings.Builder
	block.WriteString(demoRule + "\nAkun demo (kata sandi baru setiap kali server mulai; masuk di /masuk):\n")
	for _, u := range demoAccounts {
		pw := randomPassword()
		hash, err := domain.HashPassword(pw)
		if err != nil {
			return err
		}
		if _, err := db.UserByUsername(ctx, u.Username); err == nil {
			if err := db.SetPassword(ctx, u.Username, hash); err != nil {
				return err
			}
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		} else if _, err := db.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		fmt.Fprintf(&block, "akun demo %-10s peran %-28s kata sandi %s\n", u.Username, u.Role.Title(), pw)
	}
	block.WriteString(demoRule + "\n")
	_, err := io.WriteString(stdout, block.String()) // one write: the server's log cannot come between the lines
	return err
}

const demoRule = "-------------------------------------------------------------------------------------"
