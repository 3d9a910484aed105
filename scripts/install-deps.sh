#!/bin/sh
# install-deps.sh - install the Debian packages c2c builds and tests with,
# when they are missing.  As root it runs apt-get itself; otherwise it
# prints the exact line to run and stops.  Used by `make serve` and
# `make check`; safe to run again (it only looks when all is there).
set -eu

PKGS="gcc make pkg-config meson ninja-build python3 libsqlite3-dev libjansson-dev libsodium-dev libssl-dev libcsv-dev libcmocka-dev valgrind clang libclang-rt-dev libmicrohttpd-dev libpq-dev postgresql postgresql-contrib curl libxlsxwriter-dev mawk libzip-dev libexpat1-dev zlib1g-dev libicu-dev nodejs chromium fonts-ipafont-gothic wrk nginx"
# libssl-dev: OpenSSL's SHA-256 (the journal's hash chain, src/registry/journal.c)
# libpq-dev, postgresql, postgresql-contrib (pg_trgm): the PostgreSQL store and tests/pg.sh
# nodejs: npm builds web/ (npm ships with it from NodeSource, or is Debian's
# npm package); chromium and a Japanese font: tests/web.sh's browser and screenshots
# wrk, nginx: bench/http.sh (by hand, not make check): c2c serve against nginx

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# Debian's nodejs comes without npm (NodeSource's has it): ask for npm only then
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "c2c needs these Debian packages:$missing" >&2
	echo "run:  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
