#!/usr/bin/env python3
"""tm vs s6: program sizes, memory per supervisor, boot time, client and
restart latency.

Each system runs as PID 1 of a fresh PID namespace on a tree of N services
whose run is the same tiny static program. The boot time is the latest
state-change stamp in the status files minus the wall-clock start: the
poller that waits for the end runs only every 50 ms, so that it does not
compete for the CPU with what it measures. Client commands are timed by
bench/spawn (posix_spawn and wait, median of many runs) against the same
spawn of a static program that does nothing: the floor."""

import os, shutil, statistics, struct, subprocess, sys, tempfile, time

BIN, IDLE, STORM = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
SPAWN, TRUE = os.path.abspath(sys.argv[4]), os.path.abspath(sys.argv[5])
SIZES = [int(n) for n in sys.argv[6:]] or [100, 1000]
HAVE_TINI = shutil.which("tini") is not None
RESTARTS = int(os.environ.get("BENCH_RESTARTS", "50"))
HAVE_S6 = shutil.which("s6-svscan") is not None
TAI_UTC = 37            # skalibs labels with the current TAI-UTC offset
FILESYSTEMS = [f for f in [("tmpfs", "/dev/shm"), ("disk", None)]
               if f[0] in os.environ.get("BENCH_FS", "tmpfs,disk").split(",")]
CLIENT_RUNS = int(os.environ.get("BENCH_CLIENT_RUNS", "200"))
S6_PROGRAMS = ["s6-svscan", "s6-supervise", "s6-svc", "s6-svstat"]
# s6 built static with musl as s6-overlay ships it (bench/build-static-s6), when it could be
S6_STATIC = os.environ.get("BENCH_S6_STATIC", "")
if S6_STATIC and not os.path.exists(os.path.join(S6_STATIC, "s6-supervise")):
    S6_STATIC = ""


def make_tree(root, n):
    for i in range(n):
        d = os.path.join(root, "svc%04d" % i)
        os.makedirs(d)
        os.symlink(IDLE, os.path.join(d, "run"))


def tm_up(d):
    try:
        with open(os.path.join(d, "supervise/status")) as f:
            return "\nstate=RUNNING\n" in f.read()
    except OSError:
        return False


def s6_up(d):
    try:
        with open(os.path.join(d, "supervise/status"), "rb") as f:
            b = f.read()
        return len(b) >= 32 and struct.unpack(">Q", b[24:32])[0] != 0
    except OSError:
        return False


def tm_stamp(d):
    with open(os.path.join(d, "supervise/status")) as f:
        for line in f:
            if line.startswith("since="):
                return float(line[6:])
    return 0


def s6_stamp(d):
    # TAI64N label: 2^62 + TAI-UTC + unix seconds
    with open(os.path.join(d, "supervise/status"), "rb") as f:
        b = f.read(12)
    sec, nano = struct.unpack(">QL", b)
    return sec - (1 << 62) - TAI_UTC + nano / 1e9


def s6_pid(d):
    with open(os.path.join(d, "supervise/status"), "rb") as f:
        return struct.unpack(">Q", f.read()[24:32])[0]


def tm_pid(d):
    with open(os.path.join(d, "supervise/status")) as f:
        for line in f:
            if line.startswith("pid="):
                return int(line[4:])
    return 0


