#!/usr/bin/env python3
"""Stand-in for the pods' metrics endpoints: one HTTP server on 0.0.0.0:<port> answers every loopback address, so
127.0.0.x:<port> are as many distinct scrape targets. Each answer is a counter of that address's scrapes."""
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        local = self.connection.getsockname()[0]
        with lock:
            counts[local] = counts.get(local, 0) + 1
            n = counts[local]
        body = ("# TYPE demo_scrapes counter\ndemo_scrapes_total{target=\"%s\"} %d\n" % (local, n)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
