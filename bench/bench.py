#!/usr/bin/env python3
"""bench.py - the measuring half of `make bench` (bench/run.sh starts moto, the delay proxy and
the byte meter, seeds the worlds, and calls these subcommands; each prints one JSON document).

  bench.py sysinfo
  bench.py status  --cluster C --runs N            cold `ondeck status --json --stats` runs
  bench.py cli     --cluster C --budget S --sample N   bench/cli_gather.sh, sampled if needed
  bench.py logs    --events N                       log follow: ondeck vs the AWS CLI
  bench.py logs-multi --events N --sources "1 4"    one pass over 1 vs k log groups at once
  bench.py console --cluster C --idle S --presses N the console in tmux: first screen, idle, keys
  bench.py naive   --cluster C --max-seconds S      bench/naive.py: describe all in list order
  bench.py report  --results DIR --out FILE         the table (stdout) and doc/performance.md

Environment (set by run.sh): ONDECK, ONDECK_SRCDIR, AWS_ENDPOINT_URL (the meter, in front of
the proxy), PROXY_URL (control endpoints), METER_CTL (the meter's control port), MOTO_URL,
BENCH_DELAY_MS. Stdlib only (plus boto3 for seeding logs, installed with moto).
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


# -- helpers ----------------------------------------------------------------------------------

def proxy(path, body=None):
    url = os.environ["PROXY_URL"] + path
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode())


def proxy_requests():
    st = proxy("/__proxy/stats")
    return st["requests"], dict(st.get("by_operation", {}))


def meter(cmd="stats"):
    if not os.environ.get("METER_CTL"):
        # The replay backend counts bytes itself (no relay in front of it to slow it down).
        if cmd == "reset":
            return {}
        st = proxy("/__proxy/stats")
        return {k: st.get(k, 0) for k in ("bytes_sent", "bytes_received", "connections",
                                          "throttled")}
    port = int(os.environ["METER_CTL"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((cmd + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return json.loads(data.decode())


def diff_ops(before, after):
    out = {}
    for k, v in after.items():
        d = v - before.get(k, 0)
        if d:
            out[k] = d
    return out


def run_timed(argv, stdout_path=None, env=None):
    """Run argv; returns (rc, wall seconds, cpu seconds, max RSS KiB, stdout, stderr)."""
    import tempfile
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as errf, \
            (open(stdout_path, "w+b") if stdout_path else tempfile.TemporaryFile()) as outf:
        p = subprocess.Popen(argv, stdout=outf, stderr=errf, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        outf.seek(0)
        errf.seek(0)
        text = outf.read().decode(errors="replace")
        err = errf.read().decode(errors="replace")
    return p.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, text, err


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def ondeck():
    return os.environ["ONDECK"]


def delay_ms():
    return int(os.environ.get("BENCH_DELAY_MS", "50"))


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def emit(doc):
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


# -- sysinfo ----------------------------------------------------------------------------------

def cmd_sysinfo(_args):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1048576:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass

    def version(argv, pattern=None):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            text = (r.stdout + r.stderr).strip().splitlines()
            line = text[0] if text else ""
            if pattern:
                m = re.search(pattern, r.stdout + r.stderr)
                return m.group(1) if m else line
            return line
        except (OSError, subprocess.SubprocessError):
            return "not installed"

    py = os.environ.get("PYTHON3", sys.executable)
    load = os.getloadavg()
    emit({
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "os": version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "loadavg": [round(x, 2) for x in load],
        "moto": version([py, "-c", "import moto; print(moto.__version__)"]),
        "boto3": version([py, "-c", "import boto3; print(boto3.__version__)"]),
        "curl": version(["curl", "--version"], r"libcurl/(\S+)"),
        "awscli": version(["aws", "--version"], r"aws-cli/(\S+)"),
        "tmux": version(["tmux", "-V"]),
        "python": platform.python_version(),
        "ondeck": version([ondeck(), "--version"]),
    })


# -- cold status ------------------------------------------------------------------------------

def cmd_status(args):
    argv = [ondeck(), "status", "--cluster", args.cluster, "--json", "--stats"]
    out = os.path.join(args.workdir, "status.json")
    # One untimed run first: moto imports and compiles things on the first request of a kind
    # (od-replay has nothing to warm: --no-warm saves a run of the largest world).
    if not args.no_warm:
        run_timed(argv, out)
    runs = []
    last_doc = None
    for _ in range(args.runs):
        proxy("/__proxy/reset", {})
        meter("reset")
        rc, wall, cpu, rss, text, err = run_timed(argv, out)
        reqs, ops = proxy_requests()
        m = meter("stats")
        doc = None
        try:
            doc = json.loads(text)
        except ValueError:
            pass
        runs.append({"rc": rc, "wall": wall, "cpu": cpu, "maxrss_kb": rss, "requests": reqs,
                     "by_operation": ops, "bytes_sent": m["bytes_sent"],
                     "bytes_received": m["bytes_received"], "connections": m["connections"],
                     "throttled": m.get("throttled", 0),
                     "throttled_by_operation": (proxy("/__proxy/stats").get(
                         "throttled_by_operation", {}) if m.get("throttled") else {}),
                     "stderr": err[-2000:]})
        if doc is not None:
            last_doc = doc
    stats = (last_doc or {}).get("stats", {})
    # The same at zero delay: what moto itself costs (its service time is part of every call).
    floor = None
    if args.floor:
        proxy("/__proxy/config", {"delay_ms": 0})
        walls = []
        for _ in range(max(1, min(args.runs, 3))):
            rc, wall, *_ = run_timed(argv, out)
            walls.append(wall)
        proxy("/__proxy/config", {"delay_ms": delay_ms()})
        floor = statistics.median(walls)
    walls = [r["wall"] for r in runs]
    # The figures of the median run (by wall time).
    best = sorted(runs, key=lambda r: r["wall"])[(len(runs) - 1) // 2]
    emit({
        "cluster": args.cluster,
        "runs": runs,
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "ok": all(r["rc"] == 0 for r in runs),
        "requests": best["requests"],
        "bytes_sent": best["bytes_sent"],
        "bytes_received": best["bytes_received"],
        "cpu": best["cpu"],
        "maxrss_kb": best["maxrss_kb"],
        "stats": stats,
        "services": len((last_doc or {}).get("services", [])),
        "floor_wall_delay0": floor,
        "delay_ms": delay_ms(),
    })


# -- the AWS CLI ------------------------------------------------------------------------------

def read_tsv(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 2:
                    rows.append((parts[0], parts[1]))
    except OSError:
        pass
    return rows


def gather(args, sample, workdir):
    env = dict(os.environ, BENCH_CLI_SAMPLE=str(sample))
    proxy("/__proxy/reset", {})
    meter("reset")
    t0 = time.monotonic()
    r = subprocess.run(["bash", os.path.join(HERE, "cli_gather.sh"), args.cluster, workdir],
                       env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    reqs, ops = proxy_requests()
    m = meter("stats")
    timings = {}
    for cls, us in read_tsv(os.path.join(workdir, "timings.tsv")):
        timings.setdefault(cls, []).append(int(us) / 1e6)
    needed = {cls: int(n) for cls, n in read_tsv(os.path.join(workdir, "needed.tsv"))}
    errors = ""
    try:
        with open(os.path.join(workdir, "errors.log")) as f:
            errors = f.read()[-2000:]
    except OSError:
        pass
    return {"rc": r.returncode, "wall": wall, "requests": reqs, "by_operation": ops,
            "bytes_sent": m["bytes_sent"], "bytes_received": m["bytes_received"],
            "timings": timings, "needed": needed, "errors": errors}


def cmd_cli(args):
    if shutil.which("aws") is None:
        emit({"available": False, "reason": "the AWS CLI (aws) is not installed"})
        return
    # How long would a full run take? Time one cheap invocation, count the invocations.
    probe = gather(args, 1, os.path.join(args.workdir, "probe"))
    invocations = sum(probe["needed"].values())
    done = sum(len(v) for v in probe["timings"].values())
    per_call = probe["wall"] / max(done, 1)
    estimate = per_call * invocations
    if args.sample > 0:
        sample = args.sample
    elif estimate <= args.budget:
        sample = 0
    else:
        # Enough invocations of each class for a stable mean, well inside the budget.
        sample = max(3, int(args.budget / per_call / 8))
    res = probe if sample == 1 and args.sample == 1 else gather(
        args, sample, os.path.join(args.workdir, "run"))
    total = 0.0
    requests_total = 0.0
    bytes_s = bytes_r = 0.0
    extrapolated = False
    classes = {}
    done = sum(len(v) for v in res["timings"].values())
    for cls, n in res["needed"].items():
        t = res["timings"].get(cls, [])
        mean = statistics.mean(t) if t else per_call
        if len(t) < n:
            extrapolated = True
        classes[cls] = {"needed": n, "run": len(t), "mean_s": mean, "total_s": mean * n}
        total += mean * n
    invocations = sum(res["needed"].values())
    scale = invocations / max(done, 1)
    requests_total = res["requests"] * scale
    bytes_s = res["bytes_sent"] * scale
    bytes_r = res["bytes_received"] * scale
    metric_queries = None
    try:
        with open(os.path.join(args.workdir, "run" if res is not probe else "probe",
                               "metric-queries")) as f:
            metric_queries = int(f.read().strip())
    except (OSError, ValueError):
        pass
    emit({
        "available": True,
        "cluster": args.cluster,
        "sample": sample,
        "estimate_full_s": estimate,
        "extrapolated": extrapolated,
        "wall_measured": res["wall"],
        "wall": total if extrapolated else res["wall"],
        "invocations": invocations,
        "invocations_run": done,
        "requests": round(requests_total),
        "requests_measured": res["requests"],
        "bytes_sent": round(bytes_s),
        "bytes_received": round(bytes_r),
        "classes": classes,
        "metric_queries": metric_queries,
        "by_operation": res["by_operation"],
        "rc": res["rc"],
        "errors": res["errors"],
    })


# -- logs -------------------------------------------------------------------------------------

GROUP = "/bench/follow"


def seed_logs(n, streams, tag, start_seq=0, now_ms=None):
    """PutLogEvents straight into moto; returns the seconds it took."""
    import boto3
    from botocore.config import Config
    c = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1",
                     aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                     config=Config(disable_request_compression=True))
    t0 = time.monotonic()
    try:
        c.create_log_group(logGroupName=GROUP)
    except c.exceptions.ResourceAlreadyExistsException:
        pass
    now_ms = now_ms or int(time.time() * 1000)
    per = n // streams
    pad = "x" * 60
    for s in range(streams):
        name = f"bench/app/{tag}-{s:02d}"
        try:
            c.create_log_stream(logGroupName=GROUP, logStreamName=name)
        except c.exceptions.ResourceAlreadyExistsException:
            pass
        events = []
        for i in range(per):
            seq = start_seq + s * per + i
            # A backlog spreads over the last two minutes; live events are stamped "now" (a
            # millisecond apart), as a running service writes them.
            ts = (now_ms - 120000 + (i * 120000) // max(per, 1)) if tag == "backlog" \
                else now_ms - per + i
            events.append({"timestamp": ts, "message": f"bench-event {seq:08d} {pad}"})
        for k in range(0, len(events), 5000):
            c.put_log_events(logGroupName=GROUP, logStreamName=name, logEvents=events[k:k + 5000])
    return time.monotonic() - t0


SEQ_RE = re.compile(rb"bench-event (\d{8})")


def follow_ondeck(n, timeout):
    """Start `ondeck logs --follow`, read until n distinct events printed; returns a dict."""
    argv = [ondeck(), "logs", "--log-group", GROUP, "--since", "10m", "--follow", "--stats"]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    seen = set()
    lines = 0
    first = last = None
    buf = b""
    fd = p.stdout.fileno()
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    deadline = t0 + timeout
    while len(seen) < n and time.monotonic() < deadline:
        if not sel.select(timeout=0.5):
            if p.poll() is not None:
                break
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        now = time.monotonic()
        buf += chunk
        *complete, buf = buf.split(b"\n")
        for line in complete:
            m = SEQ_RE.search(line)
            if m:
                lines += 1
                seen.add(int(m.group(1)))
                if first is None:
                    first = now
                last = now
    return p, sel, {"lines": lines, "distinct": len(seen), "t_first": (first or t0) - t0,
                    "t_last": (last or t0) - t0, "seen": seen}


def stop_follow(p):
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return err.decode(errors="replace")


def cmd_logs(args):
    res = {"events": args.events, "group": GROUP}
    res["seed_s"] = seed_logs(args.events, args.streams, "backlog")
    res["streams"] = args.streams
    # ondeck: backlog (n events already stored), then a live burst while following.
    p, sel, r = follow_ondeck(args.events, args.timeout)
    backlog = {k: v for k, v in r.items() if k != "seen"}
    backlog["lost"] = args.events - r["distinct"]
    backlog["duplicates"] = r["lines"] - r["distinct"]
    span = max(r["t_last"], 1e-6)
    backlog["rate_total"] = r["distinct"] / span          # from process start
    backlog["rate_print"] = r["distinct"] / max(r["t_last"] - r["t_first"], 1e-6)
    res["ondeck_backlog"] = backlog
    live = None
    if p.poll() is None and args.live > 0:
        seen = r["seen"]
        t_put = time.monotonic()
        seed_logs(args.live, 1, "live", start_seq=args.events)
        t_put_done = time.monotonic()
        want = set(range(args.events, args.events + args.live))
        got = set()
        buf = b""
        fd = p.stdout.fileno()
        last = None
        deadline = time.monotonic() + args.live_timeout
        while not want <= got and time.monotonic() < deadline:
            if not sel.select(timeout=0.5):
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for line in complete:
                m = SEQ_RE.search(line)
                if m:
                    got.add(int(m.group(1)))
                    last = time.monotonic()
        del seen
        live = {"events": args.live, "received": len(got & want), "lost": len(want - got),
                "put_s": t_put_done - t_put,
                "seconds_after_put": (last - t_put_done) if last else None}
    res["ondeck_live"] = live
    res["ondeck_stats_line"] = stop_follow(p).strip().splitlines()[-1:] or []
    # The AWS CLI v1 has no `logs tail` (a v2 command): filter-log-events pages through the
    # same events (the CLI follows nextToken itself), which is what tail --follow repeats.
    if shutil.which("aws") is None:
        res["cli"] = {"available": False, "reason": "the AWS CLI (aws) is not installed"}
    else:
        start = int(time.time() * 1000) - 10 * 60 * 1000
        argv = ["aws", "logs", "filter-log-events", "--log-group-name", GROUP,
                "--start-time", str(start), "--output", "text", "--query", "events[].[message]"]
        tail_v2 = subprocess.run(["aws", "logs", "tail", "help"], capture_output=True,
                                 text=True).returncode == 0
        proxy("/__proxy/reset", {})
        rc, wall, cpu, rss, text, err = run_timed(argv)
        seqs = set(int(m.group(1)) for m in SEQ_RE.finditer(text.encode()))
        reqs, _ops = proxy_requests()
        want = args.events + (args.live if live else 0)
        res["cli"] = {"available": True, "command": " ".join(argv[:4]) + " (paged)",
                      "tail_available": tail_v2, "rc": rc, "wall": wall,
                      "distinct": len(seqs), "lost": want - len(seqs & set(range(want))),
                      "rate": len(seqs) / max(wall, 1e-6), "requests": reqs,
                      "stderr": err[-500:]}
    emit(res)


# -- several sources -------------------------------------------------------------------------

def seed_multi(n, k, now_ms):
    """n events over k groups (/bench/multi-K-I, two streams each), interleaved in time."""
    import boto3
    from botocore.config import Config
    c = boto3.client("logs", endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1",
                     aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                     config=Config(disable_request_compression=True))
    groups = [f"/bench/multi-{k}-{g}" for g in range(k)]
    per = {(g, s): [] for g in range(k) for s in range(2)}
    pad = "x" * 60
    for i in range(n):
        # Event i goes to group i % k: the groups' events alternate in time.
        g, s = i % k, (i // k) % 2
        per[(g, s)].append({"timestamp": now_ms - 120000 + (i * 120000) // n,
                            "message": f"bench-event {i:08d} {pad}"})
    for g, name in enumerate(groups):
        try:
            c.create_log_group(logGroupName=name)
        except c.exceptions.ResourceAlreadyExistsException:
            pass
        for s in range(2):
            stream = f"bench/app/multi-{s}"
            try:
                c.create_log_stream(logGroupName=name, logStreamName=stream)
            except c.exceptions.ResourceAlreadyExistsException:
                pass
            evs = per[(g, s)]
            for j in range(0, len(evs), 5000):
                c.put_log_events(logGroupName=name, logStreamName=stream,
                                 logEvents=evs[j:j + 5000])
    return groups


def cmd_logs_multi(args):
    """One `ondeck logs` pass over the same number of events in 1 or k log groups: the cost
    of merging several sources into one ordered stream (lines/s and CPU)."""
    res = {"events": args.events, "rows": []}
    now_ms = int(time.time() * 1000)
    for k in [int(x) for x in args.sources.split()]:
        groups = seed_multi(args.events, k, now_ms)
        argv = [ondeck(), "logs", "--since", "10m"]
        for g in groups:
            argv += ["--log-group", g]
        best = None
        for _ in range(args.runs):
            rc, wall, cpu, rss, text, err = run_timed(argv)
            seqs = [int(m.group(1)) for m in SEQ_RE.finditer(text.encode())]
            row = {"sources": k, "rc": rc, "wall": wall, "cpu": cpu, "rss_kb": rss,
                   "lines": len(seqs), "lost": args.events - len(set(seqs)),
                   "duplicates": len(seqs) - len(set(seqs)),
                   "in_order": seqs == sorted(seqs),
                   "lines_s": len(seqs) / max(wall, 1e-6), "stderr": err[-300:]}
            if best is None or row["wall"] < best["wall"]:
                best = row
        res["rows"].append(best)
    emit(res)


# -- console ----------------------------------------------------------------------------------

class Tmux:
    """A private tmux server (its own socket), driven through one control-mode client so that
    each capture costs a pipe round trip, not a fork of the tmux client."""

    def __init__(self, sock):
        self.sock = sock
        self.ctl = None

    def cmd(self, *argv, check=True):
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *argv],
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(argv)}: {r.stderr.strip()}")
        return r

    def attach(self, target):
        self.ctl = subprocess.Popen(["tmux", "-L", self.sock, "-f", "/dev/null", "-C", "attach",
                                     "-t", target], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, bufsize=0)
        self.read_block()  # attaching answers with a block of its own
        self.request("refresh-client -C 120x40")

    def read_block(self):
        """The output lines of the next %begin ... %end block (notifications skipped)."""
        out, inside = [], False
        while True:
            raw = self.ctl.stdout.readline()
            if not raw:
                raise RuntimeError("tmux control client went away")
            text = raw.decode(errors="replace").rstrip("\n")
            if text.startswith("%begin"):
                inside, out = True, []
            elif text.startswith("%end") or text.startswith("%error"):
                if inside:
                    return out
            elif inside:
                out.append(text)

    def request(self, line):
        """Send one command on the control connection; returns its output lines."""
        self.ctl.stdin.write((line + "\n").encode())
        return self.read_block()

    def capture(self, pane):
        return "\n".join(self.request(f"capture-pane -p -t {pane}"))

    def close(self):
        if self.ctl:
            try:
                self.ctl.stdin.close()
                self.ctl.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.ctl.kill()
        self.cmd("kill-server", check=False)
        path = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"), f"tmux-{os.getuid()}",
                            self.sock)
        try:
            os.unlink(path)  # tmux leaves its socket file behind
        except OSError:
            pass


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime is field 14, stime 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def last_call_before_quiet(seconds, t_end):
    """Wait until the backend has seen no request for `seconds` (or t_end); returns the
    monotonic time of the last request seen, or None when calls never stopped."""
    last, _ = proxy_requests()
    t_last = time.monotonic()
    while time.monotonic() < t_end:
        time.sleep(0.2)
        now, _ = proxy_requests()
        if now != last:
            last, t_last = now, time.monotonic()
        elif time.monotonic() - t_last >= seconds:
            return t_last
    return None


def key_latency(tm, pane, key, expect, timeout=2.0):
    """send-keys, then capture until `expect(screen)`; returns seconds and captures made."""
    t0 = time.perf_counter()
    tm.request(f"send-keys -t {pane} -l {key}")
    n = 0
    while True:
        n += 1
        if expect(tm.capture(pane)):
            return time.perf_counter() - t0, n
        if time.perf_counter() - t0 > timeout:
            return None, n


def trace_event(path, name, t_launch=None):
    """Seconds since start of the first `name` line in the console's trace, or None.
    The console writes milliseconds since it started; a line stamped otherwise (an epoch
    time, or later than the time since launch) is not trusted and counts as absent, so the
    caller falls back to polling the pane."""
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1] == name:
                    t = float(parts[0]) / 1000.0
                    if t < 0 or (t_launch is not None and t > time.monotonic() - t_launch + 1):
                        return None
                    return t
    except (OSError, ValueError):
        pass
    return None


ROW_RE = re.compile(r"^[a-z]+-[0-9…]")  # a row of a replay world's service (name first)
PLACEHOLDER_RE = re.compile(r"(?:^|\s)[-…](?:\s|$)")  # a cell that is only '-' or '…'



def first_screen(tm, trace, t_launch, timeout):
    """Time to the first complete screen: the console's trace line when it writes one, else
    the first capture whose service rows show no placeholder ('-' or '…')."""
    t_end = t_launch + timeout
    polled = None
    polls = 0
    while time.monotonic() < t_end:
        t = trace_event(trace, "screen-complete", t_launch)
        if t is not None:
            return {"screen_complete_s": t, "screen_method": "trace"}
        polls += 1
        if polls % 20 == 0 and tm.cmd("display-message", "-p", "-t", "bench:0.0",
                                      "#{pane_dead}").stdout.strip() == "1":
            return {"screen_complete_s": None, "screen_method": None, "exited": True}
        if polled is None:
            screen = tm.cmd("capture-pane", "-p", "-t", "bench:0.0").stdout
            # The last column (ALARMS) is '-' for good when a service has no alarm.
            rows = [ln.rsplit(None, 1)[0] for ln in screen.splitlines() if ROW_RE.search(ln)]
            if len(rows) >= 10 and not any(PLACEHOLDER_RE.search(ln) for ln in rows):
                polled = time.monotonic() - t_launch
        if polled is not None and time.monotonic() - t_launch > polled + 1.0:
            # give a trace line a second to appear (it is the more exact figure)
            return {"screen_complete_s": polled, "screen_method": "capture-pane"}
        time.sleep(0.05)
    return {"screen_complete_s": polled, "screen_method": "capture-pane" if polled else None}


PROBE = "QZJXVWQZJXVWQZJXVWQZJX"  # typed into the filter prompt; in no world's names


def cmd_console(args):
    res = {"available": False}
    if shutil.which("tmux") is None:
        res["reason"] = "tmux is not installed"
        emit(res)
        return
    sock = f"ondeck-bench-{os.getpid()}"
    tm = Tmux(sock)
    trace = os.path.abspath(os.path.join(os.environ.get("OD_WORKDIR", "/tmp"),
                                         f"trace-{os.getpid()}.log"))
    try:
        os.unlink(trace)
    except OSError:
        pass
    # ONDECK_TRACE=FILE: the console appends "<ms> screen-complete" / "<ms> world-complete"
    # (a console without it ignores the variable; the screen is then polled instead).
    # ONDECK_CONFIG (run.sh sets it with buckets on: [limits] at the rates ondeck uses on AWS,
    # since at a custom endpoint its budgets are otherwise unlimited) is passed on explicitly.
    conf = os.environ.get("ONDECK_CONFIG")
    env_cmd = (f"exec env ONDECK_TRACE={shlex.quote(trace)} "
               + (f"ONDECK_CONFIG={shlex.quote(conf)} " if conf else "")
               + f"{shlex.quote(ondeck())} --cluster {shlex.quote(args.cluster)}")
    res["limits_config"] = conf
    res["mode"] = args.mode
    proxy("/__proxy/reset", {})  # the calls counted from here are this console's
    t_launch = time.monotonic()
    try:
        tm.cmd("new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", env_cmd)
        # No `window-size manual`: tmux 3.3a's server crashes on new-window with it. The
        # control client sets its own size to 120x40 instead (refresh-client -C).
        tm.cmd("set-option", "-g", "remain-on-exit", "on", check=False)
        pid = int(tm.cmd("display-message", "-p", "-t", "bench:0.0", "#{pane_pid}").stdout)
        # Poll from the launch (a sleep here would floor the polled figure at its length).
        screen_res = first_screen(tm, trace, t_launch, args.screen_timeout)
        dead = tm.cmd("display-message", "-p", "-t", "bench:0.0", "#{pane_dead}").stdout.strip()
        screen = tm.cmd("capture-pane", "-p", "-t", "bench:0.0").stdout
        if dead == "1" or "no console" in screen:
            res["reason"] = ("`ondeck` with no command does not open a console in this build: "
                             + " ".join(screen.split())[:160])
            emit(res)
            return
        res["available"] = True
        res.update(screen_res)
        if args.mode == "screen":
            # The first screen and the complete world only (buckets on: the world takes the
            # bucket floor or longer), then quit. Without a trace line there is no world figure.
            t_end = t_launch + args.world_timeout
            if res.get("screen_method") == "trace":
                while time.monotonic() < t_end:
                    if trace_event(trace, "world-complete", t_launch) is not None:
                        break
                    time.sleep(0.2)
            else:
                # No trace: the first refresh is over when the calls stop (3 s without one);
                # its last call is then the complete world, as near as the backend can tell.
                t = last_call_before_quiet(3.0, t_end)
                res["world_quiet_s"] = t - t_launch if t else None
            res["world_complete_s"] = trace_event(trace, "world-complete", t_launch)
            res["world_waited_s"] = time.monotonic() - t_launch
            reqs, ops = proxy_requests()
            res["requests"], res["by_operation"] = reqs, ops
            st = proxy("/__proxy/stats")
            res["throttled"] = st.get("throttled", 0)
            res["throttled_by_operation"] = st.get("throttled_by_operation", {})
            res["vmhwm_kb"] = proc_status(pid, "VmHWM")
            emit(res)
            return
        # The first refresh of a cold start, then the idle minute at the default cadence.
        t = last_call_before_quiet(3.0, time.monotonic() + args.first_refresh_timeout)
        res["first_refresh_quiet"] = t is not None
        res["world_quiet_s"] = t - t_launch if t else None
        res["first_refresh_s"] = time.monotonic() - t_launch
        res["world_complete_s"] = trace_event(trace, "world-complete", t_launch)
        proxy("/__proxy/reset", {})
        cpu0 = proc_cpu_s(pid)
        t0 = time.monotonic()
        time.sleep(args.idle)
        cpu1 = proc_cpu_s(pid)
        t1 = time.monotonic()
        reqs, ops = proxy_requests()
        res["idle"] = {"seconds": t1 - t0, "cpu_s": cpu1 - cpu0,
                       "cpu_pct": 100.0 * (cpu1 - cpu0) / (t1 - t0),
                       "vmhwm_kb": proc_status(pid, "VmHWM"),
                       "vmrss_kb": proc_status(pid, "VmRSS"), "requests": reqs,
                       "by_operation": ops}
        # Keypress to screen. Calibration first: a pane running `cat` (the tty echoes the key
        # at once) gives the floor of this measurement itself.
        tm.cmd("new-window", "-d", "-t", "bench:1", "exec cat")
        tm.attach("bench")
        floor = []
        typed = ""
        for i in range(args.presses):
            ch = PROBE[i % len(PROBE)]
            typed += ch
            want = typed
            lat, _n = key_latency(tm, "bench:1.0", ch, lambda s, w=want: w in s)
            if lat is not None:
                floor.append(lat)
        t_cap = time.perf_counter()
        for _ in range(50):
            tm.capture("bench:0.0")
        res["capture_ms"] = (time.perf_counter() - t_cap) / 50 * 1000
        # The console: trigger a refresh (r), wait until calls flow, open the filter (/) and
        # type the probe one key at a time while the refresh is in flight.
        lats, inflight = [], 0
        i = 0
        while len(lats) < args.presses and i < args.presses * 3:
            tm.request("send-keys -t bench:0.0 Escape")
            time.sleep(0.1)
            tm.request("send-keys -t bench:0.0 -l r")
            r0, _ = proxy_requests()
            t_wait = time.monotonic()
            while time.monotonic() - t_wait < 5:
                time.sleep(0.05)
                if proxy_requests()[0] > r0:
                    break
            tm.request("send-keys -t bench:0.0 -l /")
            time.sleep(0.05)
            typed = ""
            for k in range(min(5, args.presses - len(lats))):
                ch = PROBE[k]
                typed += ch
                before, _ = proxy_requests()
                lat, _n = key_latency(tm, "bench:0.0", ch, lambda s, w=typed: w in s)
                after, _ = proxy_requests()
                if lat is not None:
                    lats.append(lat)
                    inflight += after > before
                i += 1
                time.sleep(0.1)
        res["keys"] = {"presses": len(lats), "during_refresh": inflight,
                       "median_ms": (statistics.median(lats) * 1000) if lats else None,
                       "p95_ms": (pct(lats, 95) * 1000) if lats else None,
                       "floor_median_ms": (statistics.median(floor) * 1000) if floor else None,
                       "floor_p95_ms": (pct(floor, 95) * 1000) if floor else None}
        tm.request("send-keys -t bench:0.0 Escape")
    finally:
        tm.close()
    emit(res)


# -- [limits] as on AWS ------------------------------------------------------------------------

# What ondeck uses against AWS when the source cannot be read (doc/configuration.md, [limits]).
AWS_RATES_FALLBACK = {"ecs": 10, "elbv2": 5, "cloudwatch": 10, "cloudfront": 5}


def aws_rates(srcdir):
    """The per-family rates ondeck paces at against AWS: its default_limits table in
    src/poller/poller.c ({OD_SVC_ECS, 10}, ...), so the bench follows the program."""
    try:
        with open(os.path.join(srcdir, "src", "poller", "poller.c")) as f:
            text = f.read()
        m = re.search(r"default_limits\[\]\s*=\s*\{(.*?)\};", text, re.S)
        rates = {}
        # {OD_SVC_ECS, 10} or, with a burst beside the rate, {OD_SVC_ECS, 10, 50}
        for k, v, burst in re.findall(r"\{\s*OD_SVC_([A-Z0-9]+)\s*,\s*([0-9.]+)"
                                      r"(?:\s*,\s*([0-9.]+))?", m.group(1)):
            rates[k.lower()] = float(v)
            if burst:
                rates[k.lower() + "_burst"] = float(burst)
        if rates:
            return rates, "src/poller/poller.c"
    except (OSError, AttributeError, ValueError):
        pass
    return dict(AWS_RATES_FALLBACK), "doc/configuration.md (fallback)"


def documented_keys(srcdir):
    """Every `[limits]` key word the docs name (configuration.md and the man page): a burst
    key is written only when this build documents it, so an older build never sees it."""
    words = set()
    for rel in ("doc/configuration.md", "doc/ondeck.1"):
        try:
            with open(os.path.join(srcdir, rel)) as f:
                words |= set(re.findall(r"\b([a-z0-9]+_burst)\b", f.read()))
        except OSError:
            pass
    return words


def cmd_limits(args):
    """Write the [limits] file the buckets-on phases use; print what was written (JSON)."""
    srcdir = os.environ.get("ONDECK_SRCDIR", os.path.dirname(HERE))
    rates, source = aws_rates(srcdir)
    extra = {}
    for kv in (args.set or "").replace(",", " ").split():
        k, _, v = kv.partition("=")
        extra[k.strip()] = v.strip()
    known = documented_keys(srcdir)
    keys = {k: (int(v) if float(v).is_integer() else v) for k, v in rates.items()
            if not k.endswith("_burst") or k in known}
    dropped = []
    for k, v in extra.items():
        if (k in rates and not k.endswith("_burst")) or k in known:
            keys[k] = v
        else:
            dropped.append(k)
    with open(args.out, "w") as f:
        f.write("# written by bench/bench.py limits: ondeck's AWS rates, set explicitly\n")
        f.write("# (at a custom endpoint its budgets are otherwise unlimited)\n[limits]\n")
        for k, v in keys.items():
            f.write(f"{k} = {v}\n")
    emit({"file": args.out, "keys": keys, "source": source, "dropped": dropped})


# -- the naive client -------------------------------------------------------------------------

def cmd_naive(args):
    """bench/naive.py against the backend (buckets as configured there): one full pass."""
    sys.path.insert(0, HERE)
    import naive
    emit(naive.run(os.environ["AWS_ENDPOINT_URL"], args.cluster, args.rows, args.max_seconds))


# -- report -----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sysinfo")
    s = sub.add_parser("status")
    s.add_argument("--cluster", default="prod")
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--floor", action="store_true", help="also time it with no delay")
    s.add_argument("--no-warm", action="store_true", help="no untimed run first")
    s.add_argument("--workdir", required=True)
    s = sub.add_parser("cli")
    s.add_argument("--cluster", default="prod")
    s.add_argument("--budget", type=float, default=300.0)
    s.add_argument("--sample", type=int, default=0)
    s.add_argument("--workdir", required=True)
    s = sub.add_parser("logs")
    s.add_argument("--events", type=int, default=100000)
    s.add_argument("--streams", type=int, default=10)
    s.add_argument("--live", type=int, default=10000)
    s.add_argument("--timeout", type=float, default=300.0)
    s.add_argument("--live-timeout", type=float, default=30.0,
                   help="how long to wait for the live events (several poll intervals)")
    s = sub.add_parser("logs-multi")
    s.add_argument("--events", type=int, default=20000)
    s.add_argument("--sources", default="1 4")
    s.add_argument("--runs", type=int, default=1)
    s = sub.add_parser("console")
    s.add_argument("--cluster", default="prod")
    s.add_argument("--idle", type=float, default=60.0)
    s.add_argument("--presses", type=int, default=20)
    s.add_argument("--first-refresh-timeout", type=float, default=60.0,
                   help="the longest wait for 3 s without a request before the idle period")
    s.add_argument("--screen-timeout", type=float, default=120.0,
                   help="how long to wait for the first complete screen")
    s.add_argument("--mode", choices=("full", "screen"), default="full",
                   help="screen: the first screen and the complete world only")
    s.add_argument("--world-timeout", type=float, default=60.0,
                   help="screen mode: how long (from launch) to wait for the complete world")
    s = sub.add_parser("limits")
    s.add_argument("--out", required=True)
    s.add_argument("--set", default="", help="extra keys: 'ecs_burst=50 elbv2=10'")
    s = sub.add_parser("floor")
    s.add_argument("--status", required=True, help="a status-N.json (buckets off)")
    s = sub.add_parser("naive")
    s.add_argument("--cluster", default="prod")
    s.add_argument("--rows", type=int, default=36)
    s.add_argument("--max-seconds", type=float, default=120.0)
    s = sub.add_parser("report")
    s.add_argument("--results", required=True)
    s.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.cmd == "report":
        sys.path.insert(0, HERE)
        import report
        return report.main(args.results, args.out)
    if args.cmd == "floor":
        sys.path.insert(0, HERE)
        import report
        st = load_json(args.status)
        print(f"{report.rate_floor(report.Report.median_ops(st))[0]:.1f}")
        return 0
    {"sysinfo": cmd_sysinfo, "status": cmd_status, "cli": cmd_cli, "logs": cmd_logs,
     "logs-multi": cmd_logs_multi, "console": cmd_console, "naive": cmd_naive,
     "limits": cmd_limits}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
