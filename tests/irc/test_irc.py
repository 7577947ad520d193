#!/usr/bin/python3
"""test_irc.py -- techpay on a real IRC server, with real clients.

Starts ngircd (Debian) on loopback ports -- plain, and TLS with a
certificate from a throwaway CA made here with openssl -- runs the real
bot binary against it, and plays users with python3-irc (Debian's, the
older irc.client.IRC API).  Usage: test_irc.py BOT_BINARY
"""
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import irc.client
import irc.connection

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402
from harness import BotProcess, free_port, run_suite, \
    wait_for  # noqa: E402

if __name__ == "__main__":
    BOT = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1
                          else "build/techpay")
else:   # imported by the Matrix suite for its IRC+Matrix case
    BOT = os.environ.get("TECHPAY_BOT", "build/techpay")
TMP = tempfile.mkdtemp(prefix="techpay-irc-")
_SOURCE = [1]


def next_source():
    """A loopback address of its own for each client (127.0.0.2 on).
    ngircd marks every ident "~" (unverified), and the bot then counts
    a person by host, so clients that share 127.0.0.1 would be one
    person to it; people on different hosts are what the tests mean."""
    _SOURCE[0] = _SOURCE[0] % 250 + 1
    return "127.0.0.%d" % (_SOURCE[0] + 1)


class Ngircd(harness.Ngircd):
    """One ngircd for a test, in TMP/name, with #techpay: plain, or TLS
    with this run's certificates (CERTS)."""

    def __init__(self, name, tls=False, password=None, penalties=True):
        harness.Ngircd.__init__(self, os.path.join(TMP, name), tls=tls,
                                password=password, certs=CERTS,
                                penalties=penalties)


class Bot(BotProcess):
    """The techpay binary with a config written for one test."""
    n = 0

    def __init__(self, server, nick="techpay", extra="", bot_extra="",
                 host="127.0.0.1"):
        BotProcess.__init__(self, BOT)
        Bot.n += 1
        self.dir = os.path.join(TMP, "bot%d" % Bot.n)
        os.makedirs(self.dir)
        self.nick = nick
        self.conf = os.path.join(self.dir, "bot.ini")
        with open(self.conf, "w") as f:
            f.write("[bot]\nprefix = !\nlog_level = debug\nuser_rate = 100\n"
                    "owners = boss!*@*\n%s\n"
                    "[network test]\nservers = %s:%d\ntls = %s\n"
                    "nick = %s\nalt_nicks = %s_, %s__\nchannels = #techpay\n"
                    "flood_burst = 4\nflood_interval_ms = 1000\n"
                    "reconnect_min = 1\nreconnect_max = 4\n%s\n"
                    % (bot_extra, host, server.port,
                       "yes" if server.tls else "no", nick, nick, nick, extra))
        os.chmod(self.conf, 0o600)
        self.log = os.path.join(self.dir, "bot.log")
        self.proc = None

    def start(self, wait_registered=True):
        self.spawn()
        if wait_registered:
            assert wait_for(lambda: "registered as" in self.logtext(), 10), \
                self.logtext()


class User:
    """A person in the channel, played by python3-irc."""

    def __init__(self, server, nick, join="#techpay", username=None,
                 source=None):
        self.ircobj = (irc.client.Reactor() if hasattr(irc.client, "Reactor")
                       else irc.client.IRC())
        self.msgs = []      # (type, source nick, target, text)
        self.events = []
        self.joined = False
        pw = getattr(server, "password", None)
        if pw and " " in pw:    # python3-irc sends "PASS " + pw as it is
            pw = ":" + pw
        # the user name is the nick unless given (python3-irc's default)
        fac = irc.connection.Factory(bind_address=(source or next_source(),
                                                   0))
        self.conn = self.ircobj.server().connect("127.0.0.1", server.port,
                                                 nick, password=pw,
                                                 username=username,
                                                 connect_factory=fac)
        for ev in ("pubmsg", "privmsg", "pubnotice", "privnotice",
                   "ctcpreply"):
            self.conn.add_global_handler(ev, self._msg)
        for ev in ("join", "quit", "nick", "part", "invite"):
            self.conn.add_global_handler(ev, self._event)
        self.nick = nick
        self.welcomed = False
        self.conn.add_global_handler("welcome", self._welcome)
        self.pump_until(lambda: self.welcomed, 10)
        if join:
            # after 001: a server may finish registration late (InspIRCd
            # looks the host name up first) and refuse an early JOIN
            self.conn.join(join)
            self.pump_until(lambda: self.joined, 5)

    def _welcome(self, conn, ev):
        self.welcomed = True

    def _msg(self, conn, ev):
        text = ev.arguments[-1] if ev.arguments else ""
        self.msgs.append((ev.type, ev.source.nick if ev.source else "",
                          ev.target, text))

    def _event(self, conn, ev):
        self.events.append((ev.type, ev.source.nick if ev.source else "",
                            ev.target, list(ev.arguments)))
        if ev.type == "join" and ev.source.nick == self.nick:
            self.joined = True

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self.ircobj.process_once(0.05)

    def pump_until(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            self.ircobj.process_once(0.05)
            if pred():
                return True
        return False

    def say(self, target, text):
        self.conn.privmsg(target, text)

    def from_bot(self, bot_nick="techpay", kind=None):
        return [m for m in self.msgs if m[1].startswith(bot_nick)
                and (kind is None or m[0] == kind)]

    def close(self):
        try:
            self.conn.disconnect("bye")
        except Exception:
            pass


def make_certs():
    d = os.path.join(TMP, "certs")
    os.makedirs(d)

    def ossl(*args):
        subprocess.run(["openssl"] + list(args), cwd=d, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=techpay test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
         "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
         "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
         "-extfile", "ext.cnf")
    os.chmod(os.path.join(d, "server.key"), 0o644)
    # client certificates for SASL EXTERNAL: one that an account will
    # know, one that no account knows
    for name in ("client", "stranger"):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout",
             name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name)
        ossl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey",
             "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2")
    return d


CERTS = None
PLAIN = None


def setUpModule():
    global CERTS, PLAIN
    CERTS = make_certs()
    PLAIN = Ngircd("plain")
    PLAIN.start()


def tearDownModule():
    PLAIN.stop()
    if not os.environ.get("TECHPAY_KEEP_TMP"):
        shutil.rmtree(TMP, ignore_errors=True)
    else:
        print("kept", TMP)


class T01Talking(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bot = Bot(PLAIN)
        cls.bot.start()
        # the server's echo of the bot's own JOIN: it is in the channel
        assert wait_for(lambda: re.search(r"<- :techpay!\S+ JOIN :?#techpay",
                                          cls.bot.logtext()), 10), \
            cls.bot.logtext()[-2000:]

    @classmethod
    def tearDownClass(cls):
        cls.bot.stop()

    def test_01_channel_question_answered_with_nick(self):
        u = User(PLAIN, "alice")
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        # in a channel an answer is a NOTICE: no bot answers one
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay",
                                                        "pubnotice"), 10))
        self.assertFalse(u.from_bot("techpay", "pubmsg"))
        kind, src, target, text = u.from_bot("techpay", "pubnotice")[0]
        self.assertEqual(target, "#techpay")
        self.assertTrue(text.startswith("alice: Site Reliability Engineer: "
                                        "$140,000–$185,000"), text)
        u.close()

    def test_02_natural_question_addressed_by_nick(self):
        u = User(PLAIN, "bob")
        u.pump(0.5)
        u.say("#techpay", "techpay: how much does a cloud architect make?")
        u.say("#techpay", "just chatting about salaries, not for the bot")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))
        u.pump(2)
        answers = u.from_bot("techpay")
        self.assertEqual(len(answers), 1, answers)
        self.assertIn("$145,000–$190,000", answers[0][3])
        u.close()

    def test_03_private_question_answered_in_private(self):
        u = User(PLAIN, "carol", join=None)
        u.pump(0.5)
        u.say("techpay", "what does an ai pm do")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))
        kind, src, target, text = u.from_bot("techpay")[0]
        self.assertEqual(kind, "privmsg")
        self.assertEqual(target, "carol")
        self.assertIn("Define AI product strategy", text)
        self.assertFalse(text.startswith("carol:"))
        u.close()

    def test_04_long_answer_three_lines_then_more(self):
        u = User(PLAIN, "dave")
        u.pump(0.5)
        u.say("#techpay", "!conclusions")
        u.pump_until(lambda: len(u.from_bot("techpay")) >= 3, 10)
        u.pump(3)       # nothing beyond max_lines = 3
        lines = [m[3] for m in u.from_bot("techpay")]
        self.assertEqual(len(lines), 3, lines)
        self.assertTrue(lines[0].startswith("dave: "))
        self.assertTrue(lines[2].endswith('(say "more")'), lines[2])
        self.assertIn("continuous learning", " ".join(lines))
        for line in lines:
            # what the server relays stays within 512 bytes
            relay = ":techpay!~techpay@127.0.0.1 NOTICE #techpay :%s\r\n" % line
            self.assertLessEqual(len(relay.encode()), 512)
        u.say("#techpay", "!more")
        self.assertTrue(u.pump_until(lambda: len(u.from_bot("techpay")) > 3,
                                     10))
        self.assertIn("dave: ", u.from_bot("techpay")[3][3])
        u.close()

    def test_05_ctcp_version(self):
        u = User(PLAIN, "erin", join=None)
        u.conn.ctcp("VERSION", "techpay")
        self.assertTrue(u.pump_until(
            lambda: any(m[0] == "ctcpreply" for m in u.msgs), 10))
        reply = [m for m in u.msgs if m[0] == "ctcpreply"][0]
        self.assertIn("techpay", reply[3])
        u.close()

    def test_06_colour_codes_stripped(self):
        u = User(PLAIN, "frank")
        u.pump(0.5)
        u.say("#techpay", "\x0304!salary\x03 \x02devops\x02")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))
        self.assertIn("DevOps Engineer: $130,000", u.from_bot("techpay")[0][3])
        u.close()


class T02Flood(unittest.TestCase):
    def test_01_thirty_questions_all_answered_no_flood_kick(self):
        # 30 people ask at the same moment: the bot owes 30 answers at
        # once and must pace them (ngircd penalises fast senders)
        bot = Bot(PLAIN)
        bot.start()
        self.addCleanup(bot.stop)
        ircobj = irc.client.IRC()
        conns, got = [], []
        ircobj.add_global_handler("pubnotice", lambda c, e: got.append(
            (c.get_nickname(), e.source.nick, e.arguments[0])))
        joined = set()
        ircobj.add_global_handler("join", lambda c, e: joined.add(
            e.source.nick))
        for i in range(30):
            c = ircobj.server().connect(
                "127.0.0.1", PLAIN.port, "asker%d" % i,
                connect_factory=irc.connection.Factory(
                    bind_address=(next_source(), 0)))
            c.join("#techpay")
            conns.append(c)
        self.addCleanup(lambda: [c.disconnect("bye") for c in conns])
        end = time.time() + 15
        while len(joined & {"asker%d" % i for i in range(30)}) < 30 and \
                time.time() < end:
            ircobj.process_once(0.05)
        questions = ["!salary sre", "!skills devops", "!whoneeds python",
                     "!role ciso", "!salary mle", "!compare sre vs devops"]
        for i, c in enumerate(conns):
            c.privmsg("#techpay", questions[i % len(questions)])
        answered = lambda: {t.split(":")[0] for (me, src, t) in got
                            if me == "asker0" and src == "techpay"}
        end = time.time() + 90
        while len(answered()) < 30 and time.time() < end:
            ircobj.process_once(0.05)
        self.assertEqual(len(answered()), 30,
                         "answered: %s\nbot log:\n%s" % (
                             sorted(answered()), bot.logtext()[-1500:]))
        self.assertNotIn("disconnected", bot.logtext())
        self.assertNotIn("Excess Flood", PLAIN.logtext())


