#!/usr/bin/env python3
"""bench_matrix.py -- Matrix answer latency through a local Synapse.

Floor: a plain HTTP client sends a message and waits for it in its own
/sync long-poll (Synapse's send->sync round trip).  Bot: the same client
sends a question and waits for techpay's answer the same way.  Then the
bot's RSS with one IRC network (ngircd) and one Matrix account connected.
Usage: bench_matrix.py BOT_BINARY [N]
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "lib")]
from harness import free_port, start_ngircd  # noqa: E402
from synapse import Synapse  # noqa: E402

BOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/techpay")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100
TMP = tempfile.mkdtemp(prefix="techpay-mbench-")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


class Client:
    def __init__(self, hs, user, pw):
        self.hs = hs
        self.tok = hs.login(user, pw)
        self.since = hs.api("GET", "/_matrix/client/v3/sync?timeout=0",
                            self.tok)["next_batch"]
        self.n = 0

    def send(self, room, body):
        self.n += 1
        return self.hs.api("PUT", "/_matrix/client/v3/rooms/%s/send/"
                           "m.room.message/b%d-%f" % (room, self.n,
                                                      time.time()),
                           self.tok, {"msgtype": "m.text",
                                      "body": body})["event_id"]

    def wait(self, pred, timeout=30):
        end = time.time() + timeout
        f = urllib.parse.quote(json.dumps(
            {"room": {"timeline": {"limit": 50}, "state": {"types": []}},
             "presence": {"types": []}}))
        while time.time() < end:
            r = self.hs.api("GET", "/_matrix/client/v3/sync?timeout=10000"
                            "&filter=%s&since=%s" % (f, self.since), self.tok)
            self.since = r["next_batch"]
            for room in r.get("rooms", {}).get("join", {}).values():
                for ev in room.get("timeline", {}).get("events", []):
                    if pred(ev):
                        return True
        return False


def main():
    hs = Synapse(TMP)
    hs.start()
    hs.make_admin()
    bot_id = hs.register("techpay", "bot-pw")
    hs.register("alice", "alice-pw")
    for u in ("@alice:localhost", bot_id):
        hs.unlimit(u)
    ircport = free_port()
    ircd = start_ngircd(TMP, ircport)
    conf = os.path.join(TMP, "bot.ini")
    with open(conf, "w") as f:
        f.write("[bot]\nlog_level = warn\nuser_rate = 1000\nstate_dir = %s\n"
                "[matrix b]\nhomeserver = %s\nuser_id = %s\n"
                "password = bot-pw\ninvite_from = localhost\n"
                "[network irc]\nservers = 127.0.0.1:%d\ntls = no\n"
                "channels = #techpay\n"
                % (os.path.join(TMP, "state"), hs.url, bot_id, ircport))
    os.chmod(conf, 0o600)
    botlog = open(os.path.join(TMP, "bot.log"), "w")
    time.sleep(0.3)
    bot = subprocess.Popen([BOT, "run", "-c", conf], stdout=botlog,
                           stderr=subprocess.STDOUT)
    try:
        alice = Client(hs, "alice", "alice-pw")
        room = hs.api("POST", "/_matrix/client/v3/createRoom", alice.tok,
                      {"invite": [bot_id]})["room_id"]
        assert alice.wait(lambda e: e.get("type") == "m.room.member" and
                          e.get("state_key") == bot_id and
                          e["content"].get("membership") == "join"), \
            "the bot did not join"
        floor, lat = [], []
        for i in range(N):
            t = time.perf_counter()
            eid = alice.send(room, "just chatting %d" % i)
            assert alice.wait(lambda e: e.get("event_id") == eid)
            floor.append(time.perf_counter() - t)
        for i in range(N):
            t = time.perf_counter()
            eid = alice.send(room, "!salary sre")
            assert alice.wait(
                lambda e: e.get("sender") == bot_id and
                e["content"].get("m.relates_to", {}).get(
                    "m.in_reply_to", {}).get("event_id") == eid)
            lat.append(time.perf_counter() - t)
        with open("/proc/%d/status" % bot.pid) as f:
            st = dict(ln.split(":", 1) for ln in f if ":" in ln)
        ms = lambda v: "%.1f ms" % (v * 1000)  # noqa: E731
        print("matrix: Synapse send->sync floor  p50 %s  p99 %s  (n=%d)"
              % (ms(pct(floor, 50)), ms(pct(floor, 99)), N))
        print("matrix: techpay question->answer  p50 %s  p99 %s  (n=%d)"
              % (ms(pct(lat, 50)), ms(pct(lat, 99)), N))
        print("matrix: bot's own share (p50 minus floor p50): %s"
              % ms(pct(lat, 50) - pct(floor, 50)))
        print("matrix: bot RSS with IRC + Matrix connected: %s (peak %s; "
              "anonymous %s, file-backed library pages %s)"
              % (st["VmRSS"].strip(), st["VmHWM"].strip(),
                 st["RssAnon"].strip(), st["RssFile"].strip()))
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(10)
        ircd.kill()
        ircd.wait()
        hs.stop()
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
