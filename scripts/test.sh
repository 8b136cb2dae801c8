#!/usr/bin/env bash
# Runs the whole build with unit and integration tests. Extra arguments go to Maven,
# e.g. scripts/test.sh -Dit.test=SupportSmokeIT
# Set FERRY_SKIP_DEPS=1 to skip the dependency check (machines without apt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${FERRY_SKIP_DEPS:-0} != 1 ]]; then
  scripts/install-deps.sh
fi
exec mvn -B verify "$@"