class T03Reconnect(unittest.TestCase):
    def test_01_server_restart_bot_rejoins(self):
        srv = Ngircd("restart")
        srv.start()
        bot = Bot(srv)
        bot.start()
        self.addCleanup(bot.stop)
        self.addCleanup(srv.stop)
        srv.stop()
        self.assertTrue(wait_for(lambda: "reconnecting in" in bot.logtext(), 10))
        time.sleep(0.5)
        srv.start()
        # backoff: 1 s, doubled per failure, at most 4 s (+25% jitter)
        self.assertTrue(wait_for(
            lambda: bot.logtext().count("registered as") >= 2, 15),
            bot.logtext())
        u = User(srv, "gina")
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10),
                        "bot not back in its channel")
        u.close()
        bot.stop()
        srv.stop()

    def test_06_server_killed_mid_answer(self):
        """A long answer goes out a line a second; the server dies after
        the first line, comes back; the bot reconnects and answers."""
        srv = Ngircd("midanswer")
        srv.start()
        bot = Bot(srv, extra="flood_burst = 1\nflood_interval_ms = 1000\n"
                  "max_lines = 3")
        bot.start()
        self.addCleanup(bot.stop)
        self.addCleanup(srv.stop)
        u = User(srv, "hank")
        u.pump(0.5)
        u.say("#techpay", "!tips")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))
        srv.stop()              # kill -9 while the rest is queued
        self.assertTrue(wait_for(lambda: "reconnecting in" in bot.logtext(),
                                 10), bot.logtext())
        srv.start()
        self.assertTrue(wait_for(
            lambda: bot.logtext().count("registered as") >= 2, 15),
            bot.logtext())
        u2 = User(srv, "hank2")
        u2.pump(1)
        u2.say("#techpay", "!salary sre")
        self.assertTrue(u2.pump_until(lambda: any(
            "Site Reliability" in m[3] for m in u2.msgs), 15), u2.msgs)
        self.assertIsNone(bot.proc.poll())
        u2.close()

    def test_07_sigterm_during_a_send(self):
        """SIGTERM while an answer is still queued: QUIT, exit 0, no
        sanitizer report (stop() checks both)."""
        bot = Bot(PLAIN, nick="termbot", extra="flood_burst = 1\n"
                  "flood_interval_ms = 1000\nmax_lines = 3")
        bot.start()
        u = User(PLAIN, "ivan")
        u.pump(0.5)
        u.say("#techpay", "termbot: !roles")
        self.assertTrue(u.pump_until(lambda: u.from_bot("termbot"), 10))
        t = time.time()
        self.assertEqual(bot.stop(signal.SIGTERM), 0)
        self.assertLess(time.time() - t, 5)     # the 3 s grace at most
        u.pump(0.5)
        self.assertTrue(any(e[0] == "quit" and e[1] == "termbot"
                            for e in u.events), u.events)
        u.close()

    def test_05_servers_rotate_after_a_failed_connect(self):
        dead = free_port()      # nothing listens here: refused at once
        bot = Bot(PLAIN, nick="rotor")
        with open(bot.conf) as f:
            conf = f.read()
        with open(bot.conf, "w") as f:
            f.write(conf.replace("servers = 127.0.0.1:%d" % PLAIN.port,
                                 "servers = 127.0.0.1:%d, 127.0.0.1:%d" %
                                 (dead, PLAIN.port)))
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "registered as rotor" in
                                 bot.logtext(), 10), bot.logtext())
        log = bot.logtext()
        self.assertIn("connecting to 127.0.0.1:%d" % dead, log)
        self.assertIn("reconnecting in", log)
        self.assertIn("connecting to 127.0.0.1:%d" % PLAIN.port, log)

    def test_02_nick_taken_then_regained(self):
        holder = User(PLAIN, "paybot", join=None)
        self.addCleanup(holder.close)
        bot = Bot(PLAIN, nick="paybot")
        bot.start()
        self.assertIn("nick paybot is taken, trying paybot_", bot.logtext())
        self.assertIn("registered as paybot_", bot.logtext())
        self.addCleanup(bot.stop)
        holder.close()
        # not in a shared channel, so no QUIT reaches the bot: it tries
        # the main nick again every 10 s
        self.assertTrue(wait_for(lambda: "now known as paybot" in
                                 bot.logtext().replace("paybot_", "x"), 15),
                        bot.logtext())

    def test_03_sigterm_sends_quit(self):
        bot = Bot(PLAIN)
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "hank")
        u.pump(1)
        code = bot.stop(signal.SIGTERM)
        self.assertEqual(code, 0)
        self.assertTrue(u.pump_until(lambda: any(
            e[0] == "quit" and e[1] == "techpay" for e in u.events), 5))
        quit = [e for e in u.events if e[0] == "quit"][0]
        self.assertIn("shutting down", " ".join(quit[3]))
        u.close()

    def test_04_invite_only_from_owner(self):
        bot = Bot(PLAIN)
        bot.start()
        self.addCleanup(bot.stop)
        stranger = User(PLAIN, "mallory", join="#other")
        stranger.conn.invite("techpay", "#other")
        stranger.pump(2)
        self.assertIn("ignored an invite to #other", bot.logtext())
        boss = User(PLAIN, "boss", join="#boss")
        boss.conn.invite("techpay", "#boss")
        self.assertTrue(boss.pump_until(lambda: any(
            e[0] == "join" and e[1] == "techpay" for e in boss.events), 10))
        stranger.close()
        boss.close()
        bot.stop()


class T04TLSAndSASL(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Ngircd("tls", tls=True)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_01_tls_with_trusted_ca(self):
        bot = Bot(self.srv, host="localhost",
                  extra="tls_ca_file = %s/ca.pem" % CERTS)
        bot.start()
        self.assertIn("certificate verified", bot.logtext())
        bot.stop()

    def test_02_tls_untrusted_certificate_refused(self):
        bot = Bot(self.srv, host="localhost")      # system CAs only
        bot.start(wait_registered=False)
        self.assertTrue(wait_for(lambda: "certificate not trusted"
                                 in bot.logtext(), 10), bot.logtext())
        self.assertNotIn("registered as", bot.logtext())
        bot.stop()

    def test_03_tls_wrong_host_name_refused(self):
        bot = Bot(self.srv, host="127.0.0.1",      # cert is for localhost
                  extra="tls_ca_file = %s/ca.pem" % CERTS)
        bot.start(wait_registered=False)
        self.assertTrue(wait_for(lambda: "certificate not trusted"
                                 in bot.logtext(), 10), bot.logtext())
        self.assertNotIn("registered as", bot.logtext())
        bot.stop()

    def test_05_two_networks_in_one_process(self):
        second = ("\n[network secure]\nservers = localhost:%d\ntls = yes\n"
                  "tls_ca_file = %s/ca.pem\nnick = twonet\n"
                  "channels = #techpay\n" % (self.srv.port, CERTS))
        bot = Bot(PLAIN, nick="twonet", extra=second)
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: bot.logtext().count("registered as")
                                 == 2, 10), bot.logtext())
        u = User(PLAIN, "nina")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("twonet"), 10))
        self.assertIn("secure: registered as twonet", bot.logtext())

    def test_06_relay_takes_only_libircclients_socket(self):
        # K1: a local process races libircclient to the relay's listener
        # while a slow TLS handshake holds the connection open; the bot
        # must register on its first try, with the intruder kept out
        import threading
        up = socket.socket()
        up.bind(("127.0.0.1", 0))
        up.listen(4)
        port = up.getsockname()[1]
        stop = threading.Event()
        stolen = []

        def pipe(a, b):
            try:
                while True:
                    d = a.recv(4096)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass

        def slow_proxy():       # holds the ClientHello for 3 s
            c, _ = up.accept()
            time.sleep(3)
            s2 = socket.create_connection(("127.0.0.1", self.srv.port))
            threading.Thread(target=pipe, args=(c, s2), daemon=True).start()
            threading.Thread(target=pipe, args=(s2, c), daemon=True).start()

        def bot_listeners(pid):
            inodes = set()
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
                except OSError:
                    continue
                if t.startswith("socket:["):
                    inodes.add(t[8:-1])
            ports = []
            with open("/proc/net/tcp") as f:
                for line in f.readlines()[1:]:
                    p = line.split()
                    if p[3] == "0A" and p[9] in inodes and \
                            p[1].startswith("0100007F:"):
                        ports.append(int(p[1].split(":")[1], 16))
            return ports

        def intruder(pid):
            while not stop.is_set():
                try:
                    ports = bot_listeners(pid)
                except OSError:
                    ports = []
                for lp in ports:
                    try:
                        c = socket.create_connection(("127.0.0.1", lp), 1)
                        c.settimeout(0.5)
                        try:
                            if c.recv(100):
                                stolen.append(lp)
                        except OSError:
                            pass
                        c.close()
                    except OSError:
                        pass
                time.sleep(0.001)

        threading.Thread(target=slow_proxy, daemon=True).start()
        bot = Bot(self.srv, nick="relayb", host="localhost",
                  extra="tls_ca_file = %s/ca.pem" % CERTS)
        bot.conf_port = port
        with open(bot.conf) as f:
            conf = f.read()
        with open(bot.conf, "w") as f:
            f.write(conf.replace("localhost:%d" % self.srv.port,
                                 "localhost:%d" % port))
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.addCleanup(stop.set)
        threading.Thread(target=intruder, args=(bot.proc.pid,),
                         daemon=True).start()
        self.assertTrue(wait_for(lambda: "registered as" in bot.logtext(),
                                 15), bot.logtext())
        stop.set()
        log = bot.logtext()
        self.assertEqual(log.count("connecting to"), 1, log)
        self.assertEqual(stolen, [])

    def test_07_tls_against_a_plain_port_says_what_to_do(self):
        bot = Bot(PLAIN, nick="tlsplain", extra="tls = yes")
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        # ngircd waits for a line end that a ClientHello never has: the
        # handshake times out (10 s) and the error says what to do
        self.assertTrue(wait_for(lambda: "does not speak TLS" in
                                 bot.logtext(), 20), bot.logtext())
        self.assertIn("set tls = no, or use the server's TLS port",
                      bot.logtext())

    def test_04_sasl_required_but_not_offered_no_storm(self):
        # ngircd speaks CAP but offers no SASL: a clear error, and the
        # next attempt waits reconnect_max, not a tight loop
        bot = Bot(PLAIN, extra="sasl_user = techpay\nsasl_password = "
                  "secret-pw\nsasl_required = yes")
        bot.start(wait_registered=False)
        self.assertTrue(wait_for(lambda: "SASL authentication failed" in
                                 bot.logtext(), 10), bot.logtext())
        time.sleep(3)
        log = bot.logtext()
        self.assertIn("the server does not offer SASL", log)
        self.assertLessEqual(log.count("connecting to"), 2, log)
        self.assertNotIn("secret-pw", log)
        self.assertNotIn("registered as", log)
        bot.stop()


