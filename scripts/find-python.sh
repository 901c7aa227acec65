#!/bin/sh
# Prints the path of a Python >= 3.12 interpreter: python3.13, python3.12, then pyenv's versions.
# Exits 1 with a clear message when none exists.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.13 python3.12; do
  path=$(command -v "$name" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for dir in $(ls -d "$root"/versions/3.* 2>/dev/null | sort -t. -k2,2nr -k3,3nr); do
  if [ -x "$dir/bin/python" ] && ok "$dir/bin/python"; then echo "$dir/bin/python"; exit 0; fi
done
echo "Gatehouse needs Python 3.12 or newer: none found as python3.13, python3.12 or under $root/versions." >&2
echo "Install one (e.g. 'pyenv install 3.13') and run make again." >&2
exit 1
