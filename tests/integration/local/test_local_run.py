"""`python -m shop.local` as a user runs it: 503 until seeded, one access line per request
(JSON with --log-format json), a banner that tells only the truth, and SIGTERM stopping
everything, worker processes included, within 5 seconds whatever is running."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

pytestmark = [pytest.mark.integration, pytest.mark.slow]

STOP_SECONDS = 5.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], Path]:
    log = tmp_path / "stderr.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "shop.local", *args],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        env={**os.environ, **(env or {})},
    )
    return process, log


@pytest.fixture
def stop_at_the_end() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serves_once_seeded_logs_each_request_and_stops_on_sigterm(
    tmp_path: Path, stop_at_the_end: list[subprocess.Popen[str]]
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process, log = _start(tmp_path, "--port", str(port), "--log-format", "json")
    stop_at_the_end.append(process)
    answers = _health_until_ok(url, process)
    assert ("starting", 503) in answers  # while provisioning and seeding
    assert answers[-1] == ("ok", 200)
    banner = _banner(process)
    assert "Admin:         admin@example.com / Admin12345" in banner

    products = requests.get(f"{url}/products", headers={"X-Request-Id": "corr-123"}, timeout=30)
    assert products.status_code == 200
    # The access line is written once the answer is sent: on a busy machine, a moment after.
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        access = [line for line in lines if line.get("correlation_id") == "corr-123"]
        if access or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(access) == 1
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/products"
    assert access[0]["status"] == 200
    assert access[0]["ms"] > 0
    assert any(line["message"].startswith("REPORT RequestId") for line in lines)

    family = psutil.Process(process.pid).children(recursive=True)
    assert len(family) >= 3  # moto and some functions' environments
    with ThreadPoolExecutor(max_workers=8) as pool:  # busy: checkouts of nobody, catalog reads
        for _ in range(8):
            pool.submit(_swallow_errors, f"{url}/products?limit=100")
        time.sleep(0.3)
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(STOP_SECONDS + 5)
        stopped_in = time.monotonic() - began
    assert stopped_in < STOP_SECONDS
    assert process.returncode == 0
    _gone, alive = psutil.wait_procs(family, timeout=0.5)
    assert not alive, f"left running: {alive}"
    assert "Traceback" not in log.read_text()


def test_a_seed_that_cannot_set_up_the_admin_stops_with_an_error_and_no_password(
    tmp_path: Path, stop_at_the_end: list[subprocess.Popen[str]]
) -> None:
    process, log = _start(tmp_path, "--port", "0", env={"SHOP_ADMIN_PASSWORD": "short"})
    stop_at_the_end.append(process)
    out, _ = process.communicate(timeout=180)
    assert process.returncode == 4
    assert "Admin:" not in out
    assert "short" not in out
    assert "seeding failed" in log.read_text()


def test_no_seed_prints_no_admin_credentials(
    tmp_path: Path, stop_at_the_end: list[subprocess.Popen[str]]
) -> None:
    process, _log = _start(tmp_path, "--port", "0", "--no-seed")
    stop_at_the_end.append(process)
    banner = _banner(process)
    assert "Shop API:" in banner
    assert "Admin" not in banner
    assert "Seed" not in banner
    process.send_signal(signal.SIGINT)  # as Ctrl-C
    assert process.wait(STOP_SECONDS + 5) == 0


def _health_until_ok(url: str, process: subprocess.Popen[str]) -> list[tuple[str, int]]:
    answers: list[tuple[str, int]] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            response = requests.get(f"{url}/health", timeout=30)
        except requests.ConnectionError:
            time.sleep(0.1)
            continue
        answers.append((response.json()["status"], response.status_code))
        if response.status_code == 200:
            return answers
        assert response.headers["Retry-After"] == "1"
        time.sleep(0.1)
    pytest.fail(f"not serving: {answers[-3:]}, exit code {process.poll()}")


def _banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "Stop with Ctrl-C.":
        line = process.stdout.readline()
        assert line, f"the stack exited: {process.wait()}"
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)


def _swallow_errors(url: str) -> None:
    with contextlib.suppress(requests.RequestException):  # the stack stops under it: the point
        requests.get(url, timeout=10)
