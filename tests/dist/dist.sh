#!/usr/bin/env bash
# The release check, as CI runs it (TAP on stdout, exit status 1 on any failure):
#
#   1. copy the source tree, regenerate the build system (autoreconf -fi) as a fresh clone
#      would, and run `make distcheck` (which builds from the tarball in a read-only source
#      tree, runs the whole test suite there, installs, uninstalls and cleans);
#   2. check that every file under tests/, doc/, themes/, completion/ and debian/ is in the
#      tarball;
#   3. build the Debian package from the unpacked tarball with `dpkg-buildpackage -us -uc -b`;
#   4. unpack the .deb into a temporary root (dpkg-deb -x) and check the binary, the man
#      page, the docs, the completions and the themes are where they belong, that the binary
#      runs, and that the man page documents every command and global option of --help.
#
# Usage: tests/dist/dist.sh [--no-distcheck]    (--no-distcheck: `make dist` only, faster)
# Environment: JOBS (make -j, default 2), ONDECK_KEEP_TMP=1 keeps the work directory.
# Needs the build dependencies plus dpkg-dev, debhelper, fakeroot and man-db; distcheck runs
# the test suite, so moto too (see doc/testing.md).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/lib/tap.sh"

DISTCHECK=1
case ${1:-} in
--no-distcheck) DISTCHECK=0 ;;
"") ;;
*) echo "usage: $0 [--no-distcheck]" >&2; exit 2 ;;
esac
JOBS=${JOBS:-2}
W=$TAP_TMPDIR
unset MAKEFLAGS MFLAGS DESTDIR

# show_log FILE: the failed tests named in a log (distcheck runs the whole suite), then its
# end, as TAP comments.
show_log()
{
    local failed
    failed=$(grep -E '^(FAIL|ERROR|XPASS): ' "$1" | head -n 20)
    [ -z "$failed" ] || tap_diag "--- failed in $1:" "$failed"
    tap_diag "--- last lines of $1:" "$(tail -n 40 "$1")"
}

for tool in autoreconf dpkg-buildpackage dpkg-deb man objdump zsh tmux lintian; do
    command -v "$tool" >/dev/null 2>&1 || tap_bail "$tool is not installed (quickstart.sh installs it: apt-get install autoconf automake dpkg-dev debhelper fakeroot man-db binutils zsh tmux lintian)"
done

# --- 1. a copy of the tree, then make distcheck --------------------------------------------
mkdir -p "$W/tree" "$W/build"
tar -C "$SRC" --exclude=./.git --exclude='./build*' --exclude=./.quickstart \
    --exclude=./autom4te.cache --exclude=./config.status --exclude=./config.log \
    --exclude=./debian/.debhelper --exclude=./debian/ondeck -cf - . | tar -C "$W/tree" -xf -
copied="${PIPESTATUS[0]} ${PIPESTATUS[1]}"
tap_is "$copied" "0 0" "the source tree is copied (both ends of the tar pipe succeed)"
(cd "$W/tree" && autoreconf -fi) >"$W/autoreconf.log" 2>&1
tap_ok $? "autoreconf -fi regenerates the build system" || show_log "$W/autoreconf.log"
(cd "$W/build" && "$W/tree/configure" -q) >"$W/configure.log" 2>&1
tap_ok $? "configure succeeds" || show_log "$W/configure.log"
if [ "$DISTCHECK" = 1 ]; then
    # The tests distcheck runs from the tarball: mk/dist.am's DISTCHECK_TESTS (the whole
    # suite has run twice before this, plain and under ASan).
    dtests=$(make -s -C "$W/build" distcheck-tests)
    tap_like "$dtests" 'tests/unit/test_.* tests/cli/harness.sh' "distcheck's test list names the unit tests and the integration tests"
    make -C "$W/build" -j"$JOBS" distcheck TESTS="$dtests" >"$W/distcheck.log" 2>&1
    tap_ok $? "make distcheck passes (build, tests, install and uninstall from the tarball)" ||
        show_log "$W/distcheck.log"
else
    make -C "$W/build" -j"$JOBS" dist >"$W/distcheck.log" 2>&1
    tap_ok $? "make dist (distcheck skipped by --no-distcheck)" || show_log "$W/distcheck.log"
fi
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$W/build/Makefile")
tarball=$W/build/ondeck-$version.tar.gz
[ -f "$tarball" ] || tap_bail "no tarball ondeck-$version.tar.gz"

