#!/usr/bin/env bash
# Put the offline get-pip stand-in where ansible-test of the given venv looks for it:
# ~/.ansible/test/cache/get_pip_<pip pin with dots as underscores>.py
set -euo pipefail
venv=$1
here=$(cd "$(dirname "$0")" && pwd)
requirements=$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
pin=$(grep -o "pip='[0-9.]*'" "$requirements" | head -n 1 | cut -d"'" -f2)
[ -n "$pin" ] || { echo "cannot find the pip pin in $requirements" >&2; exit 1; }
mkdir -p "$HOME/.ansible/test/cache"
cp "$here/get_pip_standin.py" "$HOME/.ansible/test/cache/get_pip_${pin//./_}.py"
