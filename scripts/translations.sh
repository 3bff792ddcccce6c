#!/usr/bin/env bash
# The translation workflow: English msgids in the code, zh_CN (default, complete) and en.
#
#   bash scripts/translations.sh extract   # code and templates -> translations/messages.pot
#   bash scripts/translations.sh init      # create the catalogue of a locale that has none
#   bash scripts/translations.sh update    # messages.pot -> zh_CN and en messages.po
#   bash scripts/translations.sh compile   # messages.po -> messages.mo (committed); fails on errors
#   bash scripts/translations.sh all       # extract + init + update + compile
#
# After `all`, fill the new empty msgstr of translations/zh_CN/LC_MESSAGES/messages.po and run
# `compile` again; tests/test_translations.py fails while one is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL=${PYBABEL:-.venv/bin/pybabel}
# tests/test_translations.py extracts into a temporary POT_FILE and compares it with ours.
POT=${POT_FILE:-translations/messages.pot}
LOCALES=(zh_CN en)

extract() {
    # babel.cfg names the sources (app, models, migrations) relative to the repo root, so
    # pybabel walks "." (it skips .venv, .git and other dot directories).
    # --no-location and --sort-output keep diffs to the strings themselves; the new template
    # replaces the old one only when a msgid changed, so its POT-Creation-Date (copied into
    # every .po by `update`) does not churn on each run.
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    local version
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
    "$PYBABEL" --quiet extract -F translations/babel.cfg \
        -k _l -k N_ -k lazy_gettext -k _ \
        -k pgettext:1c,2 -k lazy_pgettext:1c,2 -k _lp:1c,2 \
        --no-location --sort-output \
        --project=Bianmin --version="$version" --copyright-holder=Bianmin \
        -o "$tmp" .
    if [[ -f "$POT" ]] && diff -q \
        <(grep -v '^"POT-Creation-Date:' "$POT") \
        <(grep -v '^"POT-Creation-Date:' "$tmp") >/dev/null; then
        echo "$POT is up to date"
    else
        cp "$tmp" "$POT"
        echo "wrote $POT"
    fi
}

init() {
    local locale
    for locale in "${LOCALES[@]}"; do
        if [[ ! -f "translations/$locale/LC_MESSAGES/messages.po" ]]; then
            "$PYBABEL" init -i "$POT" -d translations -l "$locale"
        fi
    done
}

update() {
    init
    local locale
    for locale in "${LOCALES[@]}"; do
        # No fuzzy matching: a guessed translation of a neighbouring string is worse than
        # an empty one, which the tests report. Removed strings are dropped, not kept as #~.
        "$PYBABEL" update -i "$POT" -d translations -l "$locale" \
            --no-fuzzy-matching --ignore-obsolete
    done
}

compile() {
    # Without --use-fuzzy: a fuzzy entry is left out, and pybabel exits non-zero on errors
    # (e.g. a placeholder of the msgid missing from the msgstr).
    local locale
    for locale in "${LOCALES[@]}"; do
        "$PYBABEL" compile -d translations -l "$locale" --statistics
    done
}

case "${1:-}" in
    extract) extract ;;
    init) init ;;
    update) update ;;
    compile) compile ;;
    all) extract; update; compile ;;
    *)
        echo "usage: $0 extract|init|update|compile|all" >&2
        exit 2
        ;;
esac
