#!/usr/bin/env bash
# Put the offline get-pip stand-in (get_pip_standin.py) where ansible-test of the given venv
# looks before downloading get-pip.py: ~/.ansible/test/cache/get_pip_<pip pin, dots as _>.py.
# The pin is the pip='...' literal in ansible_test/_internal/python_requirements.py.
# Usage: install_get_pip.sh VENV
set -euo pipefail
venv=$1
here=$(cd "$(dirname "$0")" && pwd)
requirements=$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
pin=$(grep -o "pip='[0-9.]*'" "$requirements" | head -n 1 | cut -d"'" -f2)
if [ -z "$pin" ]; then
  echo "ERROR: cannot find the pip pin in $requirements" >&2
  exit 1
fi
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$here/get_pip_standin.py" "$cache/get_pip_${pin//./_}.py"
