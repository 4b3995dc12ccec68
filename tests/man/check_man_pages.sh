#!/bin/sh
# check_man_pages.sh MEMPROF MANDIR
#
# For memprof and each subcommand that `memprof --help` lists:
#   - MANDIR/memprof-CMD.1 (MANDIR/memprof.1 for memprof itself) exists;
#   - every long option on an option line of `memprof [CMD] --help` appears in that page;
#   - memprof.1 names the subcommand;
#   - groff -man -ww -z prints no warnings for the page (skipped without groff).
# Prints every problem, exits 1 if there was one.
set -u
memprof=$1
mandir=$2
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Page text with roff escapes normalised: '\-' is '-', font changes and '\&' vanish.
page_text() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f\[[A-Z]*\]//g' -e 's/\\&//g' "$1"
}

# Long options defined on the option lines of a --help text (lines starting with blanks and a
# dash: "  -n,--rows UINT", "  --format TEXT"). Descriptions and footers are not scanned.
# --help, which every command has, need not be in every page.
long_options() {
  grep -E '^[[:space:]]+-' | sed -E 's/^[[:space:]]+//; s/[[:space:]].*$//' | tr ',' '\n' |
    grep -E '^--[a-z]' | sed -E 's/[^a-z0-9-].*$//' | grep -vx -- '--help' | sort -u
}

# Subcommands: the first word of each indented line after the SUBCOMMANDS: heading.
subcommands() {
  awk 'toupper($0) ~ /^SUBCOMMANDS:/ { in_list = 1; next }
       in_list && /^[^[:space:]]/ { in_list = 0 }
       in_list && /^[[:space:]]+[a-z]/ { print $1 }'
}

check_page() {  # check_page PAGE HELP_TEXT_FILE
  page=$1
  help=$2
  if [ ! -f "$page" ]; then
    fail "$page: missing"
    return
  fi
  text=$(page_text "$page")
  options=$(long_options < "$help")
  if [ -z "$options" ]; then
    fail "$page: no long options found in the --help output (format changed?)"
  fi
  for option in $options; do
    if ! printf '%s\n' "$text" | grep -qE -- "${option}([^a-z0-9-]|\$)"; then
      fail "$page: does not document $option"
    fi
  done
  if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -ww -z "$page" 2>&1)
    if [ -n "$warnings" ]; then
      fail "$page: groff warnings:"
      printf '%s\n' "$warnings"
    fi
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$memprof" --help > "$tmp/help" 2>&1; then
  fail "memprof --help failed"
  cat "$tmp/help"
fi
check_page "$mandir/memprof.1" "$tmp/help"
[ -x "$(command -v groff)" ] || echo "groff not installed: skipping the groff warning checks"

commands=$(subcommands < "$tmp/help")
if [ -z "$commands" ]; then
  fail "memprof --help lists no subcommands (format changed?)"
fi
main_text=$(page_text "$mandir/memprof.1" 2>/dev/null)
for cmd in $commands; do
  if ! "$memprof" "$cmd" --help > "$tmp/help-$cmd" 2>&1; then
    fail "memprof $cmd --help failed"
    cat "$tmp/help-$cmd"
    continue
  fi
  check_page "$mandir/memprof-$cmd.1" "$tmp/help-$cmd"
  if ! printf '%s\n' "$main_text" | grep -qE -- "memprof-${cmd}([^a-z0-9-]|\$)"; then
    fail "$mandir/memprof.1: no reference to memprof-$cmd"
  fi
  echo "memprof $cmd: $(printf '%s\n' $(long_options < "$tmp/help-$cmd") | wc -l) long options checked"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures problem(s)"
  exit 1
fi
echo "all man pages in sync"
