#!/usr/bin/env bash
# Build a release of Transcript Reader and smoke-test it:
#
#   1. a build venv (build/venv, or the Python in $PYTHON) with the project and its `packaging`
#      extra (PyInstaller, build, Pillow);
#   2. the wheel and sdist into dist/ (python -m build), checked to carry every resource file;
#   3. the one-folder PyInstaller bundle (packaging/transcript-reader.spec) with the desktop
#      files and install-desktop.sh beside the executable;
#   4. dist/transcript-reader-<version>-linux-<arch>.tar.gz;
#   5. the unpacked tarball run with a clean environment (env -i, PATH=/usr/bin:/bin, a new
#      HOME, QT_QPA_PLATFORM=offscreen): --version, check --json on the bundled sample library,
#      --screenshot, and install-desktop.sh into a scratch XDG_DATA_HOME and back out.
#
# Exits 0 only when everything built and every smoke test passed. Works from any directory.
# Usage: packaging/build.sh            (PYTHON=/path/to/python packaging/build.sh to use that one)
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd -- "$here/.." && pwd -P)"
cd -- "$root"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'build.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# --- 1. build environment ----------------------------------------------------------------------
if [[ -n "${PYTHON:-}" ]]; then
    py="$PYTHON"
    step "using $py"
else
    if [[ ! -x build/venv/bin/python ]]; then
        step "creating build/venv"
        python3 -m venv build/venv
    fi
    py="$root/build/venv/bin/python"
fi
"$py" -c 'import sys; assert sys.version_info >= (3, 10), sys.version' ||
    fail "Python 3.10 or newer is needed"
step "installing the project with the packaging extra"
mkdir -p build
{ "$py" -m pip install --upgrade pip && "$py" -m pip install ".[packaging]"; } \
    >build/pip-install.log 2>&1 ||
    { tail -n 40 build/pip-install.log >&2; fail "pip install (log: build/pip-install.log)"; }

version="$("$py" -c 'import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
print(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
           and any(getattr(t, "id", "") == "__version__" for t in n.targets)))' reader/__init__.py)"
arch="$(uname -m)"
name="transcript-reader-$version"
echo "version $version, $arch"

# --- 2. wheel and sdist ------------------------------------------------------------------------
step "building the wheel and sdist into dist/"
mkdir -p dist
rm -f "dist/transcript_reader-$version"-*.whl "dist/transcript_reader-$version.tar.gz"
"$py" -m build --outdir dist . >build/python-build.log 2>&1 ||
    { tail -n 40 build/python-build.log >&2; fail "python -m build (log: build/python-build.log)"; }
wheels=("dist/transcript_reader-$version"-*.whl)
wheel="${wheels[0]}"
[[ -f "$wheel" ]] || fail "no wheel in dist/"
sdist="dist/transcript_reader-$version.tar.gz"
[[ -f "$sdist" ]] || fail "no sdist $sdist"
# Every file under resources/ must be in the wheel as reader/resources/... (but the README's
# screenshots, which pyproject.toml leaves out of the package)
"$py" - "$wheel" <<'EOF' || fail "the wheel lacks resource files"
import sys
import zipfile
from pathlib import Path

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
missing = [
    str(p)
    for p in Path("resources").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    and p.parts[1] != "screenshots"
    and "reader/" + p.as_posix() not in names
]
print(f"{sys.argv[1]}: {len(names)} files", *(f"missing: {m}" for m in missing), sep="\n")
sys.exit(1 if missing else 0)
EOF

# --- 3. bundle ---------------------------------------------------------------------------------
step "building the PyInstaller bundle (takes a few minutes)"
pyi_dist="$root/build/pyinstaller/dist"
pyi_work="$root/build/pyinstaller/work"
rm -rf -- "$pyi_dist"
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$pyi_dist" --workpath "$pyi_work" packaging/transcript-reader.spec \
    >build/pyinstaller.log 2>&1 ||
    { tail -n 40 build/pyinstaller.log >&2; fail "pyinstaller (log: build/pyinstaller.log)"; }
bundle="$pyi_dist/transcript-reader"
[[ -x "$bundle/transcript-reader" ]] || fail "no executable in $bundle"
install -m 755 packaging/install-desktop.sh "$bundle/install-desktop.sh"
mkdir -p "$bundle/linux"
install -m 644 packaging/linux/org.transcriptreader.TranscriptReader.desktop \
    packaging/linux/org.transcriptreader.TranscriptReader.metainfo.xml "$bundle/linux/"

