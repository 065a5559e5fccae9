#!/usr/bin/env bash
# fetch.sh: put the files of one checksum manifest into DATA_DIR, verified.
#
#   bash datasets/fetch.sh MANIFEST DATA_DIR [DATA_MIRROR] [PATH...]
#
# For each manifest entry (or only the PATHs given) that DATA_DIR does not already hold with
# an accepted hash: copy DATA_MIRROR/PATH when it exists, else download the entry's URL
# (curl, or wget), into a staging directory inside DATA_DIR; check its SHA-256; rename it to
# DATA_DIR/PATH only when it matches. Files already present are re-hashed (one batched
# sha256sum) and skipped when they match; a present file that does not match is fetched
# again. A file that cannot be fetched or does not verify is never left in DATA_DIR:
# the staging directory is removed on every exit. Verified files of the same run are kept,
# so a rerun only repeats what failed.
#
# Output: one summary line on stdout. On failure, exactly one line on stderr naming the
# (first) failing file and the problem, e.g. expected vs actual sha256, and exit status 1.
#
# Manifest format (datasets/README.md), sha256sum-compatible lines plus directives in comments:
#   <sha256>  <path>                  published bytes of <path> (relative to DATA_DIR and
#                                     to DATA_MIRROR)
#   #@url <template>                  download URL of the entries that follow; {name} = file
#                                     name, {path} = path; "#@url -" = mirror only
#   #@mirror-sha256 <sha256> <path>   the mirror's copy of <path> has these bytes instead
#                                     (a re-compression of the same content)
#   #@content-sha256 <sha256> <path>  sha256 of `gzip -dc <path>`, checked after fetching
#   # ...                             any other comment
set -euo pipefail

prog=fetch
fail() { # one line on stderr, exit 1
    echo "$prog: $*" >&2
    exit 1
}

