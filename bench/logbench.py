#!/usr/bin/env python3
"""The log relay: one service printing N lines of 100 bytes, relayed by
tm-supervise with the [name] prefix (a) to a piped console read by
`cat > file`, (b) to an output_file as well, (c) with log_timestamps;
against s6-log (raw, and with `t`) on the same input. MB/s of input lines,
the relay's CPU seconds, and the lines verified (all there, in order).

usage: logbench.py BINDIR LINES-PROGRAM [N]"""

import os, shutil, subprocess, sys, tempfile, time

BIN, LINES = sys.argv[1], os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else int(os.environ.get("BENCH_LOG_LINES", "2000000"))
LEN = 100
NAME = "svc"
PREFIX = len("[%s] " % NAME)
STAMP = len("2026-11-29T19:00:00.000Z ")
# {"service":"svc","stream":"stdout","time":"2026-11-29T19:00:00.000Z","message":"0000000000 xx...x"}
JSON_SKIP = len('{"service":"svc","stream":"stdout","time":"2026-11-29T19:00:00.000Z","message":"')
JSON_OVERHEAD = JSON_SKIP + len('"}')
RUNS = int(os.environ.get("BENCH_LOG_RUNS", "3"))
# on tmpfs, so that the disk's write-back does not decide the figures
TMPDIR = "/dev/shm" if os.path.isdir("/dev/shm") else None


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def status(d):
    try:
        with open(os.path.join(d, "supervise/status")) as f:
            return dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
    except OSError:
        return {}


def size(p):
    try:
        return os.path.getsize(p)
    except OSError:
        return 0


def verify(path, skip):
    """every line there once, in order: the count of lines whose number is
    the next expected one"""
    want = 0
    with open(path, "rb") as f:
        for line in f:
            if line[skip:skip + 10] == b"%010d" % want:
                want += 1
    return want


def run_tm(tmp, mode):
    sd = os.path.join(tmp, "services")
    svc = os.path.join(sd, NAME)
    os.makedirs(svc)
    with open(os.path.join(svc, "run"), "w") as f:
        f.write("#!/bin/sh\nexec %s %d %d\n" % (LINES, N, LEN))
    os.chmod(os.path.join(svc, "run"), 0o755)
    with open(os.path.join(svc, "restart"), "w") as f:
        f.write("never\n")
    outfile = os.path.join(tmp, "svc.out")
    if mode in ("file",):
        with open(os.path.join(svc, "output-file"), "w") as f:
            f.write(outfile + "\n")
        with open(os.path.join(svc, "output-max-size"), "w") as f:
            f.write("%d\n" % (10 * N * LEN))
    if mode == "stamps":
        open(os.path.join(svc, "log-timestamps"), "w").close()
    if mode in ("plain", "json"):
        os.makedirs(os.path.join(sd, ".tm-svscan"), exist_ok=True)
        with open(os.path.join(sd, ".tm-svscan", "log-format"), "w") as f:
            f.write(mode + "\n")
    console = os.path.join(tmp, "console")
    per_line = {"plain": LEN, "json": LEN + JSON_OVERHEAD}.get(mode, LEN + PREFIX + (STAMP if mode == "stamps" else 0))
    want = N * per_line
    want_file = N * LEN if mode == "file" else 0
    with open(console, "wb") as out:
        cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=out)
        t0 = time.time()
        scan = subprocess.Popen([os.path.join(BIN, "tm-svscan"), "-d", sd], stdout=cat.stdin, stderr=subprocess.DEVNULL)
        cat.stdin.close()
        sup = 0
        while size(console) < want or size(outfile) < want_file:
            if time.time() - t0 > 300:
                break
            if not sup:
                sup = int(status(svc).get("supervisor", "0") or 0)
            time.sleep(0.005)
        elapsed = time.time() - t0
        cpu = cpu_seconds(sup) if sup else float("nan")
        scan.terminate()
        scan.wait()
        cat.wait()
    ok = verify(console, {"plain": 0, "json": JSON_SKIP}.get(mode, PREFIX + (STAMP if mode == "stamps" else 0)))
    if mode == "file":
        ok = min(ok, verify(outfile, 0))
    return elapsed, cpu, ok