def pss_kb(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def parent(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def pids_named(name):
    out = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def run_system(kind, n, fsdir):
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    sd = os.path.join(root, "sv")
    os.makedirs(sd)
    make_tree(sd, n)
    dirs = [os.path.join(sd, x) for x in sorted(os.listdir(sd)) if x[0] != "."]
    if kind == "tm":
        cmd = [os.path.join(BIN, "tm-svscan"), "-c", str(n + 10), "-d", sd]
        up, getpid, stamp = tm_up, tm_pid, tm_stamp
        sup = "tm-supervise"
    else:
        cmd = ["s6-svscan", "-c", str(n + 10), sd]
        up, getpid, stamp = s6_up, s6_pid, s6_stamp
        sup = "s6-supervise"
    env = dict(os.environ, PATH=BIN + ":" + os.environ["PATH"])
    t0 = time.monotonic()
    wall0 = time.time()
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    pending = list(dirs)
    while pending:
        pending = [d for d in pending if not up(d)]
        if time.monotonic() - t0 > 120:
            raise SystemExit("%s: %d services not up after 120 s" % (kind, len(pending)))
        time.sleep(0.05)
    boot = max(stamp(d) for d in dirs) - wall0
    time.sleep(0.5)
    ns1 = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()]
    sups = [p for p in pids_named(sup) if ns1 and parent(p) == ns1[0]]
    pss = pss_kb(sups)
    scanner = pss_kb(ns1)
    # restart latency: the suite's client sends the command, the same poller
    # (every 0.5 ms) sees the new pid up; and tm-ctl restart --wait end to end
    d = dirs[0]
    lat, lat_wait = [], []
    for i in range(RESTARTS):
        time.sleep(1.2)  # s6-supervise waits 1 s before restarting a run younger than that
        old = getpid(d)
        t = time.monotonic()
        if kind == "tm":
            subprocess.run([os.path.join(BIN, "tm-ctl"), "-d", sd, "restart", os.path.basename(d)], check=True)
        else:
            subprocess.run(["s6-svc", "-r", d], check=True)
        while True:
            p = getpid(d)
            if p and p != old and up(d):
                break
            if time.monotonic() - t > 10:
                raise SystemExit("%s: no restart after 10 s" % kind)
            time.sleep(0.0005)
        lat.append(time.monotonic() - t)
        if kind == "tm":
            t = time.monotonic()
            subprocess.run([os.path.join(BIN, "tm-ctl"), "-d", sd, "restart", os.path.basename(d), "--wait", "-t", "10"], check=True)
            lat_wait.append(time.monotonic() - t)
    # unshare ignores SIGTERM: signal the namespace's PID 1, its child
    for p in ns1:
        os.kill(p, 15)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(root, ignore_errors=True)
    return {"boot": boot, "pss": pss / max(len(sups), 1), "nsup": len(sups),
            "scanner": scanner, "restart": statistics.median(lat), "restart_min": min(lat),
            "restart_wait": statistics.median(lat_wait) if lat_wait else None}


def ns_child(proc):
    for _ in range(500):
        out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if out:
            return int(out[0])
        time.sleep(0.01)
    raise SystemExit("namespace did not start")


def stop_ns(proc, ns1):
    try:
        os.kill(ns1, 15)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def write_config(path, n):
    with open(path, "w") as f:
        f.write("[timeouts]\nglobal_shutdown_timeout = 60\n")
        for i in range(n):
            f.write('[[services]]\nname = "svc%04d"\ncommand = "%s"\nrestart = "always"\n' % (i, IDLE))


def tm_init_boot(n, fsdir):
    """tm-init from start to every service RUNNING (compile included), then
    SIGTERM to exit: the graceful shutdown time."""
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    cfg, sd = os.path.join(root, "services.toml"), os.path.join(root, "sv")
    write_config(cfg, n)
    env = dict(os.environ, PATH=BIN + ":" + os.environ["PATH"])
    wall0 = time.time()
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
                             os.path.join(BIN, "tm-init"), "-c", cfg, "-d", sd],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ns1 = ns_child(proc)
    names = ["svc%04d" % i for i in range(n)]
    deadline = time.monotonic() + 120
    while True:
        dirs = [os.path.join(sd, x) for x in names]
        if os.path.isdir(sd) and all(tm_up(d) for d in dirs):
            break
        if time.monotonic() > deadline:
            raise SystemExit("tm-init: not up after 120 s")
        time.sleep(0.05)
    boot = max(tm_stamp(d) for d in dirs) - wall0
    t = time.monotonic()
    stop_ns(proc, ns1)
    down = time.monotonic() - t
    shutil.rmtree(root, ignore_errors=True)
    return boot, down


def s6_shutdown(n, fsdir):
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    sd = os.path.join(root, "sv")
    os.makedirs(sd)
    make_tree(sd, n)
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "s6-svscan", "-c", str(n + 10), sd],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ns1 = ns_child(proc)
    dirs = [os.path.join(sd, x) for x in sorted(os.listdir(sd)) if x[0] != "."]
    while not all(s6_up(d) for d in dirs):
        time.sleep(0.05)
    t = time.monotonic()
    # s6-svscan as PID 1 does not exit on SIGTERM: its own command does it
    subprocess.run(["s6-svscanctl", "-t", sd], check=True)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    down = time.monotonic() - t
    shutil.rmtree(root, ignore_errors=True)
    return down


