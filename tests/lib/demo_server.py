#!/usr/bin/env python3
"""Start moto's server and the animator in one process, seed a world, and keep it alive.

Usage:
    demo_server.py [--host 127.0.0.1] [--port 0] [--port-file F] [--ready-file F]
                   [--timing demo|fast] [--size demo|small|N | --no-seed] [--scenario]
                   [--no-animate] [--log F] [-- SEED-WORLD-ARGS...]

What `python3 -m moto.server` does (moto/server.py: DomainDispatcherApplication over
create_backend_app, served by werkzeug with threads), plus:

  1. refuse to start unless the installed moto is one tests/lib/animator.py supports;
  2. bind HOST:PORT (port 0 = a free port, chosen by the kernel: no probe-then-bind race)
     and write the port to --port-file as soon as the server answers;
  3. seed the world with tests/lib/seed_world.py in-process (--size, default demo; arguments
     after `--` go to the seeder as they are), unless --no-seed;
  4. start the animator thread (unless --no-animate), and with --scenario the demo's story:
     `checkout` deploys a new revision with a broken image (it fails and waits for a rollback),
     `web` rolls out a forced new deployment, `payments` deploys blue/green and pauses at a
     PAUSE hook before production traffic shifts, and `search` deploys as a canary every
     160 s (payments again every 320 s) (the service deployments are the AWS-behaviour layer's: quickstart's proxy);
  5. write the seeder's JSON summary (plus endpoint, timing, seconds to ready) to --ready-file,
     and print `endpoint: URL` on stdout.

It runs until SIGTERM/SIGINT (or until its parent dies, when started by moto.sh's od_spawn with
PR_SET_PDEATHSIG). Exit status 2: unsupported moto or bad arguments; 1: seeding failed.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import animator  # noqa: E402


def log(msg, fh=None):
    print(f"demo_server: {msg}", file=fh or sys.stderr, flush=True)


def write_atomic(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# The demo's service deployments (the AWS-behaviour layer's ecs-deployments, through
# quickstart's proxy): payments deploys blue/green and pauses at a PAUSE hook before production
# traffic shifts; search deploys as a canary (10%, then the rest), again and again.
DEPLOYMENT_STRATEGIES = {
    "payments": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5,
                 "lifecycleHooks": [{"targetType": "PAUSE",
                                     "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
                                     "timeoutConfiguration": {"timeoutInMinutes": 30,
                                                              "action": "ROLLBACK"}}]},
    "search": {"strategy": "CANARY", "bakeTimeInMinutes": 2,
               "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5}},
}


def deployment_strategies(ecs, world, logfh):
    """Give payments and search their strategies (moto keeps an UpdateService's
    deploymentConfiguration; the layer reads it from DescribeServices)."""
    names = {s["name"] for s in world["services"]}
    for name, cfg in DEPLOYMENT_STRATEGIES.items():
        if name in names:
            ecs.update_service(cluster="prod", service=name, deploymentConfiguration=cfg)
            log(f"scenario: {name} deploys {cfg['strategy']}", logfh)


def redeploy(ecs, name, logfh):
    """A new revision of the service's task definition, same images: a new service deployment
    once the layer sees it."""
    svc = ecs.describe_services(cluster="prod", services=[name])["services"]
    if not svc:
        return
    td = ecs.describe_task_definition(taskDefinition=svc[0]["taskDefinition"])["taskDefinition"]
    c = td["containerDefinitions"][0]
    arn = animator.register_image(ecs, svc[0]["taskDefinition"], c["name"], c["image"])
    ecs.update_service(cluster="prod", service=name, taskDefinition=arn)
    log(f"scenario: {name} deploys {arn.rsplit('/', 1)[1]}", logfh)


def scenario(endpoint, world, timing, stop, logfh):
    """The demo's story, through the API like a user would: one bad deploy, one good one, a
    blue/green deployment paused at its hook and a canary, repeated."""
    import boto3
    session = boto3.session.Session(aws_access_key_id="AKIDONDECKTEST",
                                     aws_secret_access_key="x", region_name=world["region"])
    ecs = session.client("ecs", endpoint_url=endpoint)
    delay = 8 if timing == "demo" else 1
    deployment_strategies(ecs, world, logfh)
    if stop.wait(delay):
        return
    bad = world.get("bad_image")
    if bad:
        arn = animator.register_image(ecs, bad["stable_task_definition"], bad["container"],
                                      bad["image"])
        ecs.update_service(cluster=bad["cluster"], service=bad["service"], taskDefinition=arn)
        log(f"scenario: {bad['service']} deploys {arn.rsplit('/', 1)[1]} ({bad['image']})", logfh)
    if stop.wait(delay * 2):
        return
    if any(s["name"] == "web" for s in world["services"]):
        ecs.update_service(cluster="prod", service="web", forceNewDeployment=True)
        log("scenario: web rolls out a forced new deployment", logfh)
    # The layer must have seen payments and search before they change (the console's first
    # refresh): a change it never saw before is only their current state.
    names = {s["name"] for s in world["services"]}
    if stop.wait(delay * 2):
        return
    if "payments" in names:
        redeploy(ecs, "payments", logfh)
    # Again and again (a change the layer saw nobody read before is lost to the story):
    # search every 20 delays, payments every 40 (its hook times out and rolls back first).
    rounds = 0
    while not stop.wait(delay * 20):
        rounds += 1
        if "search" in names:
            redeploy(ecs, "search", logfh)
        if "payments" in names and rounds % 2 == 0:
            redeploy(ecs, "payments", logfh)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    seed_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, seed_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 (default): a free port")
    ap.add_argument("--port-file", help="write the port here once the server answers")
    ap.add_argument("--ready-file", help="write the world summary (JSON) here when ready")
    ap.add_argument("--timing", default=os.environ.get("ONDECK_DEMO_TIMING", "demo"),
                    choices=sorted(animator.TIMINGS))
    ap.add_argument("--size", default="demo", help="seed_world.py --size (default demo)")
    ap.add_argument("--no-seed", action="store_true", help="start with an empty account")
    ap.add_argument("--no-animate", action="store_true", help="moto only, no animator")
    ap.add_argument("--scenario", action="store_true",
                    help="after seeding: checkout deploys a broken image, web a new deployment")
    ap.add_argument("--log", help="append the animator's and the seeder's messages here")
    args = ap.parse_args(argv)

    err = animator.check_moto_version()
    if err:
        log(err)
        return 2
    t0 = time.monotonic()
    logfh = open(args.log, "a", buffering=1) if args.log else sys.stderr
    # werkzeug's access log would flood the console's terminal: errors only.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    try:
        server = make_server(args.host, args.port, animator.LockedApp(app), threaded=True)
    except OSError as e:
        log(f"cannot listen on {args.host}:{args.port}: {e}")
        return 2
    port = server.server_port
    endpoint = f"http://{args.host}:{port}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="moto",
                     daemon=True).start()

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    if args.port_file:
        write_atomic(args.port_file, f"{port}\n")

    world = {"endpoint": endpoint, "region": "us-east-1", "services": []}
    if not args.no_seed:
        import seed_world
        try:
            world = seed_world.seed(["--endpoint", endpoint, "--size", args.size] + seed_args)
        except SystemExit as e:
            log(f"seeding failed: {e}")
            server.shutdown()
            return 1
        except Exception as e:
            log(f"seeding failed: {type(e).__name__}: {e}")
            server.shutdown()
            return 1

    anim = None
    if not args.no_animate:
        anim = animator.Animator(endpoint, timing=args.timing,
                                 region=world.get("region", "us-east-1"),
                                 log=lambda m: print(m, file=logfh, flush=True))
        anim.start()
        # The first tick adopts the seeded services (their deployments become COMPLETED).
        deadline = time.monotonic() + 30
        while anim.ticks < 2 and time.monotonic() < deadline and not stop.is_set():
            time.sleep(0.02)
    if args.scenario and anim is not None:
        threading.Thread(target=scenario, args=(endpoint, world, args.timing, stop, logfh),
                         name="scenario", daemon=True).start()

    world = dict(world, endpoint=endpoint, timing=args.timing,
                 animated=anim is not None, pid=os.getpid(),
                 ready_seconds=round(time.monotonic() - t0, 3))
    if args.ready_file:
        write_atomic(args.ready_file, json.dumps(world, indent=2) + "\n")
    print(f"endpoint: {endpoint}", flush=True)
    log(f"ready in {world['ready_seconds']} s on {endpoint} "
        f"({len(world.get('services', []))} services, timing {args.timing})", logfh)

    while not stop.wait(0.2):
        pass
    t1 = time.monotonic()
    if anim is not None:
        anim.stop()
    t2 = time.monotonic()
    server.shutdown()
    log(f"stopped (animator {t2 - t1:.2f} s, server {time.monotonic() - t2:.2f} s)", logfh)
    # Tearing down moto's backends at interpreter exit takes seconds; nothing is left to save.
    sys.stdout.flush()
    logfh.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
