#!/usr/bin/env bash
# Run a command against PostgreSQL: DATABASE_URL when given, otherwise a
# throwaway cluster on a Unix socket in a temporary folder, removed afterwards.
# UKAI_PG_OPTIONS adds server settings (e.g. "-c shared_buffers=1GB" for a benchmark).
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL が見つかりません / PostgreSQL not found: apt-get install postgresql" >&2
  exit 1
fi

workdir=$(mktemp -d /tmp/ukai-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root; the Debian package creates the postgres user.
  chown postgres "$workdir"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-k $workdir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${UKAI_PG_OPTIONS:-}" \
  start >/dev/null

export DATABASE_URL="postgres://postgres@/ukai?host=$workdir"
echo "PostgreSQL: $("$bindir/postgres" --version) (throwaway cluster in $workdir)"
"$@"
