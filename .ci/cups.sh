#!/usr/bin/env bash
# Sets up a real CUPS with the cups-pdf virtual printer for the ak1-agent tests.
#
# Idempotent; run as root on a fresh Debian 12 machine (or again on one already set up).
# Containers here have no systemd, so cupsd is started directly when it is not running.
# On success it prints shell-exportable lines only on stdout, e.g.
#   AK1_TEST_CUPS_PRINTER=AK1-PDF
#   AK1_TEST_CUPS_PDF_DIR=/var/spool/cups-pdf/ak1
#   AK1_TEST_CUPS_SOCKET=/run/cups/cups.sock
# so a Makefile can `eval "$(.ci/cups.sh)"`; progress goes to stderr.
set -euo pipefail

QUEUE="${AK1_TEST_CUPS_PRINTER:-AK1-PDF}"
# A fixed output folder: cups-pdf's default (~/PDF of the job owner) depends on who submitted the
# job, which differs between root, CI and a developer, so tests could not find the files.
PDF_DIR="${AK1_TEST_CUPS_PDF_DIR:-/var/spool/cups-pdf/ak1}"
SOCKET=/run/cups/cups.sock

log() { echo "cups.sh: $*" >&2; }
die() { echo "cups.sh: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages and configures CUPS)"

need_pkgs=()
for p in cups cups-client cups-bsd printer-driver-cups-pdf ghostscript poppler-utils; do
	# dpkg-query prints "install ok installed" only for a fully installed package.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		need_pkgs+=("$p")
	fi
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
	log "installing ${need_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2 ||
		die "apt-get install ${need_pkgs[*]} failed"
fi

# cups-pdf writes where Out says; ${HOME} would be the job owner's home. AnonDirName is used
# for jobs from remote/unknown users. Label 2 prefixes every file with the CUPS job id, so two
# prints of the same card never overwrite each other: a duplicate must stay visible to the tests.
conf=/etc/cups/cups-pdf.conf
[ -f "$conf" ] || die "$conf missing after installing printer-driver-cups-pdf"
set_conf() {
	local key=$1 val=$2
	if grep -qE "^${key}[[:space:]]" "$conf"; then
		sed -i -E "s|^${key}[[:space:]].*|${key} ${val}|" "$conf"
	else
		echo "${key} ${val}" >>"$conf"
	fi
}
set_conf Out "$PDF_DIR"
set_conf AnonDirName "$PDF_DIR"
set_conf Label 2
# cups-pdf writes as the job's user; the agent's jobs arrive unauthenticated over the socket
# and so run as AnonUser (nobody): the folder must be writable for everyone, sticky like /tmp.
mkdir -p "$PDF_DIR"
chmod 1777 "$PDF_DIR"

# Keep job history (not files) so the agent can ask CUPS by job name what happened after a crash.
cupsd_conf=/etc/cups/cupsd.conf
if ! grep -qE "^PreserveJobHistory" "$cupsd_conf"; then
	echo "PreserveJobHistory Yes" >>"$cupsd_conf"
fi
# The card files hold personal data: do not keep them in the spool once printed.
if ! grep -qE "^PreserveJobFiles" "$cupsd_conf"; then
	echo "PreserveJobFiles No" >>"$cupsd_conf"
fi

# lpstat -r exits 0 either way; only its text tells whether the scheduler answers.
sched_up() { lpstat -r 2>/dev/null | grep -q "scheduler is running"; }
if ! sched_up; then
	log "starting cupsd"
	mkdir -p /run/cups
	/usr/sbin/cupsd || die "cupsd did not start (see /var/log/cups/error_log)"
fi
for _ in $(seq 1 100); do
	sched_up && break
	sleep 0.1
done
sched_up || die "CUPS scheduler does not answer after 10 s (see /var/log/cups/error_log)"

# awk reads all input (no early exit) so pipefail never sees a SIGPIPE from lpinfo.
models=$(lpinfo -m 2>/dev/null) || die "lpinfo -m failed"
ppd=$(awk '/CUPS-PDF_opt\.ppd/ && !p {print $1; p=1}' <<<"$models")
[ -n "$ppd" ] || ppd=$(awk '/CUPS-PDF/ && !p {print $1; p=1}' <<<"$models")
[ -n "$ppd" ] || die "no CUPS-PDF driver found by lpinfo -m"

# Two queues on the same cups-pdf backend: the agent's tests stop and reject theirs on purpose
# (printer health), so the end-to-end tests, which may run at the same time, print on their own.
E2E_QUEUE="${AK1_TEST_CUPS_E2E_PRINTER:-$QUEUE-E2E}"
for q in "$QUEUE" "$E2E_QUEUE"; do
	if ! lpstat -p "$q" >/dev/null 2>&1; then
		log "creating queue $q with $ppd"
		lpadmin -p "$q" -v cups-pdf:/ -m "$ppd" -o printer-error-policy=abort-job ||
			die "lpadmin could not create $q"
	fi
	# Tests disable the queue on purpose (health mapping); always leave it ready.
	cupsenable "$q" || die "cupsenable $q failed"
	cupsaccept "$q" || die "cupsaccept $q failed"
	lpstat -p "$q" >&2 || die "queue $q not visible"
done

[ -S "$SOCKET" ] || SOCKET=localhost:631

echo "AK1_TEST_CUPS_PRINTER=$QUEUE"
echo "AK1_TEST_CUPS_E2E_PRINTER=$E2E_QUEUE"
echo "AK1_TEST_CUPS_PDF_DIR=$PDF_DIR"
echo "AK1_TEST_CUPS_SOCKET=$SOCKET"
