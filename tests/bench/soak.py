#!/usr/bin/env python3
"""soak.py -- a bounded soak: 10 questions a second for DURATION seconds,
half over IRC (ngircd, penalties off) and half over Matrix (Synapse), to
one release bot; RSS sampled every 30 s.  Not part of make test: run
    build/synapse-venv/bin/python tests/soak/soak.py build/techpay 1800
and read the table it prints (flat RSS is the goal).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "lib")]
from harness import free_port, start_ngircd  # noqa: E402
from synapse import Synapse  # noqa: E402

BOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/techpay")
DURATION = int(sys.argv[2]) if len(sys.argv) > 2 else 1800
TMP = tempfile.mkdtemp(prefix="techpay-soak-")
QUESTIONS = ["!salary sre", "!skills devops", "!compare sre, devops",
             "!top 5", "techpay: how much does a data scientist make?",
             "!whoneeds python", "!roles", "!highlight", "!tips",
             "techpay: what does a ciso earn?"]
stats = {"irc_sent": 0, "irc_got": 0, "mx_sent": 0, "mx_got": 0}
stop = threading.Event()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return 0


def irc_load(port, nick, rate):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("NICK %s\r\nUSER s 0 * :s\r\nJOIN #soak\r\n" % nick).encode())
    buf = b""
    s.settimeout(0.05)
    i = 0
    nxt = time.time() + 3
    while not stop.is_set():
        if time.time() >= nxt:
            q = QUESTIONS[i % len(QUESTIONS)]
            s.sendall(("PRIVMSG #soak :%s\r\n" % q).encode())
            stats["irc_sent"] += 1
            i += 1
            nxt += 1.0 / rate
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        buf += chunk
        while b"\r\n" in buf:
            ln, buf = buf.split(b"\r\n", 1)
            if ln.startswith(b"PING"):
                s.sendall(b"PONG" + ln[4:] + b"\r\n")
            elif ln.startswith(b":techpay!") and (b" :%s: " % nick.encode()
                                                  in ln):
                stats["irc_got"] += 1
    s.close()


def mx_load(hs, tok, room, rate):
    since = hs.api("GET", "/_matrix/client/v3/sync?timeout=0",
                   tok)["next_batch"]
    f = urllib.parse.quote(json.dumps({"room": {"timeline": {"limit": 100}},
                                       "presence": {"types": []}}))

    def reader():
        nonlocal since
        while not stop.is_set():
            r = hs.api("GET", "/_matrix/client/v3/sync?timeout=2000&filter=%s"
                       "&since=%s" % (f, since), tok)
            since = r["next_batch"]
            for rm in r.get("rooms", {}).get("join", {}).values():
                for ev in rm.get("timeline", {}).get("events", []):
                    if ev.get("sender") == "@techpay:localhost":
                        stats["mx_got"] += 1
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    i = 0
    nxt = time.time() + 3
    while not stop.is_set():
        if time.time() < nxt:
            time.sleep(0.01)
            continue
        hs.api("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/s%d"
               % (room, i), tok, {"msgtype": "m.text",
                                  "body": QUESTIONS[i % len(QUESTIONS)]})
        stats["mx_sent"] += 1
        i += 1
        nxt += 1.0 / rate


def main():
    hs = Synapse(TMP)
    hs.start()
    hs.make_admin()
    bot_id = hs.register("techpay", "bot-pw")
    hs.register("alice", "alice-pw")
    for u in ("@alice:localhost", bot_id):
        hs.unlimit(u)
    port = free_port()
    ircd = start_ngircd(TMP, port, penalties=False)
    ini = os.path.join(TMP, "bot.ini")
    with open(ini, "w") as f:
        f.write("[bot]\nlog_level = warn\nuser_rate = 1000\nstate_dir = %s\n"
                "[network soak]\nservers = 127.0.0.1:%d\ntls = no\n"
                "channels = #soak\nflood_burst = 100\nflood_interval_ms = 0\n"
                "[matrix soak]\nhomeserver = %s\nuser_id = %s\n"
                "password = bot-pw\ninvite_from = localhost\n"
                % (os.path.join(TMP, "state"), port, hs.url, bot_id))
    os.chmod(ini, 0o600)
    bot = subprocess.Popen([BOT, "run", "-c", ini],
                           stdout=open(os.path.join(TMP, "bot.log"), "w"),
                           stderr=subprocess.STDOUT)
    tok = hs.login("alice", "alice-pw")
    room = hs.api("POST", "/_matrix/client/v3/createRoom", tok,
                  {"invite": [bot_id]})["room_id"]
    time.sleep(5)
    threads = [threading.Thread(target=irc_load, args=(port, "u%d" % i, 1.0),
                                daemon=True) for i in range(5)]
    threads.append(threading.Thread(target=mx_load,
                                    args=(hs, tok, room, 5.0), daemon=True))
    for t in threads:
        t.start()
    start = time.time()
    print("   t(s)  RSS(kB)  irc sent/answered  matrix sent/answered",
          flush=True)
    try:
        while time.time() - start < DURATION:
            time.sleep(30)
            print("%7d  %7d  %8d/%-8d  %8d/%-8d" % (
                time.time() - start, rss_kb(bot.pid), stats["irc_sent"],
                stats["irc_got"], stats["mx_sent"], stats["mx_got"]),
                flush=True)
    finally:
        stop.set()
        time.sleep(3)
        print("final: irc %d/%d, matrix %d/%d, bot alive: %s" % (
            stats["irc_sent"], stats["irc_got"], stats["mx_sent"],
            stats["mx_got"], bot.poll() is None), flush=True)
        bot.send_signal(signal.SIGTERM)
        bot.wait(10)
        ircd.kill()
        hs.stop()
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
