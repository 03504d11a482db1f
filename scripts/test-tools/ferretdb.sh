#!/usr/bin/env bash
# Builds FerretDB (a MongoDB-wire server in Go with an SQLite handler) once and caches the binary, for the
# MongoDB-backend tests and benchmarks. Prints the binary's path. `go install ...@v1.24.2` builds a binary that
# panics at start because build/version/version.txt is not in the module, so this builds from the module's
# source after writing that file.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=v1.24.2
out=".cache/ferretdb/$version/ferretdb"
if [ -x "$out" ]; then echo "$PWD/$out"; exit 0; fi
command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then echo "ferretdb.sh: Go is not installed" >&2; exit 2; fi
dir=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "ferretdb.sh: could not download the FerretDB module" >&2; exit 1; }
src=$(mktemp -d)
trap 'chmod -R u+w "$src"; rm -rf "$src"' EXIT
cp -r "$dir/." "$src/"
chmod -R u+w "$src"
echo "$version" > "$src/build/version/version.txt"
mkdir -p "$(dirname "$out")"
# CGO off: the SQLite handler is pure Go, and a static binary does not depend on this machine's libc.
# A file of this build's own, renamed into place: test files that start at once may each build it.
(cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$OLDPWD/$out.$$.tmp" ./cmd/ferretdb) >&2
mv "$out.$$.tmp" "$out"
echo "$PWD/$out"
