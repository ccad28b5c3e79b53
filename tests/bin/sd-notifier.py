# An sd_notify sender, as the tests' service: sd-notifier.py GO [fork]
# says STATUS=warming up, waits for the file GO, then STATUS=serving and
# READY=1; with fork, a child of its takes over as the main process
# (MAINPID=) and it exits.
import os, socket, sys, time
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"): addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=warming up", addr)
while not os.path.exists(sys.argv[1]): time.sleep(0.02)
s.sendto(b"STATUS=serving\nREADY=1", addr)
print("said ready", flush=True)
if len(sys.argv) > 2:
    # a child of ours takes over as the main process
    pid = os.fork()
    if pid == 0:
        time.sleep(1000)
    s.sendto(b"MAINPID=%d" % pid, addr)
    time.sleep(0.5)
    os._exit(0)
time.sleep(1000)
