#!/usr/bin/env bash
# Install (or, with --uninstall, remove) the desktop integration of Transcript Reader for the
# current user: the .desktop launcher, the AppStream metainfo and the hicolor icons, all named by
# the app id, under $XDG_DATA_HOME (default ~/.local/share). Needs no root.
#
#   packaging/install-desktop.sh [--exec COMMAND]   install; the launcher runs COMMAND
#   packaging/install-desktop.sh --uninstall        remove exactly what install puts there
#
# COMMAND defaults to the `transcript-reader` beside this script (the unpacked bundle), else the
# one found on PATH (pip/pipx install); it is written into the launcher as an absolute path.
# Works from the source tree (packaging/install-desktop.sh) and from an unpacked bundle.
set -euo pipefail

APP_ID="org.transcriptreader.TranscriptReader"
PNG_SIZES=(16 32 48 64 128 256 512)

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "$0"
}

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
mode=install
exec_cmd=""
while (($#)); do
    case "$1" in
        --uninstall) mode=uninstall ;;
        --exec)
            [[ $# -ge 2 ]] || { echo "install-desktop.sh: --exec needs a COMMAND" >&2; exit 2; }
            exec_cmd="$2"
            shift
            ;;
        --exec=*) exec_cmd="${1#--exec=}" ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-desktop.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

data_home="${XDG_DATA_HOME:-}"
if [[ -z "$data_home" || "$data_home" != /* ]]; then
    # The XDG spec says a relative or empty value is to be ignored.
    data_home="$HOME/.local/share"
fi
apps_dir="$data_home/applications"
meta_dir="$data_home/metainfo"
hicolor="$data_home/icons/hicolor"

desktop_dest="$apps_dir/$APP_ID.desktop"
meta_dest="$meta_dir/$APP_ID.metainfo.xml"
svg_dest="$hicolor/scalable/apps/$APP_ID.svg"
png_dest() { printf '%s/%sx%s/apps/%s.png' "$hicolor" "$1" "$1" "$APP_ID"; }

# Every file install writes, so uninstall removes exactly these.
installed_files() {
    printf '%s\n' "$desktop_dest" "$meta_dest" "$svg_dest"
    local size
    for size in "${PNG_SIZES[@]}"; do
        png_dest "$size"
        printf '\n'
    done
}

refresh_caches() {
    # Rebuild the caches if the tools exist; once nothing is left in a folder, drop its cache
    # (the tools would otherwise leave an empty cache file behind after an uninstall).
    if [[ -d "$apps_dir" ]]; then
        if compgen -G "$apps_dir/*.desktop" >/dev/null; then
            if command -v update-desktop-database >/dev/null 2>&1; then
                update-desktop-database -q "$apps_dir" || true
            fi
        else
            rm -f -- "$apps_dir/mimeinfo.cache"
        fi
    fi
    if [[ -d "$hicolor" ]]; then
        if [[ -n "$(find "$hicolor" -type f ! -name icon-theme.cache -print -quit)" ]]; then
            if command -v gtk-update-icon-cache >/dev/null 2>&1; then
                gtk-update-icon-cache -q -f -t "$hicolor" || true
            fi
        else
            rm -f -- "$hicolor/icon-theme.cache"
        fi
    fi
}

# Remove the folders install may have created, bottom-up, as long as they are empty.
prune_dirs() {
    local dir size
    local dirs=("$apps_dir" "$meta_dir" "$hicolor/scalable/apps" "$hicolor/scalable")
    for size in "${PNG_SIZES[@]}"; do
        dirs+=("$hicolor/${size}x${size}/apps" "$hicolor/${size}x${size}")
    done
    dirs+=("$hicolor" "$data_home/icons")
    for dir in "${dirs[@]}"; do
        if [[ -d "$dir" ]]; then
            rmdir -- "$dir" 2>/dev/null || true
        fi
    done
}

if [[ "$mode" == uninstall ]]; then
    while IFS= read -r file; do
        if [[ -e "$file" || -L "$file" ]]; then
            rm -f -- "$file"
            echo "removed $file"
        fi
    done < <(installed_files)
    refresh_caches
    prune_dirs
    exit 0
fi

# --- install -----------------------------------------------------------------------------------

# The source files: packaging/linux and resources/icons in the source tree, or linux/ and the
# bundled reader/resources/icons in an unpacked bundle.
desktop_src="$here/linux/$APP_ID.desktop"
meta_src="$here/linux/$APP_ID.metainfo.xml"
icons_src=""
for candidate in "$here/../resources/icons" "$here/_internal/reader/resources/icons"; do
    if [[ -f "$candidate/transcript-reader.svg" ]]; then
        icons_src="$(cd -- "$candidate" && pwd -P)"
        break
    fi
done
for file in "$desktop_src" "$meta_src"; do
    [[ -f "$file" ]] || { echo "install-desktop.sh: missing $file" >&2; exit 1; }
done
[[ -n "$icons_src" ]] || { echo "install-desktop.sh: icons not found beside $here" >&2; exit 1; }

if [[ -z "$exec_cmd" ]]; then
    if [[ -x "$here/transcript-reader" && ! -d "$here/transcript-reader" ]]; then
        exec_cmd="$here/transcript-reader"
    elif command -v transcript-reader >/dev/null 2>&1; then
        exec_cmd="$(command -v transcript-reader)"
    else
        echo "install-desktop.sh: no transcript-reader command found; install the program" \
            "(pip install . or unpack the bundle) or pass --exec COMMAND" >&2
        exit 1
    fi
fi
if [[ "$exec_cmd" != /* ]]; then
    resolved="$(command -v -- "$exec_cmd" 2>/dev/null || true)"
    [[ "$resolved" == /* ]] || { echo "install-desktop.sh: not a command: $exec_cmd" >&2; exit 1; }
    exec_cmd="$resolved"
fi
[[ -x "$exec_cmd" ]] || { echo "install-desktop.sh: not executable: $exec_cmd" >&2; exit 1; }

# The program as an argument of Exec= (Desktop Entry spec, "The Exec key"): quoted when it holds
# reserved characters, with ", `, $ and \ escaped inside the quotes, % doubled; then each \ doubled
# again, since Exec is also a string value.
desktop_arg() {
    local s="$1"
    s="${s//%/%%}"
    if [[ "$s" =~ [[:space:]\"\'\\\>\<~\|\&\;\$\*\?\#\(\)\`] ]]; then
        s="${s//\\/\\\\}"
        s="${s//\"/\\\"}"
        s="${s//\`/\\\`}"
        s="${s//\$/\\\$}"
        s="\"$s\""
    fi
    s="${s//\\/\\\\}"
    printf '%s' "$s"
}
exec_arg="$(desktop_arg "$exec_cmd")"

mkdir -p -- "$apps_dir" "$meta_dir" "$hicolor/scalable/apps"

tmp="$(mktemp "$apps_dir/.$APP_ID.XXXXXX")"
trap 'rm -f -- "$tmp"' EXIT
while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
        Exec=*)
            args="${line#Exec=}"
            args="${args#* }"
            [[ "$args" == "${line#Exec=}" ]] && args=""
            printf 'Exec=%s%s\n' "$exec_arg" "${args:+ $args}"
            ;;
        TryExec=*) ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$desktop_src" >"$tmp"
chmod 644 "$tmp"
mv -f -- "$tmp" "$desktop_dest"
trap - EXIT
echo "installed $desktop_dest"

install -m 644 -- "$meta_src" "$meta_dest"
echo "installed $meta_dest"
install -m 644 -- "$icons_src/transcript-reader.svg" "$svg_dest"
echo "installed $svg_dest"
for size in "${PNG_SIZES[@]}"; do
    src="$icons_src/transcript-reader-$size.png"
    [[ -f "$src" ]] || { echo "install-desktop.sh: missing $src" >&2; exit 1; }
    dest="$(png_dest "$size")"
    mkdir -p -- "$(dirname -- "$dest")"
    install -m 644 -- "$src" "$dest"
done
echo "installed $hicolor/<size>/apps/$APP_ID.png for ${PNG_SIZES[*]}"
refresh_caches
echo "Transcript Reader is in your applications menu (it runs $exec_cmd)."