class T08Highlights(unittest.TestCase):
    """The daily highlight on a real server, a few seconds ahead."""

    def test_01_posted_once_and_not_again_after_restart(self):
        state = os.path.join(TMP, "hl-state")
        due = time.gmtime(time.time() + 5)
        at = "%02d:%02d:%02d" % (due.tm_hour, due.tm_min, due.tm_sec)
        if due.tm_hour == 0 and due.tm_min == 0:
            time.sleep(10)      # not across midnight UTC
            return self.test_01_posted_once_and_not_again_after_restart()
        erin = User(PLAIN, "erin")
        bot = Bot(PLAIN, bot_extra="state_dir = %s" % state,
                  extra="highlights = #techpay %s UTC" % at)
        try:
            bot.start()
            erin.pump_until(lambda: any("Role of the day" in m[3]
                                        for m in erin.msgs), 15)
            posts = [m for m in erin.msgs if "Role of the day" in m[3]]
            self.assertEqual(len(posts), 1, erin.msgs)
            self.assertEqual(posts[0][1], "techpay")
            self.assertEqual(posts[0][2], "#techpay")
            self.assertLessEqual(len(posts[0][3].encode()), 400)
            # "!highlight" shows the role that was posted
            title = posts[0][3].split("Role of the day: ")[1].split(" — ")[0]
            erin.conn.privmsg("#techpay", "!highlight")
            erin.pump_until(lambda: any(m[3].startswith("erin: Role")
                                        for m in erin.msgs), 5)
            self.assertTrue(any(m[3].startswith("erin: Role of the day: " +
                                                title) for m in erin.msgs))
            bot.stop()
            bot.start()
            erin.pump(6)
            posts = [m for m in erin.msgs if m[3].startswith("Role of")]
            self.assertEqual(len(posts), 1, erin.msgs)
            self.assertIn("posted", bot.logtext())
        finally:
            erin.conn.disconnect()
            bot.stop()

    def test_02_ops_and_owners_change_others_are_refused(self):
        state = os.path.join(TMP, "hl-state2")
        carol = User(PLAIN, "carol", join="#hlops")   # first in: +o
        dave = User(PLAIN, "dave", join="#hlops")
        bot = Bot(PLAIN, bot_extra="state_dir = %s" % state,
                  extra="channels = #techpay, #hlops")
        try:
            bot.start()
            carol.pump_until(lambda: any(e[0] == "join" and e[1] == "techpay"
                                         for e in carol.events), 10)
            dave.conn.privmsg("#hlops", "!highlight off")
            dave.pump_until(lambda: any("only channel operators" in m[3]
                                        for m in dave.msgs), 5)
            self.assertTrue(any("only channel operators" in m[3]
                                for m in dave.msgs), dave.msgs)
            carol.conn.privmsg("#hlops",
                               "!highlight time 08:30 America/New_York")
            carol.pump_until(lambda: any("08:30 America/New_York" in m[3]
                                         for m in carol.msgs), 5)
            self.assertTrue(any(m[3].startswith(
                "carol: Daily highlight here: on, at 08:30 America/New_York.")
                for m in carol.msgs), carol.msgs)
            carol.conn.mode("#hlops", "+o dave")
            carol.pump(0.5)
            dave.conn.privmsg("#hlops", "!highlight off")
            dave.pump_until(lambda: any("here: off" in m[3]
                                        for m in dave.msgs), 5)
            self.assertTrue(any(m[3] == "dave: Daily highlight here: off."
                                for m in dave.msgs), dave.msgs)
            # kept across a restart
            bot.stop()
            joins = sum(1 for e in carol.events if e[0] == "join")
            bot.start()
            carol.pump_until(lambda: sum(1 for e in carol.events
                                         if e[0] == "join") > joins, 10)
            n = len(carol.msgs)
            carol.conn.privmsg("#hlops", "!highlight on")
            carol.pump_until(lambda: len(carol.msgs) > n, 8)
            self.assertTrue(carol.msgs[-1][3].startswith(
                "carol: Daily highlight here: on, at 08:30 America/New_York."),
                carol.msgs[-1][3])
        finally:
            carol.conn.disconnect()
            dave.conn.disconnect()
            bot.stop()


class T09OwnerCommands(unittest.TestCase):
    def test_01_owner_commands_refused_for_others(self):
        boss = User(PLAIN, "boss", join="#ownerchan")
        mallory = User(PLAIN, "mallory")
        bot = Bot(PLAIN)
        try:
            bot.start()
            mallory.pump_until(lambda: any(e[0] == "join" and
                                           e[1] == "techpay"
                                           for e in mallory.events), 10)
            for cmd in ("!join #ownerchan", "!reload", "!ignore boss",
                        "!part"):
                n = len(mallory.msgs)
                mallory.conn.privmsg("#techpay", cmd)
                mallory.pump_until(lambda: len(mallory.msgs) > n, 5)
                self.assertEqual(mallory.msgs[-1][3], "mallory: Sorry, only "
                                 "the bot's owners can do that.", cmd)
            boss.pump(1)
            self.assertFalse(any(e[0] == "join" and e[1] == "techpay"
                                 for e in boss.events))
            self.assertNotIn("!reload by an owner", bot.logtext())
            # the owner (boss!*@* in the config)
            boss.conn.privmsg("techpay", "!join #ownerchan")
            boss.pump_until(lambda: any(e[0] == "join" and e[1] == "techpay"
                                        for e in boss.events), 10)
            self.assertTrue(any(e[0] == "join" and e[1] == "techpay"
                                for e in boss.events), boss.events)
            # a list with "0" would part every channel: refused
            boss.conn.privmsg("techpay", "!join #x,0")
            self.assertTrue(boss.pump_until(lambda: any(
                "one channel" in m[3] for m in boss.msgs), 5), boss.msgs)
            mallory.pump(1.5)
            self.assertFalse([e for e in mallory.events + boss.events
                              if e[0] == "part" and e[1] == "techpay"],
                             mallory.events)
            boss.conn.privmsg("techpay", "!ignore mallory")
            boss.pump(1)
            n = len(mallory.msgs)
            mallory.conn.privmsg("#techpay", "!salary sre")
            mallory.pump(2)
            self.assertEqual(len(mallory.msgs), n)
            boss.conn.privmsg("#ownerchan", "!part")
            boss.pump_until(lambda: any(e[0] == "part" and e[1] == "techpay"
                                        for e in boss.events), 10)
            self.assertTrue(any(e[0] == "part" for e in boss.events))
            boss.conn.privmsg("techpay", "!reload")
            self.assertTrue(wait_for(lambda: "SIGHUP: reloading" in
                                     bot.logtext(), 10), bot.logtext())
        finally:
            boss.conn.disconnect()
            mallory.conn.disconnect()
            bot.stop()


class T15Reflection(unittest.TestCase):
    def test_01_two_bots_in_a_channel_never_answer_each_other(self):
        """One line that makes one bot name the other (an @mention in
        what it echoes) used to start a loop of answers until each
        limit tripped.  Answers in a channel are NOTICEs now, and no
        NOTICE is answered."""
        a = Bot(PLAIN, nick="loopa")
        b = Bot(PLAIN, nick="loopb")
        a.start()
        self.addCleanup(a.stop)
        b.start()
        self.addCleanup(b.stop)
        mal = User(PLAIN, "mal")
        self.addCleanup(mal.close)
        mal.pump(1)
        mal.say("#techpay", "loopa: !salary @loopb")
        mal.say("#techpay", "loopb: !help @loopa @loopa @loopa")
        mal.conn.notice("#techpay", "loopa: !salary sre")
        mal.conn.notice("loopb", "!salary sre")
        mal.pump(8)
        said = [m for m in mal.msgs if m[1] in ("loopa", "loopb")]
        # each bot answers mal's two lines (an @mention calls a bot
        # anywhere), and never the other bot
        self.assertLessEqual(len(said), 4, said)
        self.assertEqual([m for m in said if not m[3].startswith("mal: ")],
                         [], said)
        self.assertFalse([m for m in said if "Site Reliability" in m[3]],
                         said)


class T16Modes(unittest.TestCase):
    def test_01_mode_arguments_follow_chanmodes(self):
        """A scripted server with InspIRCd's +j (joinflood, an argument
        when set) in CHANMODES: "+j-o 5:10 opal" takes opal's op away.
        Read as RFC 1459 modes, -o took "5:10" and opal stayed an
        operator for !highlight."""
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(4)
        lsock.settimeout(0.2)
        self.addCleanup(lsock.close)
        got = []
        stop = threading.Event()

        def serve():
            c = None
            while not stop.is_set() and c is None:
                try:
                    c, _ = lsock.accept()
                except (socket.timeout, OSError):
                    continue
            if c is None:
                return
            c.settimeout(0.2)
            data = b""

            def lines():
                nonlocal data
                try:
                    chunk = c.recv(4096)
                except socket.timeout:
                    return []
                except OSError:
                    stop.set()
                    return []
                if not chunk:
                    stop.set()
                data += chunk
                *ls, data = data.split(b"\r\n")
                got.extend(ls)
                return ls
            while not stop.is_set() and not any(
                    l.startswith(b"USER ") for l in got):
                lines()
            # as InspIRCd sends it: CHANMODES past the tenth parameter,
            # which libircclient would not hand on
            c.sendall(b":irc.fake.test 001 modeb :Welcome\r\n"
                      b":irc.fake.test 005 modeb AWAYLEN=200 CASEMAPPING="
                      b"rfc1459 CHANLIMIT=#:20 CHANNELLEN=64 CHANTYPES=# "
                      b"ELIST=CMNTU EXCEPTS=e EXTBAN=,ACNOQRSTUcjmprsz "
                      b"HOSTLEN=64 INVEX=I KEYLEN=32 CHANMODES=IXbeg,k,Ffjl,"
                      b"ABCDGKMNOPQRSTcimnprstuz PREFIX=(Yqaohv)!~&@%+ "
                      b":are supported by this server\r\n"
                      b":irc.fake.test 376 modeb :End of MOTD\r\n")
            while not stop.is_set() and not any(
                    l.startswith(b"JOIN #m") for l in got):
                lines()
            c.sendall(b":modeb!u@127.0.0.1 JOIN :#m\r\n"
                      b":irc.fake.test 353 modeb = #m :modeb @opal\r\n"
                      b":irc.fake.test 366 modeb #m :End of /NAMES\r\n"
                      b":opal!o@127.0.0.1 MODE #m +j-o 5:10 opal\r\n"
                      b":opal!o@127.0.0.1 PRIVMSG #m :!highlight off\r\n")
            while not stop.is_set():
                for l in lines():
                    if l.startswith(b"PING"):
                        c.sendall(b"PONG" + l[4:] + b"\r\n")
            c.close()
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        self.addCleanup(t.join)
        self.addCleanup(stop.set)
        fake = Ngircd.__new__(Ngircd)      # only .port and .tls are read
        fake.port, fake.tls = lsock.getsockname()[1], False
        state = os.path.join(TMP, "modes-state")
        bot = Bot(fake, nick="modeb", bot_extra="state_dir = %s" % state,
                  extra="channels = #m")
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: any(b"#m :opal: " in l
                                             for l in got), 10), got)
        reply = [l for l in got if b"#m :opal: " in l][0]
        self.assertIn(b"only channel operators", reply)


