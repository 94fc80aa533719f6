#!/usr/bin/env bash
# Set up and run the app on the embedded SQLite database with demo data (development mode).
source "$(dirname "$0")/_venv.sh" app
export SURVEY_ENV=${SURVEY_ENV:-development}
survey setup
survey demo
echo
echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops)"
exec survey run --host 127.0.0.1 --port 5000
