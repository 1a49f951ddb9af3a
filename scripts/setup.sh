#!/usr/bin/env bash
# Installs what Cellar needs on Debian/Ubuntu, and only what is missing, so that a second run
# takes a few seconds. Used by `npm run serve` and `npm test`.
#   bash scripts/setup.sh                 system packages, npm packages, Prisma client
#   bash scripts/setup.sh --with-postgres also a local PostgreSQL server for the tests
# SageMath (the `sage` kernel; ~750 MB to download, ~3.5 GB installed, 3-7 minutes) is installed
# too unless CELLAR_SAGE=0; without it the site serves Python only and says so for Sage snippets.
set -euo pipefail
cd "$(dirname "$0")/.."

with_postgres=0
for arg in "$@"; do
  case "$arg" in
    --with-postgres) with_postgres=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: FAILED: %s\n' "$*" >&2; exit 1; }

# Root runs apt-get directly; anyone else needs sudo, non-interactively (CI has no stdin).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || die "'$*' needs root: run as root or allow passwordless sudo"
  else
    die "'$*' needs root and sudo is not installed"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 \
    || die "missing packages ($*) and no apt-get: install them by hand (Debian/Ubuntu expected)"
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || die "apt-get update failed"
    apt_updated=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    >/dev/null || die "apt-get install $* failed"
}

has_cmd() { command -v "$1" >/dev/null 2>&1; }

# --- system packages -------------------------------------------------------------------------
missing=()
has_cmd git || missing+=(git)
has_cmd bwrap || missing+=(bubblewrap)
has_cmd unzip || missing+=(unzip)
# Snippets run under Debian's own interpreter: the `python3` first on PATH may be another one
# (pyenv, conda) without numpy and matplotlib.
/usr/bin/python3 -c "import numpy, matplotlib" >/dev/null 2>&1 \
  || missing+=(python3 python3-numpy python3-matplotlib)
# libseccomp's Python binding: the sandbox's syscall filters are built with it (docs/exec.md).
/usr/bin/python3 -c "import seccomp" >/dev/null 2>&1 || missing+=(python3-seccomp)
# Jupyter's own notebook validator: the tests check exported notebooks with it (docs/api.md).
/usr/bin/python3 -c "import nbformat" >/dev/null 2>&1 || missing+=(python3-nbformat)
# cloudpickle: scatter/gather ships functions defined in cells to worker sandboxes (docs/exec.md).
/usr/bin/python3 -c "import cloudpickle" >/dev/null 2>&1 || missing+=(python3-cloudpickle)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ "$with_postgres" -eq 1 ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# NATS with JetStream: the tests of several execution hosts (docs/scale.md) use one on
# 127.0.0.1:4222 and start private ones from this binary.
if [ "$with_postgres" -eq 1 ] && [ ! -x /usr/sbin/nats-server ]; then
  missing+=(nats-server)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
else
  say "system packages present"
fi

# --- the web server's user ----------------------------------------------------------------------
# `npm start` as root runs the web server as this unprivileged user (CELLAR_USER, default cellar);
# it would create it too, but an operator may prefer to see it made here.
web_user="${CELLAR_USER:-cellar}"
if ! id -u "$web_user" >/dev/null 2>&1; then
  say "creating the system user $web_user (the web server runs as it)"
  as_root useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$web_user" \
    || die "could not create the user $web_user"
else
  say "user $web_user present"
fi

# --- SageMath --------------------------------------------------------------------------------
# Large, so it gets its own step with progress. The `sage` kernel looks for the same file.
if [ "${CELLAR_SAGE:-1}" = "0" ]; then
  say "SageMath skipped (CELLAR_SAGE=0): the sage kernel will be unavailable"
elif [ -e /usr/lib/python3/dist-packages/sage/all.py ]; then
  say "SageMath present"
