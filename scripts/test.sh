#!/usr/bin/env bash
# Run the whole test suite: SQLite always; PostgreSQL at 127.0.0.1:5432 (or TEST_PG_URL);
# browser tests in Debian's chromium. Extra arguments go to pytest.
source "$(dirname "$0")/_venv.sh" test
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The checks first, each failing the run on any finding: the import contracts (pyproject.toml,
# [tool.importlinter]), ruff and mypy strict ([tool.ruff], [tool.mypy]); then the tests.
set -e
lint-imports --no-cache
ruff check survey exports tests bench
mypy
exec python -m pytest -p no:cacheprovider "$@"
