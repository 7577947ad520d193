"""synapse.py -- a real Synapse homeserver on loopback.

Generates a config with Synapse's own --generate-config, then sets what
the tests need: one client listener on 127.0.0.1, SQLite, a registration
shared secret (users come from register_new_matrix_user), no federation
keys, no presence, and a deliberately low rc_message so that rate limits
(429) are real.  Test users that must not be limited get an override
through the admin API.
"""
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import yaml

from harness import Process, free_port, port_open

SERVER_NAME = "localhost"
SECRET = "techpay-test-shared-secret"


class Synapse(Process):
    """One Synapse in workdir/synapse; rc_*: its rc_message limit."""

    def __init__(self, workdir, rc_per_second=0.5, rc_burst=3):
        self.dir = os.path.join(workdir, "synapse")
        os.makedirs(self.dir, exist_ok=True)
        Process.__init__(self, os.path.join(self.dir, "stdout.log"))
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.conf = os.path.join(self.dir, "homeserver.yaml")
        subprocess.run([sys.executable, "-m", "synapse.app.homeserver",
                        "--server-name", SERVER_NAME,
                        "--config-path", self.conf,
                        "--data-directory", self.dir,
                        "--generate-config", "--report-stats=no"],
                       check=True, capture_output=True, cwd=self.dir)
        with open(self.conf) as f:
            c = yaml.safe_load(f)
        c["listeners"] = [{
            "port": self.port, "bind_addresses": ["127.0.0.1"],
            "type": "http", "tls": False, "x_forwarded": False,
            "resources": [{"names": ["client"], "compress": False}]}]
        c["database"] = {"name": "sqlite3", "args": {
            "database": os.path.join(self.dir, "homeserver.db")}}
        c["registration_shared_secret"] = SECRET
        c["enable_registration"] = False
        c["trusted_key_servers"] = []
        c["suppress_key_server_warning"] = True
        c["report_stats"] = False
        c["presence"] = {"enabled": False}
        c["url_preview_enabled"] = False
        high = {"per_second": 1000, "burst_count": 1000}
        c["rc_message"] = {"per_second": rc_per_second,
                           "burst_count": rc_burst}
        c["rc_login"] = {"address": high, "account": high,
                         "failed_attempts": high}
        c["rc_registration"] = high
        c["rc_joins"] = {"local": high, "remote": high}
        c["rc_invites"] = {"per_room": high, "per_user": high,
                           "per_issuer": high}
        c["rc_admin_redaction"] = high
        c["rc_room_creation"] = high
        # logs to a file in our directory, not the generated log config
        logcfg = os.path.join(self.dir, "log.yaml")
        with open(logcfg, "w") as f:
            yaml.safe_dump({
                "version": 1,
                "formatters": {"f": {"format": "%(asctime)s %(name)s "
                                               "%(levelname)s %(message)s"}},
                "handlers": {"file": {
                    "class": "logging.FileHandler", "formatter": "f",
                    "filename": os.path.join(self.dir, "homeserver.log")}},
                "root": {"level": "WARNING", "handlers": ["file"]},
                "disable_existing_loggers": False}, f)
        c["log_config"] = logcfg
        with open(self.conf, "w") as f:
            yaml.safe_dump(c, f)

    def answering(self):
        try:
            urllib.request.urlopen(self.url + "/_matrix/client/versions",
                                   timeout=1)
            return True
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def start(self):
        self.start_ready([sys.executable, "-m", "synapse.app.homeserver",
                          "-c", self.conf], self.answering, 60,
                         "synapse (/versions)", cwd=self.dir)

    def stop(self, sig=None):
        Process.stop(self, sig or signal.SIGTERM, 20)

    def register(self, user, password, admin=False):
        subprocess.run(
            [os.path.join(os.path.dirname(sys.executable),
                          "register_new_matrix_user"),
             "-u", user, "-p", password, "-k", SECRET,
             "--admin" if admin else "--no-admin", self.url],
            check=True, capture_output=True)
        return "@%s:%s" % (user, SERVER_NAME)

    def api(self, method, path, token=None, body=None):
        req = urllib.request.Request(
            self.url + path, method=method,
            data=json.dumps(body).encode() if body is not None else None)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def make_admin(self):
        """Registers an admin; its token then serves unlimit/limit."""
        self.register("admin", "admin-pw", admin=True)
        self.admin = self.login("admin", "admin-pw")

    def unlimit(self, user_id):
        """No rate limit for user_id (the admin API's override)."""
        self.api("POST", "/_synapse/admin/v1/users/%s/override_ratelimit"
                 % user_id, self.admin,
                 {"messages_per_second": 0, "burst_count": 0})

    def limit(self, user_id):
        """Back to the config's rate limit (rc_message)."""
        self.api("DELETE", "/_synapse/admin/v1/users/%s/override_ratelimit"
                 % user_id, self.admin)

    def login(self, user, password):
        return self.api("POST", "/_matrix/client/v3/login", body={
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password})["access_token"]