def zombie_storm(kind, n=2000):
    """PID 1 of a namespace gets n orphans that exit at once: time until it
    has reaped them all (its children list is back to what it was)."""
    root = tempfile.mkdtemp(prefix="tm-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    sd = os.path.join(root, "sv")
    os.makedirs(sd)
    if kind == "tm":
        cmd = [os.path.join(BIN, "tm-svscan"), "-d", sd]
    elif kind == "s6":
        cmd = ["s6-svscan", sd]
    else:
        cmd = ["tini", "-s", "--", IDLE]
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ns1 = ns_child(proc)
    time.sleep(0.3)
    children = "/proc/%d/task/%d/children" % (ns1, ns1)
    with open(children) as f:
        base = len(f.read().split())
    storm = subprocess.Popen(["nsenter", "-t", str(ns1), "-p", "-m", "--", STORM, str(n)],
                             stdout=subprocess.PIPE)
    storm.stdout.readline()      # "go": the orphans are exiting now
    t = time.monotonic()
    while True:
        with open(children) as f:
            left = len(f.read().split()) - base
        if left <= 0:
            break
        if time.monotonic() - t > 30:
            raise SystemExit("%s: %d zombies left after 30 s" % (kind, left))
        time.sleep(0.0005)
    took = time.monotonic() - t
    storm.wait()
    stop_ns(proc, ns1)
    shutil.rmtree(root, ignore_errors=True)
    return took


def check_time(n):
    root = tempfile.mkdtemp(prefix="tm-bench.")
    cfg = os.path.join(root, "services.toml")
    write_config(cfg, n)
    res = {}
    for mode in (["--offline"], []):
        runs = []
        for _ in range(15):
            t = time.monotonic()
            subprocess.run([os.path.join(BIN, "tm-ctl"), "check"] + mode + [cfg], check=True, stdout=subprocess.DEVNULL)
            runs.append(time.monotonic() - t)
        res[" ".join(mode) or "online"] = statistics.median(runs)
    shutil.rmtree(root, ignore_errors=True)
    return res


def linkage(path):
    out = subprocess.run(["file", "-L", path], capture_output=True, text=True).stdout
    return "static" if "statically linked" in out else "dynamic"


def sizes_section():
    print("program sizes (bytes, as installed)")
    total = 0
    for p in ["tm-init", "tm-svscan", "tm-supervise", "tm-ctl"]:
        path = os.path.join(BIN, p)
        n = os.path.getsize(path)
        total += n
        print("  %-14s %8d  %s" % (p, n, linkage(path)))
    print("  %-14s %8d" % ("tm total", total))
    if HAVE_S6:
        total = 0
        for p in S6_PROGRAMS:
            path = shutil.which(p)
            n = os.path.getsize(path)
            total += n
            print("  %-14s %8d  %s" % (p, n, linkage(path)))
        libs = set()
        out = subprocess.run(["ldd", shutil.which("s6-supervise"), shutil.which("s6-svc")], capture_output=True, text=True).stdout
        for line in out.split("\n"):
            parts = line.split("=>")
            if len(parts) == 2 and ("skarnet" in parts[0] or "libs6" in parts[0]):
                libs.add(os.path.realpath(parts[1].split("(")[0].strip()))
        for lib in sorted(libs):
            n = os.path.getsize(lib)
            total += n
            print("  %-14s %8d  shared library" % (os.path.basename(lib), n))
        print("  %-14s %8d  (plus glibc)" % ("s6 total", total))
    print(flush=True)


def spawn_time(argv, runs, pause_ms=0):
    out = subprocess.run([SPAWN, str(runs), str(pause_ms)] + argv, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit("bench: %s failed: %s" % (" ".join(argv), out.stderr.strip()))
    med, mn = out.stdout.split()
    return float(med), float(mn)


def boot_tree(kind, n, fsdir):
    """a running system of n services; returns (proc, ns1, root, sd, dirs)"""
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    sd = os.path.join(root, "sv")
    os.makedirs(sd)
    make_tree(sd, n)
    dirs = [os.path.join(sd, x) for x in sorted(os.listdir(sd)) if x[0] != "."]
    cmd = [os.path.join(BIN, "tm-svscan"), "-c", str(n + 10), "-d", sd] if kind == "tm" else ["s6-svscan", "-c", str(n + 10), sd]
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ns1 = ns_child(proc)
    up = tm_up if kind == "tm" else s6_up
    deadline = time.monotonic() + 120
    while not all(up(d) for d in dirs):
        if time.monotonic() > deadline:
            raise SystemExit("%s: not up after 120 s" % kind)
        time.sleep(0.05)
    time.sleep(0.5)
    return proc, ns1, root, sd, dirs


def clients_section():
    """tm-ctl status vs s6-svstat vs the floor; tm-ctl restart --wait vs
    s6-svc -wR -r (one second apart: s6-supervise throttles restarts)"""
    n = 100
    fsdir = "/dev/shm" if os.path.isdir("/dev/shm") else None
    restarts = int(os.environ.get("BENCH_RESTARTS", "50"))
    print("clients, on %d services on tmpfs: median / min (ms) of %d runs (restarts: %d runs, 1.2 s apart)" % (n, CLIENT_RUNS, restarts))
    med, mn = spawn_time([TRUE], CLIENT_RUNS)
    print("  %-34s %8.3f / %.3f" % ("floor: static true (%s)" % linkage(TRUE), med, mn), flush=True)
    for kind in ["tm"] + (["s6"] if HAVE_S6 else []):
        proc, ns1, root, sd, dirs = boot_tree(kind, n, fsdir)
        try:
            d = dirs[0]
            if kind == "tm":
                status = [os.path.join(BIN, "tm-ctl"), "-d", sd, "status", os.path.basename(d)]
                restart = [os.path.join(BIN, "tm-ctl"), "-d", sd, "restart", os.path.basename(d), "--wait", "-t", "10"]
            else:
                status = [shutil.which("s6-svstat"), d]
                restart = [shutil.which("s6-svc"), "-wR", "-T", "10000", "-r", d]
            med, mn = spawn_time(status, CLIENT_RUNS)
            print("  %-34s %8.3f / %.3f" % ("tm-ctl status NAME" if kind == "tm" else "s6-svstat DIR", med, mn), flush=True)
            med, mn = spawn_time(restart, restarts, 1200)
            print("  %-34s %8.3f / %.3f" % ("tm-ctl restart NAME --wait" if kind == "tm" else "s6-svc -wR -r DIR", med, mn), flush=True)
        finally:
            stop_ns(proc, ns1)
            shutil.rmtree(root, ignore_errors=True)
    print(flush=True)


def cpu_cycle(kind, n, fsdir):
    """boot of n services and their shutdown under perf stat: CPU time
    (task-clock, every process of the system) and page faults. Less
    sensitive to a busy machine than wall-clock times."""
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    sd = os.path.join(root, "sv")
    os.makedirs(sd)
    make_tree(sd, n)
    dirs = [os.path.join(sd, x) for x in sorted(os.listdir(sd)) if x[0] != "."]
    out = os.path.join(root, "perf")
    cmd = [os.path.join(BIN, "tm-svscan"), "-c", str(n + 10), "-d", sd] if kind == "tm" else ["s6-svscan", "-c", str(n + 10), sd]
    wall0 = time.time()
    proc = subprocess.Popen(["perf", "stat", "-x,", "-e", "task-clock,page-faults", "-o", out,
                             "unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    up, stamp = (tm_up, tm_stamp) if kind == "tm" else (s6_up, s6_stamp)
    deadline = time.monotonic() + 120
    while not all(up(d) for d in dirs):
        if time.monotonic() > deadline:
            raise SystemExit("%s: not up after 120 s" % kind)
        time.sleep(0.05)
    boot = max(stamp(d) for d in dirs) - wall0
    if kind == "tm":
        subprocess.run([os.path.join(BIN, "tm-ctl"), "-d", sd, "shutdown"], check=True)
    else:
        subprocess.run(["s6-svscanctl", "-t", sd], check=True)
    proc.wait(timeout=120)
    res = {"boot": boot}
    with open(out) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) > 2 and parts[2] in ("task-clock", "page-faults"):
                res[parts[2]] = float(parts[0])
    shutil.rmtree(root, ignore_errors=True)
    return res


def cpu_section(kinds):
    if not shutil.which("perf"):
        print("cpu: no perf: skipped\n")
        return
    fsdir = "/dev/shm" if os.path.isdir("/dev/shm") else None
    print("boot of N services, then shutdown, on tmpfs: wall boot (s), CPU of the whole system (ms, perf task-clock), page faults")
    for n in SIZES:
        for k in kinds:
            r = cpu_cycle(k, n, fsdir)
            print("%-4s %6d  %8.3f  %10.0f  %10.0f" % (k, n, r["boot"], r.get("task-clock", 0), r.get("page-faults", 0)), flush=True)
    print(flush=True)


def descendants(pid):
    """pid's descendants (not pid), by name"""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            kids.setdefault(parent(int(d)), []).append(int(d))
    out, todo = {}, list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/comm" % p) as f:
                out.setdefault(f.read().strip(), []).append(p)
        except OSError:
            pass
        todo += kids.get(p, [])
    return out


def memory_tree(kind, n, logged, fsdir):
    """a system of n idle services, each of them logged (its one line in a
    file: tm's output-file, s6's log/ service running s6-log) or not; returns
    {process name: (count, total Pss KiB)} and the scanner's Pss"""
    root = tempfile.mkdtemp(prefix="tm-bench.", dir=fsdir)
    sd = os.path.join(root, "sv")
    logs = os.path.join(root, "logs")
    os.makedirs(logs)
    for i in range(n):
        d = os.path.join(sd, "svc%04d" % i)
        os.makedirs(d)
        if not logged:
            os.symlink(IDLE, os.path.join(d, "run"))
            continue
        with open(os.path.join(d, "run"), "w") as f:
            f.write("#!/bin/sh\nexec %s 'svc%04d started'\n" % (IDLE, i))
        os.chmod(os.path.join(d, "run"), 0o755)
        if kind == "tm":
            with open(os.path.join(d, "output-file"), "w") as f:
                f.write(os.path.join(logs, "svc%04d.log" % i) + "\n")
        else:
            os.makedirs(os.path.join(d, "log"))
            with open(os.path.join(d, "log", "run"), "w") as f:
                f.write("#!/bin/sh\nexec s6-log -b n2 s1000000 %s\n" % os.path.join(logs, "svc%04d" % i))
            os.chmod(os.path.join(d, "log", "run"), 0o755)
    dirs = [os.path.join(sd, x) for x in sorted(os.listdir(sd))]
    env = dict(os.environ)
    if kind == "tm":
        cmd = [os.path.join(BIN, "tm-svscan"), "-c", str(2 * n + 10), "-d", sd]
    else:
        bindir = S6_STATIC if kind == "s6-static" else os.path.dirname(shutil.which("s6-svscan"))
        env["PATH"] = bindir + ":" + env["PATH"]
        cmd = [os.path.join(bindir, "s6-svscan"), "-c", str(2 * n + 10), sd]
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ns1 = ns_child(proc)
    up = tm_up if kind == "tm" else s6_up

    def logged_line(i):
        f = os.path.join(logs, "svc%04d.log" % i) if kind == "tm" else os.path.join(logs, "svc%04d" % i, "current")
        try:
            return os.path.getsize(f) > 0
        except OSError:
            return False
    deadline = time.monotonic() + 180
    while not all(up(d) for d in dirs) or (logged and not all(logged_line(i) for i in range(n))):
        if time.monotonic() > deadline:
            raise SystemExit("%s: not up after 180 s" % kind)
        time.sleep(0.1)
    time.sleep(1)
    procs = descendants(ns1)
    res = {name: (len(pids), pss_kb(pids)) for name, pids in procs.items()
           if name in ("tm-supervise", "s6-supervise", "s6-log")}
    scanner = pss_kb([ns1])
    stop_ns(proc, ns1)
    shutil.rmtree(root, ignore_errors=True)
    return res, scanner


def memory_section():
    """the memory a service costs: its supervision (and its logger), idle,
    mean Pss per service; tm and s6 both static when s6 could be built so"""
    fsdir = "/dev/shm" if os.path.isdir("/dev/shm") else None
    kinds = ["tm"] + (["s6-static"] if S6_STATIC else []) + (["s6"] if HAVE_S6 else [])
    if not S6_STATIC:
        print("(no static s6: bench/build-static-s6 could not build it, see above)")
    print("memory per service, idle, on tmpfs: Pss (KiB) of its supervision processes; logged: one line written to a file")
    print("%-10s %6s %-7s %12s %10s  %s" % ("", "N", "logged", "KiB/service", "scanner", "processes per service (KiB each)"))
    for n in SIZES:
        for logged in (False, True):
            for k in kinds:
                res, scanner = memory_tree(k, n, logged, fsdir)
                total = sum(pss for _, pss in res.values())
                detail = ", ".join("%s x%g %.1f" % (name, count / n, pss / max(count, 1)) for name, (count, pss) in sorted(res.items()))
                print("%-10s %6d %-7s %12.1f %10d  %s" % (k, n, "yes" if logged else "no", total / n, scanner, detail), flush=True)
    print(flush=True)


def main():
    kinds = ["tm"] + (["s6"] if HAVE_S6 else [])
    sections = os.environ.get("BENCH_SECTIONS", "sizes,memory,supervision,cpu,clients,init,storm,check").split(",")
    if "sizes" in sections:
        sizes_section()
    if "memory" in sections:
        memory_section()
    if "cpu" in sections:
        cpu_section(kinds)
    if "supervision" in sections:
        supervision(kinds)
    if "clients" in sections:
        clients_section()
    if "init" in sections:
        init_section()
    if "storm" in sections:
        storm_section()
    if "check" in sections:
        check_section()


def supervision(kinds):
    print("restart: median and min of %d; boot: start to the last service up; Pss: mean per supervisor" % RESTARTS)
    print("%-4s %-6s %6s  %10s  %12s  %12s  %12s  %9s  %12s" % ("", "fs", "N", "boot (s)", "Pss/svc (KB)", "scanner (KB)", "restart (ms)", "min (ms)", "--wait (ms)"))
    for fsname, fsdir in FILESYSTEMS:
        if fsdir and not os.path.isdir(fsdir):
            continue
        for n in SIZES:
            for k in kinds:
                r = run_system(k, n, fsdir)
                rw = "%.2f" % (r["restart_wait"] * 1000) if r["restart_wait"] is not None else "-"
                print("%-4s %-6s %6d  %10.3f  %12.1f  %12d  %12.2f  %9.2f  %12s" % (k, fsname, n, r["boot"], r["pss"], r["scanner"], r["restart"] * 1000, r["restart_min"] * 1000, rw), flush=True)



def init_section():
    print("\ntm-init from start to all RUNNING (compile included); graceful shutdown (SIGTERM to exit)")
    print("%-12s %-6s %6s  %10s  %12s" % ("", "fs", "N", "boot (s)", "shutdown (s)"))
    for fsname, fsdir in FILESYSTEMS:
        if fsdir and not os.path.isdir(fsdir):
            continue
        for n in SIZES:
            boot, down = tm_init_boot(n, fsdir)
            print("%-12s %-6s %6d  %10.3f  %12.3f" % ("tm-init", fsname, n, boot, down), flush=True)
            if HAVE_S6:
                print("%-12s %-6s %6d  %10s  %12.3f" % ("s6-svscan", fsname, n, "(above)", s6_shutdown(n, fsdir)), flush=True)



def storm_section():
    print("\nzombie storm: 2000 orphans exit at once; time until PID 1 reaped them all (median of 5)")
    for k in ["tm"] + (["tini"] if HAVE_TINI else []) + (["s6"] if HAVE_S6 else []):
        t = statistics.median(zombie_storm(k) for _ in range(5))
        print("%-12s %10.1f ms" % ({"tm": "tm-svscan", "s6": "s6-svscan"}.get(k, k), t * 1000), flush=True)



def check_section():
    print("\ntm-ctl check, median of 15 runs")
    for n in SIZES:
        r = check_time(n)
        print("%6d services: --offline %7.1f ms, online %7.1f ms" % (n, r["--offline"] * 1000, r["online"] * 1000), flush=True)


main()
