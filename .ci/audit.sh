#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies, asked of PyPI's own vulnerability service
# (the only kind of service CI can reach). A vulnerability found fails CI. A service that cannot
# be reached, or that knows none of the packages (a local mirror), is reported loudly but does
# not fail CI: that is a network fact, not a fact about our dependencies.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
report=$(mktemp /tmp/tonghop-audit.XXXXXX.json)
log=$(mktemp /tmp/tonghop-audit.XXXXXX.log)
trap 'rm -f "$report" "$log"' EXIT
[ -x "$PY" ] || make --no-print-directory .venv/.installed || exit 1  # a fresh clone has no venv yet

# pdfminer.six before 20251230 has known flaws with hostile PDFs (issue 7): checked offline too.
if ! "$PY" - <<'EOF'
import re, sys
pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", open("requirements.lock").read(), re.M))
version = pins.get("pdfminer.six", "0")
if int(version) < 20251230:
    sys.exit(f"audit: pdfminer.six {version} is older than 20251230; update requirements.lock")
EOF
then
  exit 1
fi

# One quick question first: when pypi.org cannot be reached at all, 186 lookups would each wait
# for their own timeout. Any HTTP answer, even 404, means the network is there.
if ! "$PY" - <<'EOF'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=15)
except urllib.error.HTTPError:
    pass
except OSError as error:
    print(f"audit: WARNING — pypi.org cannot be reached ({error}); the dependencies were NOT audited.")
    sys.exit(1)
EOF
then
  exit 0
fi

timeout 900 "$PY" -m pip_audit --timeout 20 --requirement requirements.lock --no-deps --disable-pip --progress-spinner off \
  --vulnerability-service pypi --format json --output "$report" >"$log" 2>&1
status=$?

"$PY" - "$report" "$log" "$status" <<'EOF'
import json, sys
report_path, log_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = open(log_path, encoding="utf-8", errors="replace").read()
try:
    dependencies = json.load(open(report_path))["dependencies"]
except (OSError, ValueError, KeyError):
    dependencies = None
if dependencies is None:
    print(f"audit: WARNING — pip-audit produced no report (exit {status}); the vulnerability service "
          "could not be reached, so the dependencies were NOT audited.\n" + log[-1500:])
    sys.exit(0)
vulnerable = [d for d in dependencies if d.get("vulns")]
audited = [d for d in dependencies if "skip_reason" not in d]
for d in vulnerable:
    for v in d["vulns"]:
        fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
        print(f"audit: {d['name']} {d['version']}: {v['id']} (fixed in {fixed})")
if vulnerable:
    print(f"audit: FAILED — {len(vulnerable)} locked package(s) have known vulnerabilities")
    sys.exit(1)
if not audited:
    print(f"audit: WARNING — the vulnerability service answered for none of the {len(dependencies)} "
          "locked packages (no route to pypi.org, or a mirror without its JSON API); NOT audited.")
    sys.exit(0)
skipped = len(dependencies) - len(audited)
print(f"audit: {len(audited)} locked packages audited, no known vulnerabilities ({skipped} skipped)")
EOF
