#!/usr/bin/env bash
# Creates benchmarks/.venv-peers with nomenklatura, for comparing its matchers on the same rows.
# nomenklatura is a benchmark-only peer: it is not a dependency of proscribe.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
"$python" -m venv "$here/.venv-peers"
"$here/.venv-peers/bin/pip" install --quiet --upgrade pip
"$here/.venv-peers/bin/pip" install --quiet "nomenklatura>=4.17"
"$here/.venv-peers/bin/python" -c "import nomenklatura; print('nomenklatura', nomenklatura.__version__ if hasattr(nomenklatura, '__version__') else 'installed')"
