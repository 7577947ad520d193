#!/usr/bin/python3
"""bench_irc.py -- end-to-end IRC latency of techpay over a loopback ngircd.

ngircd runs with penalties off (MaxPenaltyTime = 0, DefaultUserModes = F)
and the bot with its own flood limit lifted, so the figures are the
bot's, not the rate limits'.  Server, bot and load share one CPU
(taskset).  Beside the bot, in the same run: the server's PING -> PONG
round trip and a zero-work responder (a few lines that answer every
question with a fixed line) as the floor.  Usage: bench_irc.py TECHPAY
"""
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from harness import free_port, start_ngircd  # noqa: E402

BOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/techpay")
CPU = os.environ.get("BENCH_CPU", "1")
SEQ_N = int(os.environ.get("BENCH_SEQ_N", "300"))  # sequential questions
LOAD_CLIENTS, LOAD_RATE, LOAD_SECONDS = 20, 50, 10
# BENCH_STRACE=FILE: count the bot's system calls over its own runs
# (strace -c -f) and print them per answer
STRACE = os.environ.get("BENCH_STRACE")
QUESTION = "!salary sre"
# the zero-work responder answers "?..." only: one answer per question,
# or the second answer to a client waits on Nagle and delayed ACKs
tmp = tempfile.mkdtemp(prefix="techpay-bench-")


PORT = free_port()


SERIAL = [0]


class Client:
    def __init__(self, nick, chan="#bench"):
        SERIAL[0] += 1      # every connection its own nick
        nick = "%s%d" % (nick[:8], SERIAL[0])
        self.nick = nick
        self.s = socket.create_connection(("127.0.0.1", PORT))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.send("NICK %s\r\nUSER %s 0 * :bench\r\n" % (nick, nick))
        self.wait(lambda l: " 001 " in l)
        if chan:
            self.send("JOIN %s\r\n" % chan)
            self.wait(lambda l: " 366 " in l)

    def send(self, text):
        self.s.sendall(text.encode())

    def lines(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError
        self.buf += data
        *done, self.buf = self.buf.split(b"\r\n")
        for l in done:
            l = l.decode("utf-8", "replace")
            if l.startswith("PING"):
                self.send("PONG" + l[4:] + "\r\n")
            yield l

    def wait(self, pred):
        while True:
            for l in self.lines():
                if pred(l):
                    return l


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))]


def fmt(us):
    return "p50 %7.1f us  p99 %7.1f us" % (pct(us, 0.5), pct(us, 0.99))


def question(responder_nick):
    return ("?" if responder_nick == "zerowork" else "!") + QUESTION[1:]


def sequential(responder_nick, n=SEQ_N):
    c = Client("seq")
    lat = []
    mine = "%s: " % c.nick
    for _ in range(n):
        t0 = time.perf_counter_ns()
        c.send("PRIVMSG #bench :%s\r\n" % question(responder_nick))
        c.wait(lambda l: (":%s!" % responder_nick) in l and mine in l)
        lat.append((time.perf_counter_ns() - t0) / 1000)
    c.s.close()
    return lat


def loaded(responder_nick):
    """LOAD_CLIENTS clients, LOAD_RATE questions/s in all, round robin."""
    sel = selectors.DefaultSelector()
    cs = [Client("ld") for i in range(LOAD_CLIENTS)]
    pending = {c.nick: [] for c in cs}
    lat = []
    for c in cs:
        c.s.setblocking(False)
        sel.register(c.s, selectors.EVENT_READ, c)
    total = LOAD_RATE * LOAD_SECONDS
    interval = 1.0 / LOAD_RATE
    start = time.perf_counter()
    sent = 0
    deadline = start + LOAD_SECONDS + 10
    while (sent < total or any(pending.values())) and \
            time.perf_counter() < deadline:
        now = time.perf_counter()
        while sent < total and now >= start + sent * interval:
            c = cs[sent % len(cs)]
            pending[c.nick].append(time.perf_counter_ns())
            c.s.setblocking(True)
            c.send("PRIVMSG #bench :%s\r\n" % question(responder_nick))
            c.s.setblocking(False)
            sent += 1
        wait = max(0, start + sent * interval - time.perf_counter())
        for key, _ in sel.select(timeout=min(wait, 0.01)):
            c = key.data
            try:
                for l in c.lines():
                    if (":%s!" % responder_nick) in l and \
                            ("%s: " % c.nick) in l and pending[c.nick]:
                        lat.append((time.perf_counter_ns() -
                                    pending[c.nick].pop(0)) / 1000)
            except BlockingIOError:
                pass
    for c in cs:
        c.s.close()
    return lat, sent


def ping_floor(n=SEQ_N):
    c = Client("pinger", chan=None)
    lat = []
    for i in range(n):
        t0 = time.perf_counter_ns()
        c.send("PING :b%d\r\n" % i)
        c.wait(lambda l: "PONG" in l and ("b%d" % i) in l)
        lat.append((time.perf_counter_ns() - t0) / 1000)
    c.s.close()
    return lat


