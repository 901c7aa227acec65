#!/bin/bash
# A CPython 3.13 built as releases are (profile-guided and link-time optimised: python.org's
# installers, Debian's python3, the image's python:3.13-slim), and a venv on it with the runtime
# requirements, to measure the served decision path as production runs it (issue 18 §5).
#
# pyenv builds without those optimisations unless told (PYTHON_CONFIGURE_OPTS): served, a
# decision then takes ~7 % more of the server's CPU, pure-Python code a quarter more
# (bench/RESULTS.md, issue 18 §5). `make demo` and `make test` do not use this interpreter.
#
#   scripts/release-python.sh [PREFIX] [VENV]      (default /opt/gatehouse-python, .venv-release)
#   .venv-release/bin/python bench/bench_api.py --database-url postgresql://…
#
# The source: CPYTHON_TARBALL if set (python.org's Python-3.13.x.tar.xz), else the upstream
# tarball of Debian trixie's python3.13 source package (fetched with apt-get source, from a
# private source list: the machine's apt configuration is not touched). The build takes about
# 25 minutes on two cores; an interpreter already at PREFIX is kept.
set -euo pipefail

prefix=${1:-/opt/gatehouse-python}
venv=${2:-.venv-release}
root=$(cd "$(dirname "$0")/.." && pwd)
python="$prefix/bin/python3.13"

if [ ! -x "$python" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  if [ -n "${CPYTHON_TARBALL:-}" ]; then
    tarball=$CPYTHON_TARBALL
  else
    mkdir -p lists/partial
    echo "deb-src http://deb.debian.org/debian trixie main" > sources.list
    apt=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
         -o "Dir::State::Lists=$work/lists")
    apt-get "${apt[@]}" update -qq
    apt-get "${apt[@]}" source --download-only -qq python3.13
    tarball=$(ls "$work"/python3.13_*.orig.tar.xz)
  fi
  tar xf "$tarball"
  cd Python-3.13.*/
  echo "building $(basename "$PWD") with PGO and LTO into $prefix (about 25 minutes)"
  ./configure -q --prefix="$prefix" --enable-optimizations --with-lto --enable-shared \
    LDFLAGS="-Wl,-rpath,$prefix/lib" > configure.log
  make -s -j"$(nproc)" > make.log 2>&1 || { tail -30 make.log; exit 1; }
  make -s install > install.log 2>&1 || { tail -30 install.log; exit 1; }
fi

cd "$root"
# What bench_api.py will print of it (bench/conditions.py), and a stop if it is not a release build.
built=$("$python" -c 'from bench.conditions import interpreter; print(interpreter())')
[ "$built" = "built with PGO and LTO" ] || { echo "$python: $built" >&2; exit 1; }
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt
echo "ready: $venv/bin/python ($("$venv/bin/python" --version), $built)"
