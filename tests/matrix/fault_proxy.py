"""fault_proxy.py -- A FAKE homeserver front, for a few faults only.

Synapse cannot be made to answer 500 on demand, so this proxy sits between
the bot and the real Synapse: it forwards every request unchanged, except
that the next N requests whose path matches a pattern get a fault instead:
an HTTP 500 with a Matrix error body ("500"), a 200 whose body is past the
bot's 16 MiB cap ("big"), or a 200 sync answer of over a million tiny
values in about 2 MB ("values").  Everything else the bot sees comes from
Synapse.  The timeline limit of each /sync's filter is recorded.
"""
import http.server
import json
import re
import sys
import threading
import urllib.parse
import urllib.error
import urllib.request

from harness import free_port


class FaultProxy:
    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.rules = []         # [pattern, method, count left, kind]
        self.failed = 0
        self.sync_limits = []   # each /sync's filter timeline limit
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                proxy.note(self.path)
                kind = proxy.should_fail(self.command, self.path)
                if kind:
                    code, out = proxy.fault_body(kind)
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    try:
                        self.wfile.write(out)
                    except OSError:
                        pass    # the bot cut a "big" one short: expected
                    return
                req = urllib.request.Request(proxy.upstream + self.path,
                                             data=body, method=self.command)
                for h in ("Authorization", "Content-Type"):
                    if self.headers.get(h):
                        req.add_header(h, self.headers[h])
                try:
                    with urllib.request.urlopen(req, timeout=120) as r:
                        code, out = r.status, r.read()
                        hdrs = r.headers
                except urllib.error.HTTPError as e:
                    code, out, hdrs = e.code, e.read(), e.headers
                self.send_response(code)
                for h in ("Content-Type", "Retry-After"):
                    if hdrs.get(h):
                        self.send_header(h, hdrs[h])
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_PUT = do_POST = do_DELETE = handle_any

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # a peer gone (the bot cutting a "big" answer, stopping
                # mid long-poll, Synapse stopped first) is not a failure
                if not isinstance(sys.exc_info()[1], OSError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def fail(self, pattern, method, count, kind="500"):
        with self.lock:
            self.rules.append([re.compile(pattern), method, count, kind])

    def should_fail(self, method, path):
        """The kind of fault for this request, or None."""
        with self.lock:
            for r in self.rules:
                if r[2] > 0 and r[1] == method and r[0].search(path):
                    r[2] -= 1
                    self.failed += 1
                    return r[3]
        return None

    @staticmethod
    def fault_body(kind):
        if kind == "big":       # 17 MiB of valid JSON: past the cap
            pad = b"a" * (17 * 1024 * 1024)
            return 200, b'{"next_batch":"fault","pad":"' + pad + b'"}'
        if kind == "values":    # small, but a million cJSON nodes
            return 200, (b'{"next_batch":"fault","pad":[0' +
                         b",0" * 1100000 + b"]}")
        if kind == "sync500":   # a proxy, in a room just joined
            return 500, (b'{"errcode":"M_UNKNOWN","error":"The proxy '
                         b'client did not manage to sync with the server"}')
        return 500, b'{"errcode":"M_UNKNOWN","error":"fault proxy"}'

    def note(self, path):
        u = urllib.parse.urlsplit(path)
        if not u.path.endswith("/sync"):
            return
        f = urllib.parse.parse_qs(u.query).get("filter")
        try:
            limit = json.loads(f[0])["room"]["timeline"]["limit"]
        except (TypeError, ValueError, KeyError):
            limit = None
        with self.lock:
            self.sync_limits.append(limit)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
