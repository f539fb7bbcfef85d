#!/usr/bin/env python3
"""meter.py - a byte-counting TCP relay for the benchmarks.

    meter.py --upstream-port P [--port-file F] [--control-port-file C]

Listens on 127.0.0.1 (a free port, written to --port-file) and relays every connection to
127.0.0.1:P (the delay proxy), counting the bytes each way and the connections. It sits in
front of the proxy so that ondeck and the AWS CLI are measured the same way, at the transport:
request bytes (headers + body) the client sent, response bytes it received.

A second port (written to --control-port-file) answers one line per connection:
  "stats\\n" -> {"bytes_sent": n, "bytes_received": n, "connections": n}
  "reset\\n" -> the same, then zeroes the counters
"bytes_sent" is what the client sent (requests); "bytes_received" what it got (responses).
Stdlib only. Adds well under a millisecond per request on loopback.
"""

import argparse
import asyncio
import json
import os
import signal
import sys

COUNTS = {"bytes_sent": 0, "bytes_received": 0, "connections": 0}


async def pipe(reader, writer, key):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            COUNTS[key] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


async def relay(upstream_port, client_r, client_w):
    COUNTS["connections"] += 1
    try:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pipe(client_r, up_w, "bytes_sent"),
                         pipe(up_r, client_w, "bytes_received"))


async def control(reader, writer):
    line = (await reader.readline()).decode(errors="replace").strip()
    out = dict(COUNTS)
    if line == "reset":
        for k in COUNTS:
            COUNTS[k] = 0
    writer.write((json.dumps(out) + "\n").encode())
    await writer.drain()
    writer.close()


def write_port(path, server):
    if not path:
        return
    port = server.sockets[0].getsockname()[1]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


async def main_async(args):
    srv = await asyncio.start_server(lambda r, w: relay(args.upstream_port, r, w),
                                     "127.0.0.1", 0, backlog=512)
    ctl = await asyncio.start_server(control, "127.0.0.1", 0)
    write_port(args.control_port_file, ctl)
    write_port(args.port_file, srv)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    srv.close()
    ctl.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--control-port-file", required=True)
    args = ap.parse_args()
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
