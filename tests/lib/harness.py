"""harness.py -- what every end-to-end script shares.

Loopback ports, polling with a deadline, and the processes: one Process
class (started with a readiness check, its log read, stopped) under the
servers (ngircd and InspIRCd with Atheme here, Synapse in synapse.py) and the bot, whose log is also searched for sanitizer
reports (the suites run the ASan+UBSan binary).  A new suite imports
what it needs:

    sys.path.insert(0, os.path.join(HERE, "..", "lib"))
    from harness import Ngircd, BotProcess, wait_for, run_suite
"""
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import unittest

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def wait_for(pred, timeout, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return False


class Process:
    """One child process writing to the log file self.log (appended: a
    restarted process keeps its earlier lines)."""

    def __init__(self, log):
        self.log = log
        self.proc = None
        self.logf = None

    def spawn(self, argv, cwd=None):
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(argv, stdout=self.logf,
                                     stderr=subprocess.STDOUT, cwd=cwd)

    def start_ready(self, argv, ready, timeout, what, cwd=None):
        """Spawns argv and waits until ready() is true; fails with the log
        if it does not come, or if the process exits first."""
        self.spawn(argv, cwd)
        ok = wait_for(lambda: ready() or self.proc.poll() is not None,
                      timeout)
        if not ok or self.proc.poll() is not None:
            raise AssertionError("%s did not start:\n%s"
                                 % (what, self.logtext()[-3000:]))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def logtext(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log) as f:
            return f.read()

    def stop(self, sig=signal.SIGKILL, timeout=10):
        """Sends sig (then SIGKILL after timeout); returns the exit code,
        None if it was not started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        self.logf.close()
        return code


class BotProcess(Process):
    """The techpay binary running one config; subclasses write the config
    to self.conf and set self.log."""

    def __init__(self, binary):
        Process.__init__(self, None)
        self.binary = binary

    def spawn(self, argv=None, cwd=None):
        """TECHPAY_BOT_WRAPPER (e.g. "valgrind --error-exitcode=9 ...")
        goes in front of the binary."""
        wrap = shlex.split(os.environ.get("TECHPAY_BOT_WRAPPER", ""))
        Process.spawn(self, wrap + [self.binary, "run", "-c", self.conf],
                      cwd)

    def stop(self, sig=signal.SIGTERM, timeout=None):
        """Stops the bot (if running) and returns its exit code.  Fails on
        a sanitizer report, and on a non-zero exit after SIGTERM."""
        running = self.running()
        if timeout is None:
            timeout = 30 if os.environ.get("TECHPAY_BOT_WRAPPER") else 10
        code = Process.stop(self, sig, timeout)
        log = self.logtext()
        for bad in SANITIZER_MARKS:
            if bad in log:
                raise AssertionError("sanitizer report in the bot log:\n" +
                                     log[max(0, log.index(bad) - 200):][:3000])
        if running and sig == signal.SIGTERM and code not in (0, None):
            raise AssertionError("bot exited %s after SIGTERM:\n%s"
                                 % (code, log[-3000:]))
        return code


class Ngircd(Process):
    """One ngircd on 127.0.0.1 with its config in directory d: plain, or
    TLS (certs: a directory with server.pem and server.key); password:
    [Global] Password, so PASS is needed; penalties=False lets a client
    send as fast as it likes (benchmarks, soak); channel: a predefined
    channel; pin: a command in front (taskset)."""

    def __init__(self, d, tls=False, password=None, certs=None,
                 channel="#techpay", penalties=True, pin=(), port=None,
                 ping_timeout=120):
        os.makedirs(d, exist_ok=True)
        Process.__init__(self, os.path.join(d, "ngircd.log"))
        self.dir = d
        self.port = port or free_port()
        self.tls = tls
        self.password = password
        self.pin = list(pin)
        ports = "Ports = %d\n" % self.port
        ssl = ""
        if tls:
            ports = "Ports =\n"
            ssl = ("[SSL]\nCertFile = %s/server.pem\nKeyFile = "
                   "%s/server.key\nPorts = %d\n" % (certs, certs, self.port))
        self.conf = os.path.join(d, "ngircd.conf")
        with open(self.conf, "w") as f:
            f.write("[Global]\nName = irc.test.local\nInfo = techpay test\n"
                    "Listen = 127.0.0.1\n%sMotdPhrase = test\n%s"
                    "[Limits]\nPingTimeout = %d\nPongTimeout = 20\n"
                    "MaxConnectionsIP = 0\nMaxNickLength = 30\n"
                    "[Options]\nPAM = no\nIdent = no\nDNS = no\n%s"
                    % (ports, "Password = %s\n" % password if password
                       else "", ping_timeout,
                       "" if penalties else
                       "MaxPenaltyTime = 0\nDefaultUserModes = F\n"))
            if channel:
                f.write("[Channel]\nName = %s\nModes = +n\n" % channel)
            f.write(ssl)

    def start(self):
        self.start_ready(self.pin + ["ngircd", "-n", "-f", self.conf],
                         lambda: port_open(self.port), 10, "ngircd")


def start_ngircd(workdir, port, penalties=True, channel=None, pin=()):
    """An ngircd on 127.0.0.1:port for the benchmarks and the soak;
    returns its Popen (kill() and wait() it)."""
    srv = Ngircd(os.path.join(workdir, "ngircd-%d" % port), port=port,
                 penalties=penalties, channel=channel, pin=pin,
                 ping_timeout=300)
    srv.start()
    return srv.proc


# InspIRCd's config: TLS part, client port, link port, connect password,
# account-tag modules, link port again, log and pid directories.
INSPIRCD_CONF = """<server name="irc.sasl.test" description="t" network="TestNet">
<admin name="t" nick="t" email="t@sasl.test">
%s<bind address="127.0.0.1" port="%d" type="clients">
<bind address="127.0.0.1" port="%d" type="servers">
<power diepass="" restartpass="">
<connect name="main" allow="*" timeout="60" localmax="1000" globalmax="1000"
 maxchans="50" limit="5000" threshold="1000" commandrate="1000000"
 fakelag="off" useident="no"%s>
<module name="spanningtree"><module name="sasl">
<module name="services_account"><module name="cap">%s
<link name="services.sasl.test" ipaddr="127.0.0.1" port="%d"
 allowmask="127.0.0.0/8" sendpass="linkpw" recvpass="linkpw">
<uline server="services.sasl.test" silent="yes">
<sasl target="services.sasl.test">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="%s/ircd.log">
<pid file="%s/ircd.pid">
<security runasuser="" runasgroup="">
"""


class InspircdAtheme:
    """InspIRCd (Debian) with Atheme services (Debian) linked to it, in
    directory d: a real server that does SASL PLAIN against real
    accounts.  With tls=True it also listens with TLS on tls_port
    (ssl_gnutls, asking for client certificates, sslinfo; certs: a
    directory with ca.pem, server.pem and server.key) and Atheme does SASL
    EXTERNAL and NickServ CERT; password= makes the connect class ask for
    PASS; accounttag=True offers IRCv3 account-tag."""

    def __init__(self, d, tls=False, password=None, accounttag=False,
                 certs=None):
        self.dir = d
        os.makedirs(os.path.join(d, "data"))
        self.port, link = free_port(), free_port()
        self.tls = False        # self.port is plain; TLS is on tls_port
        self.tls_port = free_port() if tls else None
        self.password = password
        out = os.path.join(d, "out.log")
        self.ircd, self.services = Process(out), Process(out)
        tlsconf = ""
        if tls:
            tlsconf = """<module name="ssl_gnutls"><module name="sslinfo">
<sslprofile name="clients" provider="gnutls" certfile="%s/server.pem"
 keyfile="%s/server.key" cafile="%s/ca.pem" dhfile=""
 requestclientcert="yes" hash="sha256">
<bind address="127.0.0.1" port="%d" type="clients" sslprofile="clients">
""" % (certs, certs, certs, self.tls_port)
        with open(os.path.join(d, "inspircd.conf"), "w") as f:
            f.write(INSPIRCD_CONF % (
                tlsconf, self.port, link,
                ' password="%s"' % password if password else "",
                '<module name="ircv3"><module name="ircv3_accounttag">'
                if accounttag else "", link, d, d))
        with open("/usr/share/doc/atheme-services/examples/"
                  "atheme.conf.example") as f:
            conf = f.read()
        conf = conf.replace('#loadmodule "modules/protocol/charybdis";',
                            'loadmodule "modules/protocol/inspircd";', 1)
        conf = conf.replace('name = "services.int";',
                            'name = "services.sasl.test";', 1)
        if tls:
            for mod in ("saslserv/external", "nickserv/cert"):
                old = '#loadmodule "modules/%s";' % mod
                assert old in conf, mod
                conf = conf.replace(old, old[1:], 1)
        a = conf.index('uplink "irc.example.net" {')
        b = conf.index('/* Services configuration.')
        conf = (conf[:a] + 'uplink "irc.sasl.test" {\n host = "127.0.0.1";\n'
                ' send_password = "linkpw";\n receive_password = "linkpw";\n'
                ' port = %d;\n};\n' % link + conf[b:])
        with open(os.path.join(d, "atheme.conf"), "w") as f:
            f.write(conf)

    def start(self):
        args = ["inspircd", "--nofork", "--config",
                os.path.join(self.dir, "inspircd.conf")]
        if os.geteuid() == 0:
            args.append("--runasroot")
        self.ircd.start_ready(args, lambda: port_open(self.port), 15,
                              "inspircd")
        self.services.spawn(
            ["atheme-services", "-n", "-c", os.path.join(self.dir,
             "atheme.conf"), "-D", os.path.join(self.dir, "data"), "-l",
             os.path.join(self.dir, "atheme.log"), "-p",
             os.path.join(self.dir, "atheme.pid")])

    def stop(self):
        self.services.stop()
        self.ircd.stop()


def run_suite(label, module_name="__main__"):
    """Runs a script's unittest cases (or those named on the command line)
    and prints "LABEL: N passed, N failed" as tests/run.sh does; skipped
    cases are counted apart, never as passed."""
    runner = unittest.TextTestRunner(verbosity=2)
    mod = sys.modules[module_name]
    names = sys.argv[1:]
    loader = unittest.defaultTestLoader
    result = runner.run(loader.loadTestsFromNames(names, mod) if names
                        else loader.loadTestsFromModule(mod))
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    print("%s: %d passed, %d failed%s" % (
        label, result.testsRun - failed - skipped, failed,
        ", %d skipped (not counted as passed)" % skipped if skipped else ""))
    sys.exit(1 if failed else 0)