[ $# -ge 2 ] || fail "usage: fetch.sh MANIFEST DATA_DIR [DATA_MIRROR] [PATH...]"
manifest=$1
data_dir=$2
mirror=${3:-}
shift $(($# >= 3 ? 3 : 2))
[ -f "$manifest" ] || fail "$manifest: manifest not found"
prog="fetch $(basename "$manifest")"

abspath() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
data_dir=$(abspath "$data_dir")
[ -n "$mirror" ] && mirror=$(abspath "$mirror")

# ---- parse the manifest --------------------------------------------------------------
declare -a paths=()
declare -A hash=() mirror_hash=() content_hash=() url=()
safe_path() { [[ $1 =~ ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$ && ! $1 =~ (^|/)\.\.?(/|$) ]]; }

url_template=
lineno=0
declare -a late_mirror=() late_content=()
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    case $line in
    '#@url '*)
        url_template=${line#'#@url '}
        [ "$url_template" = - ] && url_template=
        ;;
    '#@'*)
        [[ $line =~ ^#@(mirror|content)-sha256\ ([0-9a-f]{64})\ ([^[:space:]]+)$ ]] ||
            fail "$manifest:$lineno: malformed or unknown directive: $line"
        kind=${BASH_REMATCH[1]} h=${BASH_REMATCH[2]} p=${BASH_REMATCH[3]}
        safe_path "$p" || fail "$manifest:$lineno: unsafe path: $p"
        if [ "$kind" = mirror ]; then late_mirror+=("$p $h"); else late_content+=("$p $h"); fi
        ;;
    '#'* | '') ;;
    *) # sha256sum format: hash, two spaces (or space and '*'), path
        [[ $line =~ ^([0-9a-f]{64})\ [\ *]([^[:space:]]+)$ ]] ||
            fail "$manifest:$lineno: expected '<sha256>  <path>', got: $line"
        h=${BASH_REMATCH[1]} p=${BASH_REMATCH[2]}
        safe_path "$p" || fail "$manifest:$lineno: unsafe path: $p"
        [ -z "${hash[$p]+x}" ] || fail "$manifest:$lineno: $p listed twice"
        paths+=("$p")
        hash[$p]=$h
        mirror_hash[$p]=$h
        if [ -n "$url_template" ]; then
            u=${url_template//\{name\}/${p##*/}}
            url[$p]=${u//\{path\}/$p}
        fi
        ;;
    esac
done <"$manifest"
for e in ${late_mirror[@]+"${late_mirror[@]}"}; do
    p=${e% *}
    [ -n "${hash[$p]+x}" ] || fail "$manifest: #@mirror-sha256 for $p, which has no entry"
    mirror_hash[$p]=${e#* }
done
for e in ${late_content[@]+"${late_content[@]}"}; do
    p=${e% *}
    [ -n "${hash[$p]+x}" ] || fail "$manifest: #@content-sha256 for $p, which has no entry"
    content_hash[$p]=${e#* }
done
[ ${#paths[@]} -gt 0 ] || fail "$manifest: no entries"

if [ $# -gt 0 ]; then # only the PATHs asked for
    for p in "$@"; do [ -n "${hash[$p]+x}" ] || fail "$p: not in $manifest"; done
    paths=("$@")
fi

dir_of() { if [[ $1 == */* ]]; then printf '%s' "${1%/*}"; else printf .; fi; }

# Hash many files at once: prints "<sha256> <path>" for each path (relative to $1).
hash_files() {
    local dir=$1
    shift
    [ $# -gt 0 ] || return 0
    (cd "$dir" && printf '%s\0' "$@" | xargs -0 -r sha256sum --)
}

# ---- what is already there -----------------------------------------------------------
mkdir -p "$data_dir"
declare -a present=() need=()
for p in "${paths[@]}"; do
    if [ -f "$data_dir/$p" ]; then present+=("$p"); else need+=("$p"); fi
done
n_ok=0
n_refetch=0
if [ ${#present[@]} -gt 0 ]; then
    declare -A got=()
    while read -r h p; do got[$p]=$h; done < <(hash_files "$data_dir" "${present[@]}")
    for p in "${present[@]}"; do
        if [ "${got[$p]:-}" = "${hash[$p]}" ] || [ "${got[$p]:-}" = "${mirror_hash[$p]}" ]; then
            n_ok=$((n_ok + 1))
        else
            need+=("$p")
            n_refetch=$((n_refetch + 1))
        fi
    done
fi
if [ ${#need[@]} -eq 0 ]; then
    echo "$prog: all ${#paths[@]} files present and verified in $data_dir"
    exit 0
fi

# ---- fetch into a staging directory inside DATA_DIR (same file system: rename is atomic)
stage=$(mktemp -d "$data_dir/.fetch.XXXXXX")
trap 'chmod -R u+rwX "$stage" 2>/dev/null; rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM

declare -A origin=() problem=()
declare -a from_mirror=() to_download=()
for p in "${need[@]}"; do
    if [ -n "$mirror" ] && [ -f "$mirror/$p" ]; then
        from_mirror+=("$p")
        origin[$p]=mirror
    elif [ -n "${url[$p]:-}" ]; then
        to_download+=("$p")
        origin[$p]=url
    else
        problem[$p]="not in the mirror (${mirror:-none given}) and no download URL; see datasets/README.md"
    fi
done

if [ ${#from_mirror[@]} -gt 0 ]; then
    (cd "$mirror" && printf '%s\0' "${from_mirror[@]}" | xargs -0 -r cp --parents -t "$stage" --) ||
        fail "copying from the mirror $mirror into $stage failed"
    chmod -R u+rwX,go+rX "$stage" # cp keeps the mirror's read-only modes
fi

download() { # url dest
    if command -v curl >/dev/null 2>&1; then
        local bar=-sS
        [ -t 2 ] && bar=--progress-bar
        curl -fL $bar --retry 2 --connect-timeout 30 -o "$2" "$1" 2>"$stage/.err"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1" 2>"$stage/.err"
    else
        echo "neither curl nor wget is installed" >"$stage/.err"
        return 1
    fi
}
for p in ${to_download[@]+"${to_download[@]}"}; do
    mkdir -p "$stage/$(dir_of "$p")"
    [ -t 2 ] && echo "$prog: downloading ${url[$p]}" >&2
    if ! download "${url[$p]}" "$stage/$p"; then
        problem[$p]="download failed from ${url[$p]}: $(tr '\n' ' ' <"$stage/.err" | cut -c1-200)"
        rm -f "$stage/$p"
    fi
done

# ---- verify --------------------------------------------------------------------------
declare -a fetched=()
for p in "${need[@]}"; do [ -z "${problem[$p]+x}" ] && fetched+=("$p"); done
declare -a verified=()
if [ ${#fetched[@]} -gt 0 ]; then
    declare -A staged=()
    while read -r h p; do staged[$p]=$h; done < <(hash_files "$stage" "${fetched[@]}")
    for p in "${fetched[@]}"; do
        if [ "${origin[$p]}" = mirror ]; then
            want=${mirror_hash[$p]} src="$mirror/$p"
        else
            want=${hash[$p]} src=${url[$p]}
        fi
        have=${staged[$p]:-none}
        if [ "$have" != "$want" ]; then
            size=$(stat -c %s "$stage/$p" 2>/dev/null || echo '?')
            problem[$p]="sha256 mismatch (corrupt or truncated?) from $src: expected $want, got $have ($size bytes)"
            continue
        fi
        if [ -n "${content_hash[$p]:-}" ]; then
            have=$(gzip -dc "$stage/$p" | sha256sum | cut -d' ' -f1) || have=unreadable
            if [ "$have" != "${content_hash[$p]}" ]; then
                problem[$p]="decompressed content sha256 mismatch from $src: expected ${content_hash[$p]}, got $have"
                continue
            fi
        fi
        verified+=("$p")
    done
fi

# ---- install the verified files by rename --------------------------------------------
if [ ${#verified[@]} -gt 0 ]; then
    declare -A by_dir=()
    for p in "${verified[@]}"; do
        if [[ $p == */* ]]; then d=${p%/*}; else d=.; fi
        by_dir[$d]+="$p"$'\n'
    done
    for d in "${!by_dir[@]}"; do
        mkdir -p "$data_dir/$d"
        mapfile -t files <<<"${by_dir[$d]%$'\n'}"
        args=()
        for f in "${files[@]}"; do args+=("$stage/$f"); done
        printf '%s\0' "${args[@]}" | xargs -0 -r mv -f -t "$data_dir/$d" --
    done
fi

n_mirror=0
for p in ${verified[@]+"${verified[@]}"}; do [ "${origin[$p]}" = mirror ] && n_mirror=$((n_mirror + 1)); done
n_dl=$((${#verified[@]} - n_mirror))
summary="${#paths[@]} files: $n_ok already verified, $n_mirror copied from the mirror, $n_dl downloaded"
[ $n_refetch -gt 0 ] && summary="$summary ($n_refetch present files had a wrong hash and were replaced)"

n_bad=${#problem[@]}
if [ "$n_bad" -gt 0 ]; then
    for p in "${need[@]}"; do [ -n "${problem[$p]+x}" ] && break; done
    more=
    [ "$n_bad" -gt 1 ] && more=" [and $((n_bad - 1)) more failing files; $summary]"
    fail "$p: ${problem[$p]}$more"
fi
echo "$prog: $summary -> $data_dir"