class LooseServer(Ngircd):
    """An ngircd without client flood penalties, so that one client can
    really flood the bot (ngircd would otherwise pace the attacker);
    started at once."""

    def __init__(self, name):
        Ngircd.__init__(self, name, penalties=False)
        self.start()


class T11Core(unittest.TestCase):
    """The core's policy and the IRC presentation (issue: one adapter
    interface and one policy core)."""

    def test_01_nick_on_every_line_cut_between_items_bare_more(self):
        bot = Bot(PLAIN, nick="coreb")
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "dora")
        self.addCleanup(u.close)
        o = User(PLAIN, "otto")
        self.addCleanup(o.close)
        u.pump(0.5)
        u.say("#techpay", "!conclusions")
        u.pump_until(lambda: len(u.from_bot("coreb")) >= 3, 15)
        u.pump(2)
        lines = [m[3] for m in u.from_bot("coreb")]
        self.assertEqual(len(lines), 3, lines)
        for line in lines:
            self.assertTrue(line.startswith("dora: "), lines)
        self.assertTrue(lines[-1].endswith('(say "more")'), lines)
        # a list is cut between items ("; "), never inside one
        u.say("#techpay", "!tips")
        u.pump_until(lambda: len(u.from_bot("coreb")) >= 5, 15)
        u.pump(2)
        items = [m[3] for m in u.from_bot("coreb")][3:]
        self.assertGreaterEqual(len(items), 2, items)
        for line in items[:-1]:
            self.assertTrue(line.startswith("dora: "), items)
            self.assertIn(line.rstrip()[-1], ";.", items)
        u.say("#techpay", "!conclusions")
        u.pump_until(lambda: len(u.from_bot("coreb")) >= len(lines) +
                     len(items) + 3, 15)
        u.pump(1)
        # a bare "more" from someone else is chatter; from dora it goes on
        n = len(u.from_bot("coreb"))
        o.say("#techpay", "more")
        u.pump(2)
        self.assertEqual(len(u.from_bot("coreb")), n)
        u.say("#techpay", "more")
        self.assertTrue(u.pump_until(lambda: len(u.from_bot("coreb")) > n,
                                     10), u.msgs)
        self.assertTrue(u.from_bot("coreb")[n][3].startswith("dora: "))

    def test_05_natural_question_then_follow_ups(self):
        # chat the way people type it: no prefix, the name, slang, and
        # follow-ups that lean on the last answer, per person
        bot = Bot(PLAIN, nick="chatb")
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "pia")
        self.addCleanup(u.close)
        o = User(PLAIN, "olaf")
        self.addCleanup(o.close)
        u.pump(0.5)

        def ask(who, text, n):
            who.say("#techpay", text)
            self.assertTrue(who.pump_until(
                lambda: len([m for m in who.from_bot("chatb", "pubnotice")
                             if m[3].startswith(who.nick + ":")]) >= n,
                10), who.msgs)
            return [m[3] for m in who.from_bot("chatb", "pubnotice")
                    if m[3].startswith(who.nick + ":")][n - 1]

        a = ask(u, "chatb how much do devops folks take home", 1)
        self.assertIn("DevOps Engineer", a)
        self.assertIn("$", a)
        a = ask(u, "chatb: and sre?", 2)
        self.assertIn("Site Reliability Engineer", a)
        a = ask(u, "chatb what skills does that need", 3)
        self.assertNotIn("DevOps", a)
        # someone else's follow-up has nothing to lean on
        a = ask(o, "chatb: and sre?", 1)
        self.assertIn("Site Reliability Engineer", a)
        a = ask(o, "chatb which of those two pays more", 2)
        self.assertNotIn("DevOps", a)

    def test_07_conversation_follows_the_person_not_the_nick(self):
        # a conversation is the person's (user@host here, no accounts):
        # a /nick keeps it, and whoever takes the old nick gets none of
        # it, in the channel or in private
        bot = Bot(PLAIN, nick="convb")
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "nora")
        self.addCleanup(u.close)
        u.pump(0.5)

        def mine(who, since):
            # the bot's lines to who since msgs[since]: in private, or
            # in the channel under who's nick now
            return [m[3] for m in who.msgs[since:] if m[1] == "convb" and
                    (m[0] == "privmsg" or
                     m[3].startswith(who.nick + ": "))]

        def ask(who, target, text, n=1):
            since = len(who.msgs)
            who.say(target, text)
            self.assertTrue(who.pump_until(
                lambda: len(mine(who, since)) >= n, 15), who.msgs)
            who.pump(0.5)
            return mine(who, since)

        a = ask(u, "#techpay", "convb what skills does a devops engineer "
                "need")
        self.assertIn("DevOps Engineer skills", a[0])
        u.conn.nick("nora_away")
        self.assertTrue(u.pump_until(lambda: any(
            e[0] == "nick" for e in u.events), 5), u.events)
        u.nick = "nora_away"
        a = ask(u, "#techpay", "convb: and sre?")
        self.assertIn("Site Reliability Engineer skills", a[0])
        # a long answer whose "more" waits for her
        a = ask(u, "#techpay", "!conclusions", 3)
        self.assertEqual(len(a), 3, a)
        self.assertTrue(a[-1].endswith('(say "more")'), a)
        # in private too: what she asked there is hers
        a = ask(u, "convb", "what skills does a data scientist need")
        self.assertIn("Data Scientist skills", a[0])

        # someone else takes the old nick (another user@host)
        m = User(PLAIN, "nora", username="mallory")
        self.addCleanup(m.close)
        m.pump(0.5)
        a = ask(m, "#techpay", "convb: and devops?")
        self.assertIn("DevOps Engineer: $130,000", a[0])
        self.assertNotIn("skills", a[0])
        since = len(m.msgs)
        m.say("#techpay", "more")       # not hers to continue: chatter
        a = ask(m, "convb", "and sre?")
        self.assertEqual(len(a), 1, a)
        self.assertIn("Site Reliability Engineer: $140,000", a[0])
        self.assertNotIn("skills", a[0])
        # and the person herself goes on where she was
        a = ask(u, "convb", "and devops?")
        self.assertIn("DevOps Engineer skills", a[0])
        a = ask(u, "#techpay", "more")
        self.assertNotIn("Nothing more", a[0])
        m.pump(1)
        self.assertEqual(len(mine(m, since)), 1, m.msgs)

    def test_06_channel_keys_never_logged(self):
        # L8: the debug log shows every line, but not a channel's key
        bot = Bot(PLAIN, nick="keyb",
                  extra="channels = #techpay, #keyed ChanKey4417")
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "JOIN #keyed" in bot.logtext(),
                                 10), bot.logtext())
        self.assertNotIn("ChanKey4417", bot.logtext())
        self.assertIn("[keys redacted]", bot.logtext())

    def test_02_limit_follows_user_host_not_nick_help_own_budget_notice_private(self):
        bot = Bot(PLAIN, nick="rateb",
                  bot_extra="user_rate = 3\nuser_ignore_seconds = 60")
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "gus")
        self.addCleanup(u.close)
        w = User(PLAIN, "wes")
        self.addCleanup(w.close)
        u.pump(0.5)
        # help and more are free of the question budget: they have
        # their own (user_rate too), so 2 + 1 of them and 3 questions
        for _ in range(2):
            u.say("#techpay", "!help")
        u.say("#techpay", "!more")
        for _ in range(3):
            u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(
            lambda: len(u.from_bot("rateb", "pubnotice")) >= 6, 20), u.msgs)
        u.conn.nick("gus_renamed")
        u.pump(1)
        u.say("#techpay", "!salary devops")
        self.assertTrue(u.pump_until(
            lambda: u.from_bot("rateb", "privnotice"), 10), u.msgs)
        note = u.from_bot("rateb", "privnotice")[0]
        self.assertEqual(note[2], "gus_renamed")
        self.assertIn("more than 3 questions a minute", note[3])
        u.say("#techpay", "!salary ciso")
        u.pump(3)
        self.assertEqual(len(u.from_bot("rateb", "pubnotice")), 6, u.msgs)
        # the channel never saw the notice; someone else is still answered
        self.assertFalse([m for m in w.from_bot("rateb")
                          if "questions a minute" in m[3]], w.msgs)
        w.say("#techpay", "!salary ciso")
        self.assertTrue(w.pump_until(
            lambda: any(m[3].startswith("wes:") for m in
                        w.from_bot("rateb", "pubnotice")), 10), w.msgs)

    def test_03_flood_with_nick_changes_and_ctcp_does_not_delay_others(self):
        srv = LooseServer("loose")
        self.addCleanup(srv.stop)
        bot = Bot(srv, nick="fairb")
        bot.start()
        self.addCleanup(bot.stop)
        a = User(srv, "flo")
        self.addCleanup(a.close)
        v = User(srv, "vic")
        self.addCleanup(v.close)
        a.pump(0.5)
        for i in range(24):
            if i in (8, 16):
                a.conn.nick("flo%d" % i)
            a.say("#techpay", "!salary sre")
            a.conn.ctcp("VERSION", "fairb")
        a.pump(2)                   # the bot has ~45 lines to send now
        start = time.time()
        v.say("#techpay", "!salary devops")
        self.assertTrue(v.pump_until(
            lambda: any(m[3].startswith("vic:") for m in
                        v.from_bot("fairb", "pubnotice")), 20), v.msgs)
        waited = time.time() - start
        before = len([m for m in v.from_bot("fairb", "pubnotice")
                      if not m[3].startswith("vic:")])
        # one flood_interval (1 s) per line: a few lines, not the backlog
        self.assertLess(waited, 6.0, "waited %.1f s behind %d lines" %
                        (waited, before))

    def test_04_reload_removing_a_network_then_its_server_goes(self):
        gone = Ngircd("goneserver")
        gone.start()
        self.addCleanup(gone.stop)
        second = ("\n[network second]\nservers = 127.0.0.1:%d\ntls = no\n"
                  "nick = reloadb\nchannels = #techpay\n" % gone.port)
        bot = Bot(PLAIN, nick="reloadb", extra=second)
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: bot.logtext().count("registered as")
                                 == 2, 10), bot.logtext())
        with open(bot.conf) as f:
            conf = f.read()
        with open(bot.conf, "w") as f:
            f.write(conf[:conf.index("[network second]")])
        bot.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "second: removed from the config"
                                 in bot.logtext(), 10), bot.logtext())
        gone.stop()
        time.sleep(2)
        u = User(PLAIN, "rita")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("reloadb"), 10))
        log = bot.logtext()
        self.assertNotIn("AddressSanitizer", log)
        # gone for good: no reconnect to the removed network
        after = log.split("second: removed from the config")[1]
        self.assertNotIn("second: connecting to", after)

    def test_05_reload_adding_a_network_connects_it(self):
        added = Ngircd("addedserver")
        added.start()
        self.addCleanup(added.stop)
        bot = Bot(PLAIN, nick="reloadc")
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "registered as" in bot.logtext(),
                                 10), bot.logtext())
        with open(bot.conf, "a") as f:
            f.write("\n[network added]\nservers = 127.0.0.1:%d\n"
                    "tls = no\nnick = reloadc\nchannels = #added\n"
                    % added.port)
        bot.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "added: added to the config"
                                 in bot.logtext(), 10), bot.logtext())
        self.assertTrue(wait_for(lambda: bot.logtext().count("registered as")
                                 == 2, 10), bot.logtext())
        # answers on the new network, and still on the first
        u = User(added, "sam", join="#added")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#added", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("reloadc"), 10),
                        u.msgs)
        v = User(PLAIN, "tom")
        self.addCleanup(v.close)
        v.pump(0.5)
        v.say("#techpay", "!salary sre")
        self.assertTrue(v.pump_until(lambda: v.from_bot("reloadc"), 10))
        self.assertNotIn("AddressSanitizer", bot.logtext())


