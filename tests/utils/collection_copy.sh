#!/usr/bin/env bash
# Copy the collection's tracked and untracked-but-not-ignored files to
# DEST/ansible_collections/dbops/patching and make that copy its own git work tree:
# ansible-test lists files through git, and a copy inside an ignored directory of
# this repository would otherwise have no files (sanity then skips everything).
set -euo pipefail
dest=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$dest/ansible_collections/dbops/patching"
rm -rf "$target"
mkdir -p "$target"
(cd "$root" && git ls-files --cached --others --exclude-standard -z | tar --null --ignore-failed-read -cf - -T - 2>/dev/null) | tar -xf - -C "$target"
(cd "$target" && git init -q)
echo "$target"