def run_s6(tmp, stamps):
    logdir = os.path.join(tmp, "log")
    t0 = time.time()
    prod = subprocess.Popen([LINES, str(N), str(LEN)], stdout=subprocess.PIPE)
    log = subprocess.Popen(["s6-log", "n2", "s268435455"] + (["t"] if stamps else []) + [logdir], stdin=prod.stdout)
    prod.stdout.close()
    cpu = 0.0
    while log.poll() is None:
        cpu = cpu_seconds(log.pid)
        time.sleep(0.005)
    elapsed = time.time() - t0
    prod.wait()
    ok = verify(os.path.join(logdir, "current"), 26 if stamps else 0)
    return elapsed, cpu, ok


def best(f):
    runs = []
    for _ in range(RUNS):
        tmp = tempfile.mkdtemp(prefix="tm-logbench.", dir=TMPDIR)
        try:
            runs.append(f(tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return min(runs, key=lambda r: r[0])


def row(label, r):
    elapsed, cpu, ok = r
    mb = N * LEN / 1e6
    print("| %-40s | %8.1f | %6.2f | %6.2f | %s |" % (label, mb / elapsed, elapsed, cpu, "all %d" % N if ok == N else "%d of %d" % (ok, N)))


def logs_ctl_bench():
    """tm-ctl logs -n 100 over 100 services of 200 lines each: median time;
    and the CPU tm-ctl logs -f takes in 5 s over them, idle."""
    tmp = tempfile.mkdtemp(prefix="tm-logbench.", dir=TMPDIR)
    sd = os.path.join(tmp, "services")
    try:
        for i in range(100):
            svc = os.path.join(sd, "s%03d" % i)
            os.makedirs(svc)
            with open(os.path.join(svc, "run"), "w") as f:
                f.write("#!/bin/sh\n%s 200 80\nexec sleep 1000\n" % LINES)
            os.chmod(os.path.join(svc, "run"), 0o755)
        scan = subprocess.Popen([os.path.join(BIN, "tm-svscan"), "-d", sd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.time()
        while time.time() - t0 < 60:
            if all(size(os.path.join(sd, "s%03d" % i, "supervise/log")) for i in range(100)):
                break
            time.sleep(0.1)
        time.sleep(1)
        ctl = [os.path.join(BIN, "tm-ctl"), "-d", sd, "logs", "-n", "100"]
        times = []
        for _ in range(20):
            t = time.time()
            subprocess.run(ctl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.time() - t)
        times.sort()
        f = subprocess.Popen(ctl[:-2] + ["-f", "-n", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)
        cpu = cpu_seconds(f.pid)
        f.kill()
        f.wait()
        scan.terminate()
        scan.wait()
        print("\n`tm-ctl logs -n 100` over 100 services: median %.1f ms (min %.1f); `tm-ctl logs -f` over them, idle, 5 s: %.2f s CPU\n"
              % (times[10] * 1000, times[0] * 1000, cpu))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    print("\n## Log relay: %d lines of %d bytes, best of %d runs, files on %s\n" % (N, LEN, RUNS, TMPDIR or "disk"))
    print("| relay | MB/s | seconds | relay CPU s | lines in order |")
    print("|---|---|---|---|---|")
    row("tm, prefix, piped console (a)", best(lambda t: run_tm(t, "console")))
    row("tm, prefix, console + output_file (b)", best(lambda t: run_tm(t, "file")))
    row("tm, prefix + log_timestamps (c)", best(lambda t: run_tm(t, "stamps")))
    row("tm, plain, piped console", best(lambda t: run_tm(t, "plain")))
    row("tm, json, piped console", best(lambda t: run_tm(t, "json")))
    if shutil.which("s6-log"):
        row("s6-log, raw, to its directory", best(lambda t: run_s6(t, False)))
        row("s6-log t (TAI64N stamps)", best(lambda t: run_s6(t, True)))
    else:
        print("(s6-log not installed: apt-get install s6)")
    logs_ctl_bench()


if __name__ == "__main__":
    main()