class RawClient:
    """A client that writes raw bytes: what python3-irc will not send
    (invalid UTF-8, overlong sequences, 10 KB lines).  NUL is not tried
    here: ngircd stops reading a client's buffer at one, so it never
    reaches the bot (the unit and fuzz tests cover NUL)."""

    def __init__(self, server, nick, user="x", join=True, source=None):
        self.s = socket.create_connection(("127.0.0.1", server.port), 5,
                                          (source or next_source(), 0))
        self.buf = b""
        self.lines = []
        self.send(b"NICK " + nick.encode() + b"\r\nUSER " + user.encode() +
                  b" 0 * :x\r\n")
        assert self.wait(lambda: any(b" 001 " in ln for ln in self.lines),
                         10), self.lines
        if join:
            self.send(b"JOIN #techpay\r\n")
            assert self.wait(lambda: any(b" 366 " in ln
                                         for ln in self.lines), 10)

    def send(self, data):
        self.s.sendall(data)

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self.s.settimeout(max(0.01, end - time.time()))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            self.buf += chunk
            while b"\r\n" in self.buf:
                ln, self.buf = self.buf.split(b"\r\n", 1)
                if ln.startswith(b"PING"):
                    self.send(b"PONG" + ln[4:] + b"\r\n")
                self.lines.append(ln)

    def wait(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if pred():
                return True
            self.pump(0.1)
        return pred()

    def from_bot(self):
        return [ln for ln in self.lines if ln.startswith(b":techpay!")]


class T10Hostile(unittest.TestCase):
    NEVER = (b"sqlite", b"fts5", b"syntax error", b"no such", b"(null)",
             b"traceback")

    def test_01_hostile_lines_get_answers_or_silence(self):
        bot = Bot(PLAIN)
        raw = None
        try:
            bot.start()
            raw = RawClient(PLAIN, "eve")
            raw.wait(lambda: any(b"JOIN" in ln and ln.startswith(b":techpay")
                                 for ln in raw.lines), 5)
            hostile = [
                b"!salary \xff\xfe\xfd sre",              # invalid UTF-8
                b"!salary \xc0\xaf\xe0\x80\xaf sre",      # overlong
                b"!salary %s%s%n%x%p",                     # format string
                b"!salary \"NEAR(a b) OR",                  # FTS5 syntax
                b"!salary '; DROP TABLE roles;--",           # SQL
                b"!salary \x1b[31mred\x1b[0m \x03" + b"4,5sre",
                b"!help \x01ACTION dances\x01",
                b"!compare " + b"sre," * 120,                # 480 bytes
            ]
            for h in hostile:
                raw.send(b"PRIVMSG #techpay :" + h + b"\r\n")
                raw.pump(0.3)
            raw.send(b"PRIVMSG #techpay :!salary devops\r\n")
            # ngircd paces eve's burst (a line per 2 s): allow for it
            self.assertTrue(raw.wait(lambda: any(b"DevOps" in ln for ln in
                                                 raw.from_bot()), 45),
                            raw.lines[-20:])
            # 10 KB lines: ngircd cuts them (or stops reading eve); the
            # bot must just go on
            for h in (b"!compare " + b"sre," * 3000,
                      b"techpay: " + b"\xf0\x9f\x92\xb0" * 2500):
                raw.send(b"PRIVMSG #techpay :" + h + b"\r\n")
            raw.pump(2)
            self.assertIsNone(bot.proc.poll())
            for ln in raw.from_bot():
                self.assertLessEqual(len(ln) + 2, 512, ln)
                self.assertNotIn(b"\x00", ln)
                # only messages to the channel or to eve: nothing the
                # input could have turned into another command
                cmd = ln.split(b" ")[1]
                self.assertIn(cmd, (b"PRIVMSG", b"NOTICE", b"JOIN",
                                    b"MODE"), ln)
                for w in self.NEVER:
                    self.assertNotIn(w, ln.lower(), ln)
                try:
                    ln.decode("utf-8")
                except UnicodeDecodeError:
                    self.fail("the bot sent invalid UTF-8: %r" % ln)
        finally:
            if raw:
                raw.s.close()
            bot.stop()


class T06Operations(unittest.TestCase):
    def test_01_sighup_reloads_knowledge_and_config_without_dropping(self):
        here = os.path.dirname(os.path.abspath(__file__))
        kdir = os.path.join(TMP, "knowledge-hup")
        shutil.copytree(os.path.join(here, "..", "..", "knowledge"), kdir)
        bot = Bot(PLAIN, bot_extra="knowledge = %s" % kdir)
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "ivy")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))
        # a new alias in the knowledge, a new channel in the config
        role = os.path.join(kdir, "roles", "site-reliability-engineer.json")
        with open(role) as f:
            text = f.read()
        with open(role, "w") as f:
            f.write(text.replace('"sre",', '"sre", "uptime wizard",', 1))
        with open(bot.conf) as f:
            conf = f.read()
        with open(bot.conf, "w") as f:
            f.write(conf.replace("channels = #techpay",
                                 "channels = #techpay, #hup"))
        bot.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "knowledge reloaded" in
                                 bot.logtext(), 10), bot.logtext())
        u.say("#techpay", "!salary uptime wizard")
        self.assertTrue(u.pump_until(lambda: len(u.from_bot("techpay")) >= 2,
                                     10))
        self.assertIn("$140,000", u.from_bot("techpay")[1][3])
        v = User(PLAIN, "jack", join="#hup")
        self.addCleanup(v.close)
        v.pump(0.5)
        v.say("#hup", "!salary sre")
        self.assertTrue(v.pump_until(lambda: v.from_bot("techpay"), 10),
                        "bot did not join the new channel")
        # a broken file: logged, and the old knowledge keeps serving
        with open(role, "w") as f:
            f.write("{ broken")
        bot.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "knowledge not reloaded" in
                                 bot.logtext(), 10), bot.logtext())
        self.assertIn("site-reliability-engineer.json: line", bot.logtext())
        u.say("#techpay", "!salary uptime wizard")
        self.assertTrue(u.pump_until(lambda: len(u.from_bot("techpay")) >= 3,
                                     10))
        self.assertIn("$140,000", u.from_bot("techpay")[2][3])
        self.assertEqual(bot.logtext().count("registered as"), 1)

    def test_02_per_user_limit_and_ignore_list(self):
        bot = Bot(PLAIN, bot_extra="user_rate = 3\nuser_ignore_seconds = 60\n"
                  "ignore = troll!*@*")
        # the [bot] section above sets user_rate twice: the last one wins
        bot.start()
        self.addCleanup(bot.stop)
        u = User(PLAIN, "kate")
        self.addCleanup(u.close)
        troll = User(PLAIN, "troll")
        self.addCleanup(troll.close)
        u.pump(0.3)
        troll.say("#techpay", "!salary sre")
        for i in range(5):
            u.say("#techpay", "!salary devops")
        u.pump(8)
        troll.pump(0.5)
        answers = [m for m in u.from_bot("techpay", "pubnotice")
                   if m[3].startswith("kate:")]
        notices = [m for m in u.from_bot("techpay", "privnotice")]
        self.assertEqual(len(answers), 3, u.msgs)
        self.assertEqual(len(notices), 1, u.msgs)
        self.assertIn("more than 3 questions a minute", notices[0][3])
        self.assertFalse([m for m in u.from_bot("techpay")
                          if m[3].startswith("troll:")])

    def test_03_silent_server_detected_by_own_ping(self):
        srv = Ngircd("frozen")
        srv.start()
        self.addCleanup(srv.stop)
        bot = Bot(srv, extra="ping_after = 2\nping_timeout = 2")
        bot.start()
        self.addCleanup(bot.stop)
        srv.proc.send_signal(signal.SIGSTOP)   # the server goes silent
        try:
            self.assertTrue(wait_for(lambda: "ping timeout" in bot.logtext(),
                                     15), bot.logtext())
        finally:
            srv.proc.send_signal(signal.SIGCONT)
        self.assertIn("-> PING :techpay-", bot.logtext())
        self.assertTrue(wait_for(lambda: bot.logtext().count("registered as")
                                 >= 2, 20), bot.logtext())


class SaslNet(harness.InspircdAtheme):
    """InspIRCd with Atheme for a test, in TMP/name (harness.py says
    what tls, password and accounttag do), and accounts registered by a
    real client."""

    def __init__(self, name="sasl", tls=False, password=None,
                 accounttag=False):
        harness.InspircdAtheme.__init__(self, os.path.join(TMP, name),
                                        tls=tls, password=password,
                                        accounttag=accounttag, certs=CERTS)

    def register(self, account, password):
        """NickServ REGISTER from a real client; True when confirmed."""
        u = User(self, account, join=None)
        try:
            for _ in range(20):     # services may still be linking
                u.say("NickServ", "REGISTER %s %s@example.org" %
                      (password, account))
                if u.pump_until(lambda: any("is now registered" in m[3]
                                            for m in u.msgs), 1.5):
                    return True
            return False
        finally:
            u.close()


