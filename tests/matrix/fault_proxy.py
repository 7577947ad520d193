"""fault_proxy.py -- A FAKE homeserver front, for one fault only.

Synapse cannot be made to answer 500 on demand, so this proxy sits between
the bot and the real Synapse: it forwards every request unchanged, except
that the next N requests whose path matches a pattern get an HTTP 500 with
a Matrix error body.  Everything else the bot sees comes from Synapse.
"""
import http.server
import re
import threading
import urllib.error
import urllib.request

from harness import free_port


class FaultProxy:
    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.rules = []         # [pattern, method, count left]
        self.failed = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                if proxy.should_fail(self.command, self.path):
                    out = b'{"errcode":"M_UNKNOWN","error":"fault proxy"}'
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
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

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def fail(self, pattern, method, count):
        with self.lock:
            self.rules.append([re.compile(pattern), method, count])

    def should_fail(self, method, path):
        with self.lock:
            for r in self.rules:
                if r[2] > 0 and r[1] == method and r[0].search(path):
                    r[2] -= 1
                    self.failed += 1
                    return True
        return False

    def close(self):
        self.server.shutdown()
        self.server.server_close()