# --- 4. tarball --------------------------------------------------------------------------------
tarball="dist/$name-linux-$arch.tar.gz"
step "packing $tarball"
rm -f -- "$tarball"
tar -C "$pyi_dist" --sort=name --owner=0 --group=0 --numeric-owner \
    --transform "flags=r;s,^transcript-reader,$name," -czf "$tarball" transcript-reader

# --- 5. smoke test of the unpacked tarball -----------------------------------------------------
step "smoke-testing the unpacked tarball with a clean environment"
smoke="$(mktemp -d "${TMPDIR:-/tmp}/transcript-reader-smoke.XXXXXX")"
trap 'rm -rf -- "$smoke"' EXIT
mkdir -p "$smoke/home" "$smoke/unpacked"
tar -C "$smoke/unpacked" -xzf "$tarball"
app="$smoke/unpacked/$name/transcript-reader"
sample="$smoke/unpacked/$name/_internal/reader/resources/sample"
[[ -x "$app" ]] || fail "no $name/transcript-reader in the tarball"
[[ -d "$sample" ]] || fail "no bundled sample library in the tarball"

run_clean() {
    (cd -- "$smoke" && env -i PATH=/usr/bin:/bin HOME="$smoke/home" QT_QPA_PLATFORM=offscreen "$@")
}

out="$(run_clean "$app" --version)" || fail "--version exited $?"
[[ "$out" == "transcript-reader $version" ]] || fail "--version printed '$out'"
echo "ok  --version: $out"

run_clean "$app" check "$sample" --json >"$smoke/check.json" 2>"$smoke/check.err" ||
    { cat "$smoke/check.err" >&2; fail "check exited non-zero"; }
"$py" - "$smoke/check.json" <<'EOF' || fail "check --json output"
import json
import sys

transcripts = json.load(open(sys.argv[1], encoding="utf-8"))["transcripts"]
bad = [t["path"] for t in transcripts if t["errors"]]
assert len(transcripts) >= 4, f"only {len(transcripts)} transcripts"
assert not bad, f"errors in {bad}"
print(f"ok  check --json: {len(transcripts)} transcripts, no errors")
EOF

run_clean "$app" --screenshot "$smoke/out.png" >"$smoke/shot.log" 2>&1 ||
    { cat "$smoke/shot.log" >&2; fail "--screenshot exited non-zero"; }
[[ -f "$smoke/out.png" ]] || fail "--screenshot wrote no file"
[[ "$(head -c 8 "$smoke/out.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
    fail "--screenshot did not write a PNG"
shot_bytes="$(wc -c <"$smoke/out.png")"
((shot_bytes > 20000)) || fail "--screenshot PNG is only $shot_bytes bytes"
echo "ok  --screenshot: $(tail -n 1 "$smoke/shot.log") ($shot_bytes bytes)"
mkdir -p build/smoke && cp "$smoke/out.png" build/smoke/screenshot.png

xdg="$smoke/xdg-data"
run_clean env XDG_DATA_HOME="$xdg" "$smoke/unpacked/$name/install-desktop.sh" >/dev/null ||
    fail "install-desktop.sh from the bundle"
desktop="$xdg/applications/org.transcriptreader.TranscriptReader.desktop"
grep -qxF "Exec=$app %F" "$desktop" || fail "the launcher does not run $app"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$desktop" || fail "the installed launcher does not validate"
fi
run_clean env XDG_DATA_HOME="$xdg" "$smoke/unpacked/$name/install-desktop.sh" --uninstall \
    >/dev/null || fail "install-desktop.sh --uninstall"
[[ -z "$(find "$xdg" -mindepth 1 -print -quit 2>/dev/null)" ]] ||
    fail "install-desktop.sh --uninstall left files in $xdg"
echo "ok  install-desktop.sh and --uninstall from the bundle"

step "done"
echo "bundle:  $(du -sh "$bundle" | cut -f1)  $bundle"
echo "tarball: $(du -h "$tarball" | cut -f1)  $tarball"
echo "wheel:   $(du -h "$wheel" | cut -f1)  $wheel"
echo "sdist:   $(du -h "$sdist" | cut -f1)  $sdist"
echo "screenshot of the bundle: build/smoke/screenshot.png"