RESPONDER = r'''
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"NICK zerowork\r\nUSER z 0 * :z\r\nJOIN #bench\r\n")
buf = b""
while True:
    d = s.recv(65536)
    if not d: break
    buf += d
    *lines, buf = buf.split(b"\r\n")
    for l in lines:
        if l.startswith(b"PING"): s.sendall(b"PONG" + l[4:] + b"\r\n")
        elif b" PRIVMSG #bench :?" in l:
            nick = l[1:l.index(b"!")]
            s.sendall(b"PRIVMSG #bench :" + nick + b": fixed answer\r\n")
'''


def schedstat_ns(pid):
    total = 0
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
            total += int(f.read().split()[0])
    return total


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])


def syscalls_per_answer(path, answers):
    """Prints strace -c's table as calls per answer."""
    rows = []
    with open(path) as f:
        for l in f:
            w = l.split()
            if len(w) >= 5 and w[0][0].isdigit() and w[-1] != "total":
                calls = int(w[3])
                rows.append((calls, w[-1]))
    rows.sort(reverse=True)
    total = sum(c for c, _ in rows)
    print("techpay system calls per answer: %.2f (strace -c -f, %d answers)"
          % (total / answers, answers))
    for c, name in rows:
        if c / answers >= 0.01:
            print("    %-16s %6.2f" % (name, c / answers))


def main():
    procs = []
    pin = ["taskset", "-c", CPU]
    procs.append(start_ngircd(tmp, PORT, penalties=False, channel="#bench",
                              pin=pin))
    time.sleep(0.5)
    ini = os.path.join(tmp, "bot.ini")
    with open(ini, "w") as f:
        f.write("[bot]\nuser_rate = 1000\nlog_level = warn\n"
                "[network bench]\nservers = 127.0.0.1:%d\ntls = no\n"
                "nick = techpay\nchannels = #bench\nflood_burst = 100\n"
                "flood_interval_ms = 0\nmax_lines = 3\n" % PORT)
    bot = subprocess.Popen(pin + [BOT, "run", "-c", ini],
                           stdout=subprocess.DEVNULL,
                           stderr=open(os.path.join(tmp, "bot.log"), "w"))
    procs.append(bot)
    procs.append(subprocess.Popen(pin + [sys.executable, "-c", RESPONDER,
                                         str(PORT)]))
    time.sleep(1.5)
    os.sched_setaffinity(0, {int(CPU)})
    try:
        print("techpay IRC bench: ngircd (penalties off), bot, load and "
              "floor pinned to CPU %s" % CPU)
        ping = ping_floor()
        print("%-34s %s" % ("server PING -> PONG", fmt(ping)))
        zw = sequential("zerowork")
        print("%-34s %s" % ("zero-work responder, sequential", fmt(zw)))
        zl, _ = loaded("zerowork")
        print("%-34s %s  (%d answers)" % ("zero-work, %d clients %d q/s" % (
            LOAD_CLIENTS, LOAD_RATE), fmt(zl), len(zl)))
        # the bot's CPU over its own runs only
        cpu0 = schedstat_ns(bot.pid)
        tracer = None
        if STRACE:
            # counts only: strace slows the bot, so this run's times and
            # CPU are not comparable with an untraced run's
            tracer = subprocess.Popen(["strace", "-c", "-f", "-o",
                                       STRACE, "-p", str(bot.pid)],
                                      stderr=subprocess.DEVNULL)
            time.sleep(1)
        seq = sequential("techpay")
        cpu_seq = schedstat_ns(bot.pid)
        print("%-34s %s" % ("techpay, sequential", fmt(seq)))
        tl, sent = loaded("techpay")
        cpu1 = schedstat_ns(bot.pid)
        if tracer:
            tracer.send_signal(2)
            tracer.wait(10)
        print("%-34s %s  (%d of %d answered)" % (
            "techpay, %d clients %d q/s" % (LOAD_CLIENTS, LOAD_RATE),
            fmt(tl), len(tl), sent))
        answers = len(seq) + len(tl)
        print("techpay p50 over the zero-work floor, sequential: %+.1f us" %
              (pct(seq, 0.5) - pct(zw, 0.5)))
        print("techpay CPU per answer: %.1f us (schedstat, %d answers, "
              "includes the IRC traffic of the run)" %
              ((cpu1 - cpu0) / 1000 / answers, answers))
        print("techpay CPU per answer, sequential only: %.1f us" %
              ((cpu_seq - cpu0) / 1000 / len(seq)))
        print("techpay RSS with one IRC network: %d kB" % rss_kb(bot.pid))
        if STRACE:
            syscalls_per_answer(STRACE, answers)
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
