"""A tiny HTTPS endpoint for transport tests: TLS with a given certificate, gzip bodies when
the client accepts them, and a count of TCP connections (to see connection reuse).

usage: tlsstub.py --cert CERT --key KEY --port-file FILE --stats-file FILE
It answers STS GetCallerIdentity (query protocol) and ECS ListClusters/DescribeClusters
(JSON) with fixed, AWS-shaped bodies; anything else gets a 400 in the JSON error shape.
"""
import argparse
import gzip
import http.server
import json
import socketserver
import ssl
import threading

STATS = {"connections": 0, "requests": 0, "gzip_sent": 0}
LOCK = threading.Lock()

IDENTITY = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            b'<GetCallerIdentityResult><UserId>AIDATLSSTUB</UserId><Account>210987654321</Account>'
            b'<Arn>arn:aws:iam::210987654321:user/tls-stub</Arn></GetCallerIdentityResult>'
            b'<ResponseMetadata><RequestId>tls-stub-1</RequestId></ResponseMetadata>'
            b'</GetCallerIdentityResponse>')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with LOCK:
            STATS["requests"] += 1
        target = self.headers.get("X-Amz-Target", "")
        if b"Action=GetCallerIdentity" in body:
            ctype, out = "text/xml", IDENTITY
        elif target.endswith(".ListClusters"):
            ctype = "application/x-amz-json-1.1"
            out = json.dumps({"clusterArns": [
                "arn:aws:ecs:us-east-1:210987654321:cluster/tls-a",
                "arn:aws:ecs:us-east-1:210987654321:cluster/tls-b"]}).encode()
        elif target.endswith(".DescribeClusters"):
            ctype = "application/x-amz-json-1.1"
            names = json.loads(body or b"{}").get("clusters", [])
            out = json.dumps({"clusters": [
                {"clusterArn": a, "clusterName": a.rsplit("/", 1)[1], "status": "ACTIVE",
                 "activeServicesCount": 3, "runningTasksCount": 5, "pendingTasksCount": 0,
                 "registeredContainerInstancesCount": 0} for a in names], "failures": []}).encode()
        else:
            self.send_response(400)
            out = json.dumps({"__type": "UnknownOperationException", "message": target}).encode()
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("x-amzn-RequestId", "tls-stub-1")
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            out = gzip.compress(out)
            self.send_header("Content-Encoding", "gzip")
            with LOCK:
                STATS["gzip_sent"] += 1
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        with LOCK:
            open(ARGS.stats_file, "w").write(json.dumps(STATS))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--stats-file", required=True)
    ARGS = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.cert, ARGS.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    open(ARGS.port_file, "w").write(str(srv.server_address[1]))
    srv.serve_forever()
