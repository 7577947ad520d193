#!/usr/bin/env python3
"""bench_matrix.py -- Matrix answer latency through a local Synapse.

Floor: a plain HTTP client sends a message and waits for it in its own
/sync long-poll (Synapse's send->sync round trip).  Bot: the same client
sends a question and waits for techpay's answer the same way.  Beside
it, in the same run and the same room, a zero-work matrix-nio bot (a few
lines that answer "?..." with a fixed reply) as the floor of a bot: the
questions to the two alternate, so drift in Synapse's speed hits both.
Then the bot's RSS with one IRC network (ngircd) and one Matrix account
connected.  Usage: bench_matrix.py BOT_BINARY [N]
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
# BENCH_LOG_LEVEL=debug and BENCH_BOT_LOG=FILE: the bot's log, kept (its
# debug lines time each HTTP request's stages)
LOG_LEVEL = os.environ.get("BENCH_LOG_LEVEL", "warn")
BOT_LOG = os.environ.get("BENCH_BOT_LOG")
# BENCH_TRACE=FILE: per question, who was asked and the monotonic times
# (us, the clock of the bot's debug lines) of the send, its answer from
# Synapse, and the answer seen: to set beside the bot's log
TRACE = os.environ.get("BENCH_TRACE")


def mono_us():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


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


# The zero-work bot: matrix-nio, as a bot written with it would be (its
# own sync loop, a reply that points at the question).  Run with the
# Synapse venv's python, which has matrix-nio.
NIO_BOT = r'''
import asyncio, sys
from nio import AsyncClient, InviteMemberEvent, RoomMessageText

async def main(url, user, pw):
    c = AsyncClient(url, user)
    await c.login(pw)

    async def on_invite(room, ev):
        if ev.state_key == c.user_id and ev.membership == "invite":
            await c.join(room.room_id)

    async def on_text(room, ev):
        if ev.sender != c.user_id and ev.body.startswith("?"):
            await c.room_send(room.room_id, "m.room.message", {
                "msgtype": "m.notice", "body": "fixed answer",
                "m.relates_to": {"m.in_reply_to": {
                    "event_id": ev.event_id}}})

    c.add_event_callback(on_invite, InviteMemberEvent)
    c.add_event_callback(on_text, RoomMessageText)
    await c.sync(timeout=0)          # no answers to what came before
    await c.sync_forever(timeout=30000)

asyncio.run(main(*sys.argv[1:4]))
'''


def main():
    hs = Synapse(TMP)
    hs.start()
    hs.make_admin()
    bot_id = hs.register("techpay", "bot-pw")
    nio_id = hs.register("zerowork", "nio-pw")
    hs.register("alice", "alice-pw")
    for u in ("@alice:localhost", bot_id, nio_id):
        hs.unlimit(u)
    ircport = free_port()
    ircd = start_ngircd(TMP, ircport)
    conf = os.path.join(TMP, "bot.ini")
    with open(conf, "w") as f:
        f.write("[bot]\nlog_level = %s\nuser_rate = 1000\nstate_dir = %s\n"
                "[matrix b]\nhomeserver = %s\nuser_id = %s\n"
                "password = bot-pw\ninvite_from = localhost\n"
                "[network irc]\nservers = 127.0.0.1:%d\ntls = no\n"
                "channels = #techpay\n"
                % (LOG_LEVEL, os.path.join(TMP, "state"), hs.url, bot_id,
                   ircport))
    os.chmod(conf, 0o600)
    botlog = open(os.path.join(TMP, "bot.log"), "w")
    time.sleep(0.3)
    # the per-request timing lines of bot/http.c (at debug level)
    env = dict(os.environ, TECHPAY_HTTP_TIMING="1")
    bot = subprocess.Popen([BOT, "run", "-c", conf], stdout=botlog,
                           stderr=subprocess.STDOUT, env=env)
    nio = subprocess.Popen([sys.executable, "-c", NIO_BOT, hs.url, nio_id,
                            "nio-pw"], stdout=botlog,
                           stderr=subprocess.STDOUT)
    try:
        alice = Client(hs, "alice", "alice-pw")
        room = hs.api("POST", "/_matrix/client/v3/createRoom", alice.tok,
                      {"invite": [bot_id, nio_id]})["room_id"]
        joined = set()

        def member(e):
            if e.get("type") == "m.room.member" and \
                    e["content"].get("membership") == "join":
                joined.add(e.get("state_key"))
            return {bot_id, nio_id} <= joined
        assert alice.wait(member), "the bots did not join"
        floor, lat, zw, trace = [], [], [], []
        for i in range(N):
            t = time.perf_counter()
            eid = alice.send(room, "just chatting %d" % i)
            assert alice.wait(lambda e: e.get("event_id") == eid)
            floor.append(time.perf_counter() - t)

        def answered(who, eid):
            return lambda e: e.get("sender") == who and \
                e["content"].get("m.relates_to", {}).get(
                    "m.in_reply_to", {}).get("event_id") == eid
        for i in range(2 * N):  # alternating: techpay, zero-work, ...
            who, text, out = (bot_id, "!salary sre", lat) if i % 2 == 0 \
                else (nio_id, "?salary sre", zw)
            t = time.perf_counter()
            m0 = mono_us()
            eid = alice.send(room, text)
            m1 = mono_us()
            assert alice.wait(answered(who, eid)), "no answer from " + who
            out.append(time.perf_counter() - t)
            trace.append((who, eid, m0, m1, mono_us()))
        if TRACE:
            with open(TRACE, "w") as f:
                for row in trace:
                    f.write("%s %s %d %d %d\n" % row)
        with open("/proc/%d/status" % bot.pid) as f:
            st = dict(ln.split(":", 1) for ln in f if ":" in ln)
        ms = lambda v: "%.1f ms" % (v * 1000)  # noqa: E731
        print("matrix: Synapse send->sync floor  p50 %s  p99 %s  (n=%d)"
              % (ms(pct(floor, 50)), ms(pct(floor, 99)), N))
        print("matrix: techpay question->answer  p50 %s  p99 %s  (n=%d)"
              % (ms(pct(lat, 50)), ms(pct(lat, 99)), N))
        print("matrix: zero-work matrix-nio bot  p50 %s  p99 %s  (n=%d)"
              % (ms(pct(zw, 50)), ms(pct(zw, 99)), N))
        print("matrix: bot's own share (p50 minus floor p50): %s"
              % ms(pct(lat, 50) - pct(floor, 50)))
        print("matrix: techpay p50 minus zero-work p50: %s"
              % ms(pct(lat, 50) - pct(zw, 50)))
        print("matrix: bot RSS with IRC + Matrix connected: %s (peak %s; "
              "anonymous %s, file-backed library pages %s)"
              % (st["VmRSS"].strip(), st["VmHWM"].strip(),
                 st["RssAnon"].strip(), st["RssFile"].strip()))
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(10)
        nio.kill()
        nio.wait()
        ircd.kill()
        ircd.wait()
        hs.stop()
        if BOT_LOG:
            shutil.copy(os.path.join(TMP, "bot.log"), BOT_LOG)
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
