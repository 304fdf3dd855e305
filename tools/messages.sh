#!/usr/bin/env bash
# Extract the translatable texts into the two catalogues, then compile them (the .mo files are committed):
#   locale/                  the staff's pages: Swedish and English (Arabic and Somali for the pupil surveys);
#   kring/family/locale/     the family's pages (kring.family, not its staff/ part): ten languages, complete.
# Usage: bash tools/messages.sh [--compile-only]
set -euo pipefail
cd "$(dirname "$0")/.."
export KRING_DEBUG=true DJANGO_SETTINGS_MODULE=kring.settings
FAMILY_LANGUAGES=(sv en ar so fi fa_AF ckb ti uk pl)
if [[ "${1:-}" != "--compile-only" ]]; then
  family_files=(actions.py apps.py documents.py forms.py middleware.py models.py queries.py signals.py views.py words.py)
  ignores=(--ignore=.venv --ignore='kring/family/templates/*' --ignore='kring/family/eid/*' --ignore='kring/family/templatetags/*' --ignore='kring/family/locale/*')
  for name in "${family_files[@]}"; do ignores+=(--ignore="kring/family/$name"); done
  .venv/bin/kring makemessages -l sv -l en -l ar -l so "${ignores[@]}"
  (cd kring/family && ../../.venv/bin/django-admin makemessages "${FAMILY_LANGUAGES[@]/#/-l}" \
    --ignore='staff/*' --ignore='management/*' --ignore='migrations/*' --ignore='eid/testprovider.py')
  sed -i '/^#| /d' locale/*/LC_MESSAGES/django.po kring/family/locale/*/LC_MESSAGES/django.po
fi
.venv/bin/kring compilemessages --ignore=.venv