class T07SASL(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.net = SaslNet()
        cls.net.start()
        assert cls.net.register("saslbot", "Secret-Pass-123")
        # a 30-character account and a 249-character password: the
        # AUTHENTICATE payload is 416 bytes of base64, two lines
        cls.long_account = "abcdefghijklmnopqrstuvwxyz1234"
        cls.long_pw = "Kx5" * 83
        assert cls.net.register(cls.long_account, cls.long_pw)

    @classmethod
    def tearDownClass(cls):
        cls.net.stop()

    def test_01_sasl_plain_logs_in(self):
        bot = Bot(self.net, extra="sasl_user = saslbot\nsasl_password = "
                  "Secret-Pass-123\nsasl_required = yes")
        bot.start()
        self.addCleanup(bot.stop)
        log = bot.logtext()
        self.assertIn("SASL: logged in as saslbot", log)
        self.assertNotIn("Secret-Pass-123", log)
        u = User(self.net, "lena")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("techpay"), 10))

    def test_02_long_payload_sent_in_400_byte_chunks(self):
        pwfile = os.path.join(TMP, "long.pw")
        with open(pwfile, "w") as f:
            f.write(self.long_pw + "\n")
        bot = Bot(self.net, nick="chunky", extra="sasl_user = %s\n"
                  "sasl_password_file = %s" % (self.long_account, pwfile))
        bot.start()
        self.addCleanup(bot.stop)
        log = bot.logtext()
        self.assertEqual(log.count("-> AUTHENTICATE [redacted]"), 2, log)
        self.assertIn("SASL: logged in as " + self.long_account, log)
        self.assertNotIn(self.long_pw, log)

    def test_04_owner_by_services_account(self):
        # "account:boss2" is an owner; the nick alone is not enough
        self.assertTrue(self.net.register("boss2", "Boss-Pass-9"))
        bot = Bot(self.net, nick="acctbot", bot_extra="owners = account:boss2")
        bot.start()
        self.addCleanup(bot.stop)
        fake = User(self.net, "boss2", join="#fakeroom")   # not identified
        fake.conn.invite("acctbot", "#fakeroom")
        self.assertTrue(wait_for(lambda: "ignored an invite to #fakeroom"
                                 in bot.logtext(), 10), bot.logtext())
        # owner commands: the nick without the account is refused
        fake.say("acctbot", "!join #fakeroom")
        fake.pump_until(lambda: any("only the bot's owners" in m[3]
                                    for m in fake.msgs), 10)
        self.assertTrue(any("only the bot's owners" in m[3]
                            for m in fake.msgs), fake.msgs)
        fake.close()
        time.sleep(1)
        real = User(self.net, "boss2", join=None)
        self.addCleanup(real.close)
        real.say("NickServ", "IDENTIFY Boss-Pass-9")
        real.pump_until(lambda: any("now logged in" in m[3] or
                                    "You are now" in m[3]
                                    for m in real.msgs), 10)
        real.conn.join("#realroom")
        real.pump(1)
        real.conn.invite("acctbot", "#realroom")
        self.assertTrue(wait_for(lambda: "invited to #realroom by owner"
                                 in bot.logtext(), 10), bot.logtext())
        self.assertIn("(account boss2)", bot.logtext())
        # ... and with the account, the command is carried out
        n = len(real.msgs)
        real.say("acctbot", "!ignore mallory")
        real.pump_until(lambda: len(real.msgs) > n, 10)
        self.assertIn("Ignoring", real.msgs[-1][3])
        self.assertIn("ignoring mallory!*@*", bot.logtext())

    def test_05_owner_nick_swap_is_refused(self):
        # H1: the attacker asks as the owner's usual nick, drops it, the
        # owner takes it back; the WHOIS answer must not vouch for the
        # attacker (its user@host is not the asker's)
        self.assertTrue(self.net.register("boss5", "Boss-Pass-5"))
        bot = Bot(self.net, nick="swapbot", bot_extra="owners = account:boss5")
        bot.start()
        self.addCleanup(bot.stop)
        owner = User(self.net, "boss5_", join=None)
        self.addCleanup(owner.close)
        owner.say("NickServ", "IDENTIFY boss5 Boss-Pass-5")
        self.assertTrue(owner.pump_until(
            lambda: any("now logged in" in m[3] or "You are now" in m[3]
                        for m in owner.msgs), 10), owner.msgs)
        mal = User(self.net, "boss5", join=None)
        self.addCleanup(mal.close)
        for _ in range(6):          # push the WHOIS back, as in the report
            mal.conn.ctcp("VERSION", "swapbot")
        mal.say("swapbot", "!join #pwned")
        mal.conn.nick("mallory5")
        mal.pump(0.3)
        owner.conn.nick("boss5")
        owner.pump(8)
        self.assertNotIn("JOIN #pwned", bot.logtext())
        # the true owner, on the nick, is still obeyed
        owner.say("swapbot", "!join #ownerok")
        self.assertTrue(wait_for(lambda: "JOIN #ownerok" in bot.logtext(),
                                 10), bot.logtext())
        self.assertNotIn("JOIN #pwned", bot.logtext())

    def test_07_whois_one_per_person_inside_the_bucket(self):
        # N10: without account-tag, an owner command from a non-owner
        # costs a WHOIS; 15 people x 10 "!join" hold one look-up each,
        # the WHOIS lines leave at the bucket's pace (4, then 1 a
        # second), and the owner's own command still gets its WHOIS
        self.assertTrue(self.net.register("boss3", "Boss-Pass-33"))
        bot = Bot(self.net, nick="whoisb", bot_extra="owners = account:boss3")
        bot.start()
        self.addCleanup(bot.stop)
        clones = []
        self.addCleanup(lambda: [c.s.close() for c in clones])
        for i in range(15):
            clones.append(RawClient(self.net, "wc%02d" % i,
                                    user="wc%02d" % i, join=False))
        for c in clones:
            c.send(b"PRIVMSG whoisb :!join #x\r\n" * 10)
        time.sleep(3)
        whois = [ln for ln in bot.logtext().splitlines()
                 if "-> WHOIS " in ln]
        self.assertLessEqual(len(whois), 4 + 3 + 1, whois)
        real = User(self.net, "boss3", join=None)
        self.addCleanup(real.close)
        real.say("NickServ", "IDENTIFY Boss-Pass-33")
        real.pump_until(lambda: any("now logged in" in m[3] or
                                    "You are now" in m[3]
                                    for m in real.msgs), 10)
        n = len(real.msgs)
        real.say("whoisb", "!ignore mallory3")
        self.assertTrue(real.pump_until(
            lambda: any("Ignoring" in m[3] for m in real.msgs[n:]), 60),
            real.msgs)
        log = bot.logtext()
        for i in range(15):
            self.assertLessEqual(log.count("-> WHOIS wc%02d" % i), 1,
                                 "wc%02d" % i)
        self.assertIn("a WHOIS look-up already waits for wc00", log)
        self.assertNotIn("too many WHOIS look-ups", log)

    def test_06_nickserv_refusal_is_a_warning(self):
        self.assertTrue(self.net.register("nsbot", "Ns-Pass-6"))
        bot = Bot(self.net, nick="nsbot",
                  extra="nickserv_password = not-the-ns-password")
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "NickServ refused us" in
                                 bot.logtext(), 15), bot.logtext())
        self.assertRegex(bot.logtext(), r"warn: test: NickServ refused us")
        self.assertNotIn("not-the-ns-password", bot.logtext())

    def test_03_wrong_password_clear_error_no_storm(self):
        bot = Bot(self.net, nick="wrongpw", extra="sasl_user = saslbot\n"
                  "sasl_password = not-the-password\nsasl_required = yes")
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "SASL authentication failed" in
                                 bot.logtext(), 10), bot.logtext())
        time.sleep(3)
        log = bot.logtext()
        self.assertNotIn("registered as", log)
        self.assertLessEqual(log.count("connecting to"), 2, log)
        self.assertNotIn("not-the-password", log)


class CertClient:
    """A user on a TLS port with a client certificate (python3-irc has no
    client certificates): registers a NickServ account and adds the
    certificate's fingerprint to it with CERT ADD."""

    def __init__(self, net, nick, cert):
        ctx = ssl.create_default_context(cafile=os.path.join(CERTS,
                                                             "ca.pem"))
        ctx.load_cert_chain(os.path.join(CERTS, cert + ".pem"),
                            os.path.join(CERTS, cert + ".key"))
        self.s = ctx.wrap_socket(socket.create_connection(
            ("127.0.0.1", net.tls_port), 5), server_hostname="localhost")
        self.buf, self.lines = b"", []
        if net.password:
            self.send("PASS :" + net.password)
        self.send("NICK %s" % nick)
        self.send("USER x 0 * :x")
        assert self.wait(lambda ln: " 001 " in ln, 15), self.lines

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def wait(self, pred, timeout):
        end = time.time() + timeout
        while True:
            for ln in self.lines:
                if pred(ln):
                    return ln
            if time.time() >= end:
                return None
            self.s.settimeout(max(0.01, min(0.2, end - time.time())))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return None
            self.buf += chunk
            while b"\r\n" in self.buf:
                ln, self.buf = self.buf.split(b"\r\n", 1)
                ln = ln.decode("utf-8", "replace")
                if ln.startswith("PING"):
                    self.send("PONG" + ln[4:])
                self.lines.append(ln)

    def register_with_cert(self, password):
        for _ in range(20):     # services may still be linking
            self.send("PRIVMSG NickServ :REGISTER %s cert@example.org" %
                      password)
            if self.wait(lambda ln: "is now registered" in ln, 1.5):
                break
        else:
            return None
        self.send("PRIVMSG NickServ :CERT ADD")
        return self.wait(lambda ln: "NickServ" in ln and "fingerprint" in
                         ln.lower() and "added" in ln.lower(), 10)

    def close(self):
        try:
            self.send("QUIT :bye")
            self.s.close()
        except OSError:
            pass


