"""Cold-start benchmark: each Lambda handler's import + client creation, as a ratio to
the floor every Python Lambda pays (`import boto3` + creating the same clients),
measured in fresh interpreters, interleaved, in the same run (these machines are noisy).

It runs in a venv holding only the runtime dependencies of uv.lock, as a Lambda zip
does (the dev venv has moto's Flask and friends, which some libraries import if present).

    make bench            # or: .venv/bin/python scripts/bench.py --runs 7
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from package import export_requirements, find_uv  # scripts/package.py: the same pins as the zips

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_VENV = ROOT / ".tools" / "lambda-runtime"
RESOURCES = json.loads((ROOT / "src" / "shop" / "resources.json").read_text())
CLIENTS = {"users": ["dynamodb", "cognito-idp", "sns"], "meta": []}
DEFAULT_CLIENTS = ["dynamodb"]
BUDGET_RATIO = 1.3

PROBE = """
import time, sys
start = time.perf_counter()
{body}
print(time.perf_counter() - start)
"""


def handlers() -> list[tuple[str, str, list[str]]]:
    found = []
    for name, service in sorted(RESOURCES["services"].items()):
        clients = CLIENTS.get(name, DEFAULT_CLIENTS)
        for kind in ("http_handler", "events_handler"):
            if service.get(kind):
                found.append((f"{name}:{kind.split('_')[0]}", service[kind], clients))
    found.append(("outbox-relay", RESOURCES["outbox_relay"]["handler"], ["dynamodb", "sns"]))
    return found


def runtime_python() -> Path:
    """A venv with exactly the Lambda runtime dependencies, rebuilt when uv.lock changes."""
    python = RUNTIME_VENV / "bin" / "python"
    stamp = RUNTIME_VENV / "uv.lock.sha256"
    lock = hashlib.sha256((ROOT / "uv.lock").read_bytes()).hexdigest()
    if not python.exists() or not stamp.exists() or stamp.read_text() != lock:
        print(f"building {RUNTIME_VENV} from uv.lock (runtime dependencies only)...", flush=True)
        uv = find_uv()
        with tempfile.TemporaryDirectory() as tmp:
            requirements = Path(tmp) / "requirements.txt"
            export_requirements(uv, requirements)
            subprocess.run([uv, "venv", "--quiet", "--allow-existing", RUNTIME_VENV], check=True)
            install = [uv, "pip", "install", "--quiet", "--python", python, "-r", requirements]
            subprocess.run(install, check=True)
        stamp.write_text(lock)
    return python


def measure(python: Path, body: str) -> float:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "src"),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        SHOP_CURSOR_SECRET="bench",
    )
    # Cached .pyc for the floor and the handler alike (the warm-up run of each target writes
    # them), never a compile inside a measurement: what precompiled zips would give on Lambda.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in RESOURCES["services"]:
        env[f"{name.upper()}_TABLE_NAME"] = f"shop-{name}"
    env.update(
        SHOP_EVENTS_TOPIC_ARN="arn:aws:sns:us-east-1:000000000000:events", SHOP_API_URL="http://127.0.0.1:9"
    )
    env.update(USER_POOL_ID="us-east-1_bench", USER_POOL_CLIENT_ID="bench")
    out = subprocess.run(
        [python, "-c", PROBE.format(body=body)], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def baseline_body(clients: list[str]) -> str:
    creates = "".join(f"; boto3.session.Session().client({c!r}, region_name='us-east-1')" for c in clients)
    return "import boto3" + creates


def handler_body(dotted: str, clients: list[str]) -> str:
    module, attribute = dotted.rsplit(".", 1)
    creates = "".join(f"; client({c!r})" for c in clients)
    return f"from {module} import {attribute}; from shop.platform.aws import client" + creates


def main() -> int:
    parser = argparse.ArgumentParser(description="Lambda cold-start benchmark")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per measurement")
    args = parser.parse_args()
    rows = []
    python = runtime_python()
    targets = handlers()
    print(f"measuring {len(targets)} handlers x {args.runs} runs (fresh interpreter each)...", flush=True)
    for label, dotted, clients in targets:
        measure(python, baseline_body(clients or ["dynamodb"]))  # warm-up: writes any missing .pyc
        measure(python, handler_body(dotted, clients))
        baseline, handler = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            baseline.append(measure(python, baseline_body(clients or ["dynamodb"])))
            handler.append(measure(python, handler_body(dotted, clients)))
        base, own = statistics.median(baseline), statistics.median(handler)
        rows.append((label, base, own, own / base))
        print(f"  {label:<18} floor {base * 1e3:6.0f} ms handler {own * 1e3:6.0f} ms ratio {own / base:4.2f}")
    worst = max(rows, key=lambda row: row[3])
    over = [row[0] for row in rows if row[3] > BUDGET_RATIO]
    print(f"\nworst: {worst[0]} at {worst[3]:.2f}x the floor (budget {BUDGET_RATIO}x)")
    print(f"over budget: {', '.join(over) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
