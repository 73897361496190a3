"""N simulated kiosks against hall-sim and a local Prometheus, for scripts/fleet-sim.

Each simulated kiosk does what a real one does towards the hall's servers, with the same
bytes: every 60 s its upkeep round (GET /kiosk/v1/catalog with the ETag it holds, then POST
/kiosk/v1/heartbeat with a real kiosk's body), and it serves a real kiosk's /metrics text
(packaging/monitoring/sample.metrics) on its own loopback port for Prometheus to scrape.
The kiosks start spread over the first round, as a fleet's boot times are.

Writes one JSON object to --out when the run ends (requests sent and answered, the backend's
request rate, latency, failures) and goes on serving /metrics until it is stopped, so that
Prometheus' figures are read while every kiosk still answers.
"""

import argparse
import asyncio
import json
import os
import random
import time

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

ROUND_S = 60


def heartbeat_body(kiosk_id, started):
    # The shape of HallLink::heartbeat (hall/src/link.rs), as a healthy kiosk sends it.
    return {
        "kiosk_id": kiosk_id,
        "version": "0.1.0",
        "uptime_s": int(time.monotonic() - started),
        "devices": {
            "printer": "ready",
            "idcard": "ready",
            "scanner": "ready",
            "out_of_service": False,
            "insecure_http": False,
            "lamp": "green",
            "alerts": [],
        },
        "outbox": {"pending": 0, "dead": 0},
    }


class Fleet:
    def __init__(self, args):
        self.args = args
        self.sent = 0
        self.answered = 0
        self.failed = {}
        self.latencies = []

    def fail(self, what):
        self.failed[what] = self.failed.get(what, 0) + 1

    async def request(self, session, method, path, kiosk_id, etag=None, body=None):
        headers = {
            "Authorization": f"Bearer {self.args.token}",
            "X-Kiosk-Id": kiosk_id,
        }
        if etag:
            headers["If-None-Match"] = etag
        self.sent += 1
        t = time.monotonic()
        try:
            async with session.request(
                method, self.args.backend + path, headers=headers, json=body
            ) as r:
                await r.read()
                if r.status in (200, 204, 304):
                    self.answered += 1
                    self.latencies.append(time.monotonic() - t)
                    return r.headers.get("ETag")
                self.fail(f"{path} {r.status}")
        except Exception as e:  # a refused connection or a timeout is counted, not fatal
            self.fail(f"{path} {type(e).__name__}")
        return None

    async def kiosk(self, n, session, deadline):
        kiosk_id = f"SIM-{n:05d}"
        started = time.monotonic()
        etag = None
        await asyncio.sleep(min(random.uniform(0, ROUND_S), max(0.0, deadline - time.monotonic())))
        while time.monotonic() < deadline:
            t = time.monotonic()
            etag = await self.request(session, "GET", "catalog", kiosk_id, etag) or etag
            await self.request(
                session, "POST", "heartbeat", kiosk_id, body=heartbeat_body(kiosk_id, started)
            )
            now = time.monotonic()
            await asyncio.sleep(max(0.0, min(ROUND_S - (now - t), deadline - now)))


async def serve_metrics(args):
    text = open(args.metrics_file, "rb").read()

    async def metrics(_request):
        return web.Response(body=text, content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for n in range(args.kiosks):
        await web.TCPSite(runner, "127.0.0.1", args.first_port + n).start()
    return runner


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kiosks", type=int, required=True)
    p.add_argument("--seconds", type=int, required=True)
    p.add_argument("--backend", required=True, help="e.g. http://127.0.0.1:18080/kiosk/v1/")
    p.add_argument("--token", required=True)
    p.add_argument("--first-port", type=int, required=True)
    p.add_argument("--metrics-file", required=True)
    p.add_argument("--ready-file", required=True, help="written once every port listens")
    p.add_argument("--out", required=True, help="the run's figures, written when it ends")
    args = p.parse_args()

    runner = await serve_metrics(args)
    open(args.ready_file, "w").write("ready\n")
    fleet = Fleet(args)
    start = time.monotonic()
    deadline = start + args.seconds
    # The fleet shares one connection pool: the backend sees fewer connections than from a
    # thousand machines, and the same requests.
    connector = TCPConnector(limit=0)
    async with ClientSession(connector=connector, timeout=ClientTimeout(total=10)) as session:
        await asyncio.gather(*(fleet.kiosk(n, session, deadline) for n in range(args.kiosks)))
    elapsed = time.monotonic() - start
    lat = sorted(fleet.latencies) or [0.0]
    figures = {
        "kiosks": args.kiosks,
        "seconds": round(elapsed, 1),
        "requests_sent": fleet.sent,
        "requests_answered": fleet.answered,
        "backend_requests_per_s": round(fleet.answered / elapsed, 2),
        "latency_p50_ms": round(lat[len(lat) // 2] * 1000, 2),
        "latency_p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 2),
        "failed": fleet.failed,
    }
    with open(args.out + ".tmp", "w") as out:
        json.dump(figures, out)
    os.replace(args.out + ".tmp", args.out)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
