#!/usr/bin/env bash
# Installs what the benchmarks need on a Debian 12 machine: PostgreSQL 15's server binaries
# (used only for throw-away clusters in temp dirs; the system cluster is not started or used)
# and the pgbench/psql clients. Run once as root: bash bench/setup.sh
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/postgres ] && command -v pgbench >/dev/null && command -v psql >/dev/null; then
  echo "PostgreSQL 15 binaries already installed: $(/usr/lib/postgresql/15/bin/postgres --version)"
  exit 0
fi
apt-get update
# postgresql-15 brings initdb/pg_ctl/postgres; postgresql-client-15 brings psql and pgbench.
apt-get install -y postgresql-15 postgresql-client-15
/usr/lib/postgresql/15/bin/postgres --version