# --- 2. what the tarball must carry ----------------------------------------------------------
tar -tzf "$tarball" | sed "s|^ondeck-$version/||" | sort >"$W/tarball.list"
if [ -d "$SRC/.git" ] && command -v git >/dev/null 2>&1; then
    git -C "$SRC" ls-files -- tests doc themes completion debian >"$W/source.list"
else
    (cd "$SRC" && find tests doc themes completion debian -type f 2>/dev/null) >"$W/source.list"
fi
missing=$(sort "$W/source.list" | comm -23 - "$W/tarball.list")
tap_is "$missing" "" "every file under tests/ doc/ themes/ completion/ debian/ is in the tarball"
[ -z "$missing" ] || tap_diag "add them to EXTRA_DIST in the owning mk/*.am"

# --- 3. the Debian package from the tarball -------------------------------------------------
mkdir -p "$W/deb"
tar -C "$W/deb" -xzf "$tarball"
pkgdir=$W/deb/ondeck-$version
(cd "$pkgdir" && dpkg-checkbuilddeps) >"$W/builddeps.log" 2>&1
tap_ok $? "the Debian build dependencies are installed" || show_log "$W/builddeps.log"
(cd "$pkgdir" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -j"$JOBS") \
    >"$W/dpkg-buildpackage.log" 2>&1
