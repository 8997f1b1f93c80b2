#!/usr/bin/env bash
# The Dockerfile's build without Docker: production dependencies only, the `select` stage's
# layout for each app, and each bundle starting far enough to load every module it needs
# (it then stops on the invalid configuration, naming it, with exit code 78).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

test -f dist/apps/gateway/src/main.js || { echo "dist/ is missing: npm run build first" >&2; exit 1; }
node -e '
  const p = require("./package.json");
  delete p.devDependencies; delete p.workspaces; delete p.scripts;
  require("fs").writeFileSync(process.argv[1] + "/package.json", JSON.stringify(p, null, 2));
' "$work"
cp package-lock.json "$work/"
(cd "$work" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

passed=0 failed=0
for app in gateway auth user strategy trading risk broker nocode notification ops; do
  out="$work/image-$app"
  mkdir -p "$out/dist"
  ln -s "$work/node_modules" "$out/node_modules"
  cp -a dist/libs "$out/dist/"
  if [[ $app == ops ]]; then cp -a dist/tools "$out/dist/"; main=dist/tools/ops/main.js; args=(provision)
  else mkdir -p "$out/dist/apps" && cp -a "dist/apps/$app" "$out/dist/apps/"; main="dist/apps/$app/src/main.js"; args=()
  fi
  set +e
  log=$(cd "$out" && env -i PATH="$PATH" PORT=not-a-port timeout 30 node "$main" "${args[@]}" 2>&1)
  code=$?
  set -e
  if [[ $code == 78 && $log == *"Invalid configuration"* ]]; then
    passed=$((passed + 1)); echo "PASS  $app bundle loads with production dependencies"
  else
    failed=$((failed + 1)); echo "FAIL  $app bundle (exit $code):"; echo "$log" | head -20
  fi
done
echo "docker bundles: $passed passed, $failed failed"
[[ $failed == 0 ]]
