"""Times commands on the bench capture, best of N runs, and reports peak RSS (getrusage).

Ratios: sockeye -r against tcpdump -nr (packets/s), sockeye -T fields against sockeye's own
summary lines (the goal: within 2x), and tshark -T fields against sockeye -T fields on the
same columns when tshark is installed (one tshark run: it takes ~30 s).
"""
import os, resource, shutil, subprocess, sys, time

big, count = sys.argv[1], int(sys.argv[2])
extra = sys.argv[3:]
RUNS = int(os.environ.get("RUNS", "3"))


def measure(cmd, runs=RUNS):
    best, rss = None, 0
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execvp(cmd[0], cmd)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            print(f"  {' '.join(cmd)} exited with status {status}")
        best = elapsed if best is None else min(best, elapsed)
        rss = max(rss, usage.ru_maxrss)
    return best, rss / 1024


FIELDS = ["-e", "frame.number", "-e", "ip.src", "-e", "tcp.srcport", "-e", "tcp.seq",
          "-e", "tcp.analysis.retransmission"]
rows = [
    ("tcpdump -nr", ["tcpdump", "-nr", big], RUNS),
    ("sockeye -r", ["./target/release/sockeye", "-r", big], RUNS),
    ("sockeye -T fields", ["./target/release/sockeye", "-r", big, "-T", "fields"] + FIELDS, RUNS),
]
tshark = shutil.which("tshark")
if tshark:
    rows.append(("tshark -T fields", [tshark, "-n", "-r", big, "-T", "fields"] + FIELDS, 1))
for arg in extra:
    rows.append((f"sockeye {arg}", ["./target/release/sockeye", "-r", big] + arg.split(), RUNS))
results = {}
print(f"{count} packets, {os.path.getsize(big) / 1e6:.0f} MB, best of {RUNS}")
for name, cmd, runs in rows:
    secs, rss = measure(cmd, runs)
    results[name] = secs
    print(f"  {name:<22} {secs:7.3f} s  {count / secs / 1e6:6.2f} M pkt/s  peak RSS {rss:6.1f} MB")
base = results["tcpdump -nr"]
print(f"  ratio sockeye -r / tcpdump -nr (packets/s): {base / results['sockeye -r']:.2f}x")
fields = results["sockeye -T fields"]
print(f"  ratio sockeye -T fields time / sockeye -r time: {fields / results['sockeye -r']:.2f}x (goal <= 2x)")
if tshark:
    print(f"  ratio sockeye -T fields / tshark -T fields (packets/s): {results['tshark -T fields'] / fields:.1f}x")
else:
    print("  tshark -T fields: skipped (tshark is not installed)")
