#!/usr/bin/env bash
# Puts the awx.awx collection under $1/ansible_collections/awx/awx, for checking
# docs/awx/objects.yml: Galaxy is unreachable here, but the `ansible` package on PyPI
# carries awx.awx, so it is taken from that wheel (pinned; no install, no dependency).
set -euo pipefail
dest=$1
pip=$2
version=12.3.0
test -f "$dest/ansible_collections/awx/awx/MANIFEST.json" && exit 0
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
"$pip" download --quiet --disable-pip-version-check --no-deps -d "$cache" "ansible==$version"
mkdir -p "$dest"
"$(dirname "$pip")/python" - "$cache"/ansible-*.whl "$dest" <<'PY'
import sys
import zipfile

wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    members = [name for name in archive.namelist() if name.startswith('ansible_collections/awx/awx/')]
    archive.extractall(dest, members)
print('awx.awx: %d files' % len(members))
PY
