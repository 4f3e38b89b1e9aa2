#!/usr/bin/env bash
# Sourced by .ci/run: installs and starts what the tests need (PostgreSQL, Chromium, Tesseract with
# its Vietnamese model, LibreOffice Writer and Calc), then
# exports where to find them. A new CI machine has neither started, so this does it every run.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the review page's browser test needs a font with Vietnamese glyphs (a bare image may have none)
fc-list :lang=vi 2>/dev/null | grep -q . || need+=(fontconfig fonts-dejavu-core)
# scans and photos are read by Tesseract's Vietnamese model; Word 97 .doc is converted by LibreOffice
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-vie)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# the workbook print test renders consolidated.xlsx to PDF with LibreOffice Calc
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
if [ ${#need[@]} -gt 0 ]; then
  echo "ci: installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/tonghop-pg.XXXXXX)
chown postgres "$pg_dir"
# a free port: a server left by an earlier run on this machine must not make this one fail
pg_port=${TONGHOP_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
su postgres -c "$pg_bin/initdb -D $pg_dir/data -A trust -U postgres -E UTF8 >/dev/null"
su postgres -c "$pg_bin/pg_ctl -D $pg_dir/data -o '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1' -l $pg_dir/log -w start >/dev/null"
# stop the server when .ci/run (which sources this file) exits, pass or fail
trap "su postgres -c '$pg_bin/pg_ctl -D $pg_dir/data -m fast stop' >/dev/null 2>&1; rm -rf $pg_dir" EXIT
export TONGHOP_TEST_PG="postgresql://postgres@127.0.0.1:$pg_port/postgres"
export TONGHOP_CHROMIUM=$(command -v chromium)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # Playwright drives Debian's chromium; it never fetches a browser
echo "ci: PostgreSQL on port $pg_port, Chromium at $TONGHOP_CHROMIUM"
