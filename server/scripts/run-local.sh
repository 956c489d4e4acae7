#!/usr/bin/env bash
# `make run`: the server with its SQLite database in ./data and demo accounts, plus a local print
# agent whose "printer" is a folder (data/cetak). Both stop on Ctrl-C. Every AK1_* variable set in the
# environment is passed on (AK1_ADDR=:18081 make run).
set -euo pipefail
cd "$(dirname "$0")/../.."

export AK1_DATA_DIR="${AK1_DATA_DIR:-./data}"
export AK1_ADDR="${AK1_ADDR:-:8080}"
export AK1_DEMO=true
port="${AK1_ADDR##*:}"
mkdir -p "$AK1_DATA_DIR"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
# Ctrl-C (or TERM) is the normal way to stop: end with status 0, so make reports no error.
trap 'exit 0' INT TERM

./bin/ak1-server &
pids+=($!)

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:${port}/healthz" >/dev/null || { echo "run-local: the server did not start" >&2; exit 1; }

token_file="$AK1_DATA_DIR/local-station.token"
if [[ ! -s $token_file ]]; then
  ./bin/ak1-server station add --name "Stasiun Cetak Lokal" --token-file "$token_file"
fi
# A newcomer sees cards come out of the file printer: a few synthetic, approved applicants on an
# empty database (the command refuses a database that holds real applications).
./bin/ak1-server demo seed --count 3 --approve --if-empty

AK1_SERVER="http://127.0.0.1:${port}" AK1_TOKEN="$(cat "$token_file")" AK1_PRINTER="file:$AK1_DATA_DIR/cetak" \
  AK1_JOURNAL="$AK1_DATA_DIR/agent-journal" ./bin/ak1-agent &
pids+=($!)

cat <<MSG

  AK1 Denpasar berjalan:
    Anjungan (kiosk)      http://localhost:${port}/
    Meja petugas          http://localhost:${port}/masuk
    Layar antrean lobi    http://localhost:${port}/layar
    Kartu tercetak        $AK1_DATA_DIR/cetak/

$(cat "$AK1_DATA_DIR/akun-demo.txt")
  Tekan Ctrl-C untuk berhenti.

MSG
wait -n "${pids[@]}"
