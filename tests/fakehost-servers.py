# servers.py READY_FILE HTTP_PORT DIR: an HTTP server for DIR on
# 127.0.0.1:HTTP_PORT and a DNS responder on 127.0.0.1:53 that answers
# every A query with 203.0.113.7 and counts the queries in DIR/dns-queries.
import functools, http.server, os, socket, struct, sys, threading

ready, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=root))
dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dns.bind(("127.0.0.1", 53))
threading.Thread(target=httpd.serve_forever, daemon=True).start()
open(ready, "w").close()
queries = 0
while True:
    q, peer = dns.recvfrom(512)
    queries += 1
    with open(os.path.join(root, "dns-queries"), "w") as f:
        f.write(f"{queries}\n")
    tid = q[:2]
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    qtype = struct.unpack("!H", q[end + 1:end + 3])[0]
    answer = b""
    if qtype == 1:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("203.0.113.7")
    header = tid + struct.pack("!HHHHH", 0x8180, 1, 1 if answer else 0, 0, 0)
    dns.sendto(header + question + answer, peer)