tap_ok $? "dpkg-buildpackage -us -uc -b builds the package" || show_log "$W/dpkg-buildpackage.log"
deb=$(ls "$W/deb"/ondeck_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || tap_bail "no ondeck_${version}_*.deb was built"
tap_diag "package: ${deb##*/}"

depends=$(dpkg-deb -f "$deb" Depends)
tap_diag "Depends: $depends"
for lib in libc6 libcurl4 libcjson1 libxml2 'libssl3|libssl1.1'; do
    tap_like "$depends" "(^|, )($lib)( |,|$)" "the package depends on $lib (from \${shlibs:Depends})"
done
needed=$(objdump -p "$pkgdir/debian/ondeck/usr/bin/ondeck" 2>&1 | grep NEEDED)
tap_like "$needed" 'NEEDED +libncursesw' "the packaged binary links ncursesw (the console)"
tap_like "$depends" "libncursesw6" "the console's ncursesw is a dependency"

# --- 4. installed into a temporary root -----------------------------------------------------
R=$W/root
dpkg-deb -x "$deb" "$R"
tap_ok $? "dpkg-deb -x unpacks the package"
tap_ok '[ -x "$R/usr/bin/ondeck" ]' "the binary is in /usr/bin"
tap_ok '[ -f "$R/usr/share/man/man1/ondeck.1.gz" ]' "the man page is in /usr/share/man/man1"
tap_ok '[ -f "$R/usr/share/doc/ondeck/ondeck.conf.example" ] || [ -f "$R/usr/share/doc/ondeck/ondeck.conf.example.gz" ]' \
    "the example config is in /usr/share/doc/ondeck"
tap_ok '[ -f "$R/usr/share/doc/ondeck/copyright" ]' "the copyright file is installed"
for d in configuration.md json-output.md security.md; do
    tap_ok '[ -f "$R/usr/share/doc/ondeck/$d" ] || [ -f "$R/usr/share/doc/ondeck/$d.gz" ]' \
        "doc/$d is installed in /usr/share/doc/ondeck"
done
tap_ok '[ -f "$R/usr/share/bash-completion/completions/ondeck" ]' "bash completion is installed as .../completions/ondeck"
tap_ok '[ -f "$R/usr/share/zsh/vendor-completions/_ondeck" ]' "zsh completion is installed as .../vendor-completions/_ondeck"
tap_ok 'grep -q "^_ondeck_themedir=./usr/share/ondeck/themes.$" "$R/usr/share/bash-completion/completions/ondeck"' \
    "the installed completion knows the installed themes directory"
bash -n "$R/usr/share/bash-completion/completions/ondeck"
tap_ok $? "the bash completion parses"
zsh -n "$R/usr/share/zsh/vendor-completions/_ondeck"
tap_ok $? "the zsh completion parses"

# Themes: every theme of the source tree is installed, where the binary looks for it.
themes=$(cd "$W/tree" && ls themes/*.theme 2>/dev/null)
tap_ok '[ -n "$themes" ]' "the tree has themes (themes/*.theme)"
{
    missing=
    for t in $themes; do
        [ -f "$R/usr/share/ondeck/themes/${t##*/}" ] || missing="$missing ${t##*/}"
    done
    tap_is "$missing" "" "every theme is installed in /usr/share/ondeck/themes"
    tap_ok 'grep -aqF /usr/share/ondeck/themes "$R/usr/bin/ondeck"' \
        "the binary looks for its themes in /usr/share/ondeck/themes"
    # A path of the build tree compiled into the package would be looked up on users'
    # machines (where anyone may create it, e.g. under /tmp) and makes the build
    # irreproducible.
    tap_ok '! grep -aqF "$pkgdir" "$R/usr/bin/ondeck"' \
        "the packaged binary holds no path of the tree it was built in"
    # Loading a theme needs the console on a terminal: checked by the console's tests with
    # ONDECK_THEMEDIR; here, the files and the compiled-in directory agree.
}

changelog_version=$(cd "$pkgdir" && dpkg-parsechangelog -S Version)
tap_is "$changelog_version" "$version" "debian/changelog's version matches configure.ac's"
# Nothing of the build tree may help the installed binary from here on.
rm -rf "$pkgdir"

# The installed binary runs (its shared libraries are this machine's).
out=$("$R/usr/bin/ondeck" --help 2>&1)
tap_ok $? "the installed ondeck --help exits 0"
tap_like "$out" "^usage: ondeck" "and prints the usage"
tap_is "$("$R/usr/bin/ondeck" --version 2>&1)" "ondeck $version" "ondeck --version matches the package"

# The installed man page renders cleanly and documents what --help lists.
man_txt=$(MANWIDTH=100 MAN_KEEP_FORMATTING= man --warnings -l "$R/usr/share/man/man1/ondeck.1.gz" 2>"$W/man.err")
tap_ok $? "man -l renders the installed page"
tap_is "$(cat "$W/man.err")" "" "with no groff warnings"
tap_like "$man_txt" "EXIT STATUS" "the man page has an EXIT STATUS section"
missing=
for c in $(awk '/^Commands:/ { f = 1; next } f && /^$/ { exit } f { print $1 }' <<<"$out"); do
    grep -Eq "^   $c\$" <<<"$man_txt" || missing="$missing $c"
done
tap_is "$missing" "" "every command of ondeck --help has its own subsection in the man page"
missing=
for o in $(awk '/^Global options:/ { f = 1; next } f && /^$/ { exit } f' <<<"$out" |
    sed 's/^  //; s/  .*//' | tr -d ',' | grep -oE -- '--[a-z-]+'); do
    grep -qF -- "$o" <<<"$man_txt" || missing="$missing $o"
done
tap_is "$missing" "" "every global option of ondeck --help is in the man page"
for s in 0 1 2 3; do
    tap_like "$man_txt" $'\n       '"$s"' +[A-Z]' "the man page explains exit status $s"
done

# `make install` into a prefix, the build tree gone: the installed console loads a theme that
# exists only in the installed themes directory.
{
    inst=$W/prefix
    ib=$W/instbuild
    mkdir -p "$ib"
    if (cd "$ib" && "$W/tree/configure" --prefix="$inst" -q >/dev/null 2>&1 &&
        make -j2 >/dev/null 2>&1 && make install >/dev/null 2>&1); then
        rm -rf "$ib"
        sock=$W/tmux.sock
        env -u ONDECK_THEMEDIR XDG_CONFIG_HOME="$W/noconfig" HOME="$W/nohome" \
            AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y AWS_REGION=us-east-1 \
            AWS_EC2_METADATA_DISABLED=true LANG=C.UTF-8 \
            tmux -S "$sock" new-session -d -x 100 -y 20 \
            "$inst/bin/ondeck --theme high-contrast --endpoint-url http://127.0.0.1:9 2>$W/theme.err; echo EXIT=\$?; sleep 30"
        shown=
        for _ in $(seq 100); do
            shown=$(tmux -S "$sock" capture-pane -p 2>/dev/null)
            grep -q 'ondeck\|EXIT=' <<<"$shown" && break
            sleep 0.1
        done
        tmux -S "$sock" send-keys q 2>/dev/null
        sleep 0.5
        tmux -S "$sock" kill-server 2>/dev/null
        tap_ok '! grep -q EXIT=2 <<<"$shown" && grep -q "ondeck" <<<"$shown"' \
            "the installed console finds its installed theme (high-contrast) with no build tree"
        tap_diag "$(cat "$W/theme.err" 2>/dev/null)"
    else
        tap_ok 1 "make install into a prefix"
    fi
}

{
    lintian --tag-display-limit 0 "$deb" >"$W/lintian.log" 2>&1
    tap_diag "lintian: $(grep -c '^[EW]:' "$W/lintian.log") errors and warnings"
    tap_diag "$(grep '^[EW]:' "$W/lintian.log" | head -n 20)"
    tap_is "$(grep -c '^E:' "$W/lintian.log")" 0 "lintian reports no errors"
}
tap_done