class T13ServerPassword(unittest.TestCase):
    """PASS on an ngircd with [Global] Password, and a 464 from a
    scripted server (ngircd answers a wrong password with an ERROR
    line only; Solanum, Hybrid and UnrealIRCd send 464)."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Ngircd("passwd", password="Server-Pass-11")
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_01_right_password_registers_and_answers(self):
        bot = Bot(self.srv, nick="passbot",
                  extra="server_password = Server-Pass-11")
        bot.start()
        self.addCleanup(bot.stop)
        u = User(self.srv, "olga")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("passbot"), 10))
        log = bot.logtext()
        self.assertNotIn("Server-Pass-11", log)
        # PASS before NICK and USER
        sent = [ln.split("-> ", 1)[1] for ln in log.splitlines()
                if " -> " in ln]
        self.assertEqual(sent[0], "[a line with a password, redacted]", sent)
        self.assertEqual(sent[1], "CAP LS 302", sent)
        # then libircclient's NICK and USER, with the CAP END wherever
        # the server's CAP answer lets it fall
        rest = [x for x in sent[2:] if not x.startswith("CAP ")]
        self.assertTrue(rest[0].startswith("NICK "), sent)
        self.assertTrue(rest[1].startswith("USER "), sent)

    def test_02_password_from_file(self):
        pwfile = os.path.join(TMP, "server.pw")
        with open(pwfile, "w") as f:
            f.write("Server-Pass-11\n")
        os.chmod(pwfile, 0o600)
        bot = Bot(self.srv, nick="filepass",
                  extra="server_password_file = %s" % pwfile)
        bot.start()
        self.addCleanup(bot.stop)
        self.assertNotIn("Server-Pass-11", bot.logtext())

    def test_03_wrong_password_clear_error_no_storm(self):
        bot = Bot(self.srv, nick="badpass",
                  extra="server_password = not-the-server-pw")
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "server password refused" in
                                 bot.logtext(), 10), bot.logtext())
        time.sleep(3)
        log = bot.logtext()
        self.assertIn("test: server password refused (ERROR Access denied: "
                      "Bad password?): server_password is wrong", log)
        # the next try waits reconnect_max (4 s here), not 1 s doubling
        self.assertRegex(log, r"reconnecting in (4\.\d|5\.0) s")
        self.assertLessEqual(log.count("connecting to"), 2, log)
        self.assertNotIn("registered as", log)
        self.assertNotIn("not-the-server-pw", log)

    def test_04_464_from_the_server(self):
        """A scripted server that answers like Solanum: 464, then ERROR.
        It also records what the bot sent, in order."""
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(4)
        lsock.settimeout(0.2)
        self.addCleanup(lsock.close)
        got, conns = [], []

        def serve():
            deadline = time.time() + 8
            while time.time() < deadline:
                try:
                    c, _ = lsock.accept()
                except (socket.timeout, OSError):
                    continue
                conns.append(c)
                c.settimeout(5)
                data = b""
                while b"USER " not in data:
                    chunk = c.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                got.append(data.decode("utf-8", "replace"))
                c.sendall(b":irc.fake.test 464 * :Password incorrect\r\n"
                          b"ERROR :Closing Link: 127.0.0.1 (Bad Password)\r\n")
                c.close()
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        fake = Ngircd.__new__(Ngircd)      # only .port and .tls are read
        fake.port, fake.tls = lsock.getsockname()[1], False
        bot = Bot(fake, nick="pass464",
                  extra="server_password = two words")
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "server password refused" in
                                 bot.logtext(), 10), bot.logtext())
        time.sleep(3)
        log = bot.logtext()
        self.assertIn("test: server password refused (464 Password "
                      "incorrect): server_password is wrong", log)
        self.assertNotIn("the server refused us", log)    # said once
        self.assertLessEqual(len(got), 2, got)
        lines = got[0].split("\r\n")
        # a password with a space goes as a trailing parameter, first
        self.assertEqual(lines[0], "PASS :two words", lines)
        self.assertEqual(lines[1], "CAP LS 302", lines)
        self.assertTrue(lines[2].startswith("NICK pass464"), lines)
        self.assertTrue(lines[3].startswith("USER "), lines)
        self.assertNotIn("two words", log)


class T12SaslExternal(unittest.TestCase):
    """SASL EXTERNAL with a client certificate, end to end: InspIRCd
    over TLS reads the certificate's fingerprint, Atheme knows it for
    the account certacct (NickServ CERT ADD), and the connect class asks
    for a server password, so PASS, CAP, NICK and USER all happen."""

    @classmethod
    def setUpClass(cls):
        cls.net = SaslNet("sasl-tls", tls=True, password="Net Pass 12")
        cls.net.start()
        c = CertClient(cls.net, "certacct", "client")
        try:
            assert c.register_with_cert("Cert-Pass-12"), c.lines[-10:]
        finally:
            c.close()
        # the bot connects to the TLS port as localhost (the name in the
        # server's certificate)
        cls.tls = Ngircd.__new__(Ngircd)
        cls.tls.port, cls.tls.tls = cls.net.tls_port, True

    @classmethod
    def tearDownClass(cls):
        cls.net.stop()

    def conf(self, cert, more=""):
        return ("tls_ca_file = %s/ca.pem\ntls_cert_file = %s/%s.pem\n"
                "tls_key_file = %s/%s.key\nserver_password = Net Pass 12\n"
                "%s" % (CERTS, CERTS, cert, CERTS, cert, more))

    def test_01_external_logs_in_with_the_certificate(self):
        bot = Bot(self.tls, nick="extbot", host="localhost",
                  extra=self.conf("client", "sasl_required = yes"))
        bot.start()
        self.addCleanup(bot.stop)
        log = bot.logtext()
        self.assertIn("SASL: logged in as certacct (EXTERNAL)", log)
        self.assertNotIn("Net Pass 12", log)
        sent = [ln.split("-> ", 1)[1] for ln in log.splitlines()
                if " -> " in ln]
        # PASS, CAP LS, then libircclient's NICK and USER (racing the
        # server's CAP LS answer); the server holds registration until
        # CAP END
        self.assertEqual(sent[:2], ["[a line with a password, redacted]",
                                    "CAP LS 302"], sent)
        nick = [i for i, x in enumerate(sent) if x.startswith("NICK ")][0]
        user = [i for i, x in enumerate(sent) if x.startswith("USER ")][0]
        sasl = [x for x in sent if x.startswith("CAP REQ") or
                x.startswith("AUTHENTICATE") or x == "CAP END"]
        self.assertEqual(sasl, ["CAP REQ :sasl", "AUTHENTICATE EXTERNAL",
                                "AUTHENTICATE +", "CAP END"], sent)
        self.assertLess(nick, user)
        # CAP END may go before libircclient's NICK and USER reach the
        # relay (a fast EXTERNAL); the server registers once it has all
        self.assertLess(log.index("SASL: logged in"),
                        log.index("registered as"))
        # the server agrees: WHOIS names the account (330)
        u = User(self.net, "wendy")
        self.addCleanup(u.close)
        raw = []
        u.conn.add_global_handler("all_raw_messages",
                                  lambda c, e: raw.append(e.arguments[0]))
        u.conn.whois(["extbot"])
        self.assertTrue(u.pump_until(lambda: any(" 318 " in r for r in raw),
                                     10), raw)
        self.assertTrue(any(" 330 wendy extbot certacct " in r for r in raw),
                        raw)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("extbot"), 10))

    def test_02_unknown_certificate_clear_error_no_storm(self):
        bot = Bot(self.tls, nick="strangerbot", host="localhost",
                  extra=self.conf("stranger", "sasl_mechanism = external\n"
                                  "sasl_required = yes"))
        bot.start(wait_registered=False)
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "SASL authentication failed" in
                                 bot.logtext(), 15), bot.logtext())
        time.sleep(3)
        log = bot.logtext()
        self.assertIn("NickServ CERT ADD", log)
        self.assertNotIn("registered as", log)
        self.assertLessEqual(log.count("connecting to"), 2, log)

    def test_03_plain_still_chosen_with_a_password(self):
        # a certificate and a password: PLAIN, as before
        self.assertTrue(self.net.register("plainacct", "Plain-Pass-12"))
        bot = Bot(self.tls, nick="bothbot", host="localhost",
                  extra=self.conf("client", "sasl_user = plainacct\n"
                                  "sasl_password = Plain-Pass-12\n"
                                  "sasl_required = yes"))
        bot.start()
        self.addCleanup(bot.stop)
        log = bot.logtext()
        self.assertIn("SASL: logged in as plainacct (PLAIN)", log)
        self.assertIn("-> AUTHENTICATE PLAIN", log)
        self.assertNotIn("Plain-Pass-12", log)


class T14AccountTag(unittest.TestCase):
    """InspIRCd with IRCv3 account-tag: the account comes on the message
    itself, so owner commands need no WHOIS and have no race."""

    @classmethod
    def setUpClass(cls):
        cls.net = SaslNet("sasl-tag", accounttag=True)
        cls.net.start()
        assert cls.net.register("boss7", "Boss-Pass-7")

    @classmethod
    def tearDownClass(cls):
        cls.net.stop()

    def test_01_owner_by_tag_nick_swap_refused(self):
        bot = Bot(self.net, nick="tagbot", bot_extra="owners = account:boss7")
        bot.start()
        self.addCleanup(bot.stop)
        self.assertTrue(wait_for(lambda: "-> CAP REQ :account-tag" in
                                 bot.logtext(), 10), bot.logtext())
        owner = User(self.net, "boss7_", join=None)
        self.addCleanup(owner.close)
        owner.say("NickServ", "IDENTIFY boss7 Boss-Pass-7")
        self.assertTrue(owner.pump_until(
            lambda: any("now logged in" in m[3] or "You are now" in m[3]
                        for m in owner.msgs), 10), owner.msgs)
        mal = User(self.net, "boss7", join=None)
        self.addCleanup(mal.close)
        mal.say("tagbot", "!join #pwned7")
        mal.pump_until(lambda: any("only the bot's owners" in m[3]
                                   for m in mal.msgs), 10)
        self.assertTrue(any("only the bot's owners" in m[3]
                            for m in mal.msgs), mal.msgs)
        mal.conn.nick("mallory7")
        owner.conn.nick("boss7")
        owner.pump(3)
        # the owner, known by the tag on the message
        owner.say("tagbot", "!join #owner7")
        self.assertTrue(wait_for(lambda: "JOIN #owner7" in bot.logtext(),
                                 10), bot.logtext())
        log = bot.logtext()
        self.assertNotIn("JOIN #pwned7", log)
        self.assertNotIn("-> WHOIS", log)
        # tags never reach libircclient: the channel still answers
        u = User(self.net, "tagu")
        self.addCleanup(u.close)
        u.pump(0.5)
        u.say("#techpay", "!salary sre")
        self.assertTrue(u.pump_until(lambda: u.from_bot("tagbot"), 10))


class T17ManyPeople(unittest.TestCase):
    """Many people, or one person as many (the third security review):
    free answers have a budget of their own (N1); the send queue has a
    capped lane for every person however many there are (N2), and a
    question goes ahead of free answers; a new ident on the same address
    is no new budget, and a neighbour who floods is ignored alone (N6);
    WHOIS look-ups are one per person, paced by the token bucket
    (N10)."""

    def test_01_seventy_clones_flooding_help_leave_room_for_a_question(self):
        srv = LooseServer("lanes")
        self.addCleanup(srv.stop)
        bot = Bot(srv, nick="laneb", bot_extra="user_rate = 2",
                  extra="flood_interval_ms = 400")
        bot.start()
        self.addCleanup(bot.stop)
        clones = []
        self.addCleanup(lambda: [c.s.close() for c in clones])
        for i in range(70):         # each on its own address
            clones.append(RawClient(srv, "cl%02d" % i, user="c%02d" % i,
                                    join=False))
        lena = User(srv, "lena")
        self.addCleanup(lena.close)
        for c in clones:
            c.send(b"PRIVMSG laneb :!help\r\n" * 40)
        for c in clones:            # the bot has read them all
            c.pump(0.05)
        time.sleep(2)
        start = time.time()
        lena.say("#techpay", "!salary sre")
        # her question goes ahead of every clone's free help (one turn
        # each was up to 71 lanes at 0.4 s, 28 s; lanes.py B: 139 s)
        self.assertTrue(lena.pump_until(
            lambda: any(m[3].startswith("lena:") for m in
                        lena.from_bot("laneb", "pubnotice")), 60),
            "lena not answered in %.0f s" % (time.time() - start))
        self.assertLess(time.time() - start, 6.0, "lena answered after "
                        "%.1f s" % (time.time() - start))
        log = bot.logtext()
        # each clone: two free answers and the notice, then silence;
        # nobody's line was dropped to make room
        self.assertEqual(log.count("is over the message limit"), 70)
        self.assertNotIn("dropped one", log)

    def test_02_new_idents_on_one_address_buy_no_new_budget(self):
        bot = Bot(PLAIN, nick="hopb",
                  bot_extra="user_rate = 2\nuser_ignore_seconds = 60")
        bot.start()
        self.addCleanup(bot.stop)
        src = next_source()
        a = User(PLAIN, "hop1", username="one", source=src)
        self.addCleanup(a.close)
        for _ in range(3):
            a.say("#techpay", "!salary sre")
        self.assertTrue(a.pump_until(
            lambda: a.from_bot("hopb", "privnotice"), 15), a.msgs)
        # the same address, another ident: ngircd says "~two", the
        # client's own word; the bot sees the same person
        b = User(PLAIN, "hop2", username="two", source=src)
        self.addCleanup(b.close)
        b.say("#techpay", "!salary devops")
        b.pump(4)
        self.assertFalse([m for m in b.from_bot("hopb")
                          if m[3].startswith("hop2:")], b.msgs)
        # someone on another address is still answered
        c = User(PLAIN, "elsewhere")
        self.addCleanup(c.close)
        c.say("#techpay", "!salary devops")
        self.assertTrue(c.pump_until(
            lambda: any(m[3].startswith("elsewhere:") for m in
                        c.from_bot("hopb", "pubnotice")), 10), c.msgs)


    def test_03_a_neighbour_flooding_does_not_get_you_ignored(self):
        # N6 (shared_key.py): mal has lena's address and ident.  mal
        # floods and is told and ignored; lena, who asked before, is
        # answered at once and never told she is over; mal's next nick
        # gets nothing while mal is ignored.
        bot = Bot(PLAIN, nick="nbrb",
                  bot_extra="user_rate = 3\nuser_ignore_seconds = 60")
        bot.start()
        self.addCleanup(bot.stop)
        src = next_source()
        lena = User(PLAIN, "lena6", username="lena", source=src)
        self.addCleanup(lena.close)
        lena.say("#techpay", "!salary sre")
        self.assertTrue(lena.pump_until(
            lambda: any(m[3].startswith("lena6:") for m in
                        lena.from_bot("nbrb", "pubnotice")), 10), lena.msgs)
        mal = User(PLAIN, "mal6", username="lena", source=src)
        self.addCleanup(mal.close)
        for _ in range(6):
            mal.say("nbrb", "!salary devops")
        self.assertTrue(mal.pump_until(
            lambda: "mal6!~lena@%s is over the question limit" % src
            in bot.logtext(), 20), bot.logtext()[-2000:])
        n = len(lena.from_bot("nbrb", "pubnotice"))
        lena.say("#techpay", "!salary ciso")
        self.assertTrue(lena.pump_until(
            lambda: len(lena.from_bot("nbrb", "pubnotice")) > n, 10),
            bot.logtext()[-2000:])
        self.assertFalse([m for m in lena.from_bot("nbrb")
                          if "a minute" in m[3]], lena.msgs)
        self.assertNotIn("lena6!~lena@%s is over" % src, bot.logtext())
        mal.conn.nick("mal7")
        mal.pump(1)
        k = len(mal.from_bot("nbrb"))
        mal.say("#techpay", "!salary devops")
        mal.pump(3)
        self.assertEqual(len(mal.from_bot("nbrb")), k, mal.msgs)


    def test_04_a_neighbour_taking_your_nick_gets_not_your_more(self):
        # convo_nick.py on a server that marks idents "~": alice asks
        # privately, her answer is cut, she leaves; mallory, on the same
        # address, takes her nick and says "more".  The host is one
        # budget, but the conversation is alice's user@host.
        bot = Bot(PLAIN, nick="cnvb", extra="max_lines = 1")
        bot.start()
        self.addCleanup(bot.stop)
        src = next_source()
        alice = User(PLAIN, "alice8", username="alice", source=src,
                     join=None)
        alice.say("cnvb", "which roles pay above $150k?")
        self.assertTrue(alice.pump_until(
            lambda: alice.from_bot("cnvb", "privmsg"), 10), alice.msgs)
        self.assertIn('say "more"', alice.from_bot("cnvb", "privmsg")[-1][3])
        alice.close()
        time.sleep(1)
        mal = User(PLAIN, "alice8", username="mallory", source=src,
                   join=None)
        self.addCleanup(mal.close)
        mal.say("cnvb", "more")
        self.assertTrue(mal.pump_until(
            lambda: mal.from_bot("cnvb", "privmsg"), 10), mal.msgs)
        self.assertIn("Nothing more", mal.from_bot("cnvb", "privmsg")[-1][3])


class T05Config(unittest.TestCase):
    def test_01_check_config_reports_every_error(self):
        path = os.path.join(TMP, "bad.ini")
        with open(path, "w") as f:
            f.write("[bot]\nprefix = !\nbogus = 1\n[network x]\n"
                    "servers = irc.example.org:99999\ntls = maybe\n"
                    "nick = 9bad\nchannels = nochannel\n[weird]\na = b\n")
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        for want in ("bad.ini:3: unknown key \"bogus\" in [bot]",
                     "bad.ini:5: servers port: \"99999\" is not a number",
                     "bad.ini:6: tls: \"maybe\" is not yes or no",
                     "bad.ini:7: nick: \"9bad\" is not a valid nick",
                     "bad.ini:8: channels: \"nochannel\" is not a channel",
                     "bad.ini:10: unknown section [weird]"):
            self.assertIn(want, r.stderr)

    def test_02_readable_passwords_warned(self):
        path = os.path.join(TMP, "pw.ini")
        with open(path, "w") as f:
            f.write("[network x]\nservers = 127.0.0.1:6667\ntls = no\n"
                    "nickserv_password = hunter2\n")
        os.chmod(path, 0o644)
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("others can read it", r.stderr)
        self.assertNotIn("hunter2", r.stderr + r.stdout)

    def test_04_highlight_settings_checked(self):
        path = os.path.join(TMP, "hl.ini")
        with open(path, "w") as f:
            f.write("[bot]\nhighlight_time = 9am\nhighlight_zone = Mars/Base\n"
                    "[network x]\nservers = 127.0.0.1:6667\ntls = no\n"
                    "highlights = #ok 08:30 Europe/Berlin, nochan, "
                    "#a 25:00, #b Nowhere/City\n")
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        for want in ("hl.ini:2: highlight_time: \"9am\" is not a time",
                     "hl.ini:3: highlight_zone: \"Mars/Base\" is not a "
                     "time zone",
                     "hl.ini:7: highlights: \"nochan\" is not a channel",
                     "hl.ini:7: highlights: \"25:00\" is not a time",
                     "hl.ini:7: highlights: \"Nowhere/City\" is not a "
                     "time zone",
                     "highlights: state_dir is missing"):
            self.assertIn(want, r.stderr)

    def test_05_server_password_and_sasl_mechanism_checked(self):
        path = os.path.join(TMP, "auth.ini")
        empty = os.path.join(TMP, "empty.pw")
        open(empty, "w").close()
        with open(path, "w") as f:
            f.write("[network a]\nservers = 127.0.0.1\ntls = no\n"
                    "server_password = x\n"
                    "server_password_file = %s\n"
                    "[network b]\nservers = 127.0.0.1\n"
                    "server_password_file = /nonexistent/pw\n"
                    "sasl_mechanism = external\nsasl_required = yes\n"
                    "[network c]\nservers = 127.0.0.1\n"
                    "server_password_file = %s\nsasl_mechanism = scram\n"
                    "[network d]\nservers = 127.0.0.1\ntls = no\n"
                    "sasl_mechanism = external\n"
                    "tls_cert_file = /nonexistent/c.pem\n"
                    "tls_key_file = /nonexistent/c.key\n" % (CERTS +
                                                              "/ca.pem", empty))
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        for want in ("auth.ini:5: [network a]: server_password and "
                     "server_password_file: give one of them",
                     "auth.ini:8: server_password_file: /nonexistent/pw: No "
                     "such file or directory",
                     "[network b]: sasl_mechanism = external needs a client "
                     "certificate (tls_cert_file and tls_key_file)",
                     "auth.ini:13: server_password_file: %s is empty" % empty,
                     "auth.ini:14: sasl_mechanism: \"scram\" is not plain, "
                     "external or none",
                     "[network d]: sasl_mechanism = external needs tls = yes",
                     "[network d]: tls_cert_file: /nonexistent/c.pem: No such "
                     "file or directory"):
            self.assertIn(want, r.stderr)
        self.assertNotIn("sasl_required needs", r.stderr)
        # a readable config with a server password is warned about
        with open(path, "w") as f:
            f.write("[network x]\nservers = 127.0.0.1\ntls = no\n"
                    "server_password = hunter3\n")
        os.chmod(path, 0o644)
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("others can read it", r.stderr)
        self.assertNotIn("hunter3", r.stderr + r.stdout)
        # sasl_required with neither a password nor a certificate
        with open(path, "w") as f:
            f.write("[network x]\nservers = 127.0.0.1\nsasl_required = yes\n"
                    "[network y]\nservers = 127.0.0.1\n"
                    "sasl_mechanism = plain\n")
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertIn("[network y]: sasl_mechanism = plain needs sasl_user "
                      "and sasl_password", r.stderr)
        self.assertIn("[network x]: sasl_required needs sasl_user and sasl_password, or "
                      "a client certificate", r.stderr)

    def test_03_config_example_is_a_safe_template(self):
        # copied unchanged it must not connect as someone else's bot: the
        # placeholder nick is refused, by name
        here = os.path.dirname(os.path.abspath(__file__))
        example = os.path.join(here, "..", "..", "config.example")
        r = subprocess.run([BOT, "check-config", "-c", example],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("nick: set nick (\"CHANGE-ME\" is config.example's "
                      "placeholder)", r.stderr)
        # with the nick set (and a state_dir this user can create) it
        # passes, and nothing in it is live: no Matrix, no highlights
        with open(example) as f:
            text = f.read()
        self.assertNotIn("\n[matrix", text)
        self.assertNotIn("\nhighlights =", text)
        text = text.replace("\nnick = CHANGE-ME\n", "\nnick = mybot\n")
        text = re.sub(r"\nstate_dir = [^\n]*", "\nstate_dir = " +
                      os.path.join(TMP, "example-state"), text)
        path = os.path.join(TMP, "example.ini")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        r = subprocess.run([BOT, "check-config", "-c", path],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)


if __name__ == "__main__":
    run_suite("irc")