else
  command -v apt-get >/dev/null 2>&1 || die "SageMath is missing and there is no apt-get: install it by hand, or set CELLAR_SAGE=0"
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    apt_updated=1
  fi
  say "installing SageMath (Debian's sagemath: ~750 MB download, ~3.5 GB on disk, a few minutes; CELLAR_SAGE=0 skips it)"
  # One progress line every 50 packages fetched, unpacked or set up.
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sagemath 2>&1 \
    | awk '/newly installed/ { print "setup: sagemath: " $0; fflush() }
           /^Get:/ { g++; if (g % 50 == 0) { print "setup: sagemath: downloaded " g " packages"; fflush() } }
           /^Unpacking / { u++; if (u % 50 == 0) { print "setup: sagemath: unpacked " u " packages"; fflush() } }
           /^Setting up / { c++; if (c % 50 == 0) { print "setup: sagemath: set up " c " packages"; fflush() } }
           /^E: / { print; fflush() }' \
    || [ ! -e /usr/lib/python3/dist-packages/sage/all.py ]; then
    die "apt-get install sagemath failed (set CELLAR_SAGE=0 to go on without the sage kernel)"
  fi
  say "SageMath installed"
fi

# A fresh Debian PostgreSQL lets the `postgres` role in only over the unix socket (peer auth);
# over TCP it wants a password. The tests connect as postgres@127.0.0.1:5432, as on CI machines
# (trust auth): give the role a random password kept in ~/.pgpass, which libpq and
# node-postgres both read.
if [ "$with_postgres" -eq 1 ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    cluster_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
    [ -n "$cluster_version" ] || die "PostgreSQL is installed but has no cluster in /etc/postgresql"
    as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start \
      || die "could not start PostgreSQL $cluster_version/main (see /var/log/postgresql/)"
  fi
  if ! psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -w -Atc "select 1" >/dev/null 2>&1; then
    say "giving the postgres role a password for TCP logins (kept in ~/.pgpass)"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    as_root runuser -u postgres -- psql -q -d postgres -v ON_ERROR_STOP=1 -v pw="$password" \
      <<'SQL' || die "could not set a password for the postgres role"
SELECT format('ALTER ROLE postgres PASSWORD %L', :'pw') \gexec
SQL
    printf '127.0.0.1:5432:*:postgres:%s\nlocalhost:5432:*:postgres:%s\n' "$password" "$password" \
      >>"$HOME/.pgpass"
    chmod 600 "$HOME/.pgpass"
  fi
fi

# The tests' NATS: started with JetStream on 127.0.0.1:4222 when nothing answers there.
if [ "$with_postgres" -eq 1 ] && ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  say "starting NATS with JetStream on 127.0.0.1:4222"
  as_root mkdir -p /var/lib/nats-server
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log \
    || die "could not start nats-server (see /var/log/nats-server.log)"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null && break
    sleep 0.5
  done
  (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null || die "nats-server started but does not answer on 127.0.0.1:4222 (see /var/log/nats-server.log)"
fi

# --- npm packages ----------------------------------------------------------------------------
# npm records a finished install in node_modules/.package-lock.json; a manifest newer than that
# means someone changed dependencies since.
stamp=node_modules/.package-lock.json
if [ ! -e "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "npm install"
  npm install --no-audit --no-fund --loglevel=error || die "npm install failed"
  # npm leaves the stamp alone when nothing changed; touch it so the next run skips this step.
  touch "$stamp"
else
  say "npm packages up to date"
fi

# --- Prisma client ---------------------------------------------------------------------------
# `postinstall` normally generates it, but npm skips that when it had nothing to install.
# The schema engine binary cannot be downloaded here; generate does not need it.
if [ ! -e lib/db/generated/client.ts ] || [ prisma/schema.prisma -nt lib/db/generated/client.ts ]; then
  say "prisma generate"
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx --no-install prisma generate >/dev/null \
    || die "prisma generate failed"
  touch lib/db/generated/client.ts
else
  say "Prisma client up to date"
fi

say "ready"
