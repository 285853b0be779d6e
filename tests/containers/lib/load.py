#!/usr/bin/env python3
"""Bounded load for the container test: N caption requests (multipart, a small PNG) with C clients, optionally running
a stop command once K requests have been answered. Prints one JSON object with the figures. Only ever sends to the URL
it is given (the test passes a 127.0.0.1 address published by its own containers); stdlib only."""
import argparse, json, struct, subprocess, threading, time, urllib.error, urllib.request, uuid, zlib


def png(width, height):
    """A gradient RGB PNG, so the request carries a real image the service decodes."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, (x * y) % 256)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def multipart(fields, image):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="gradient.png"\r\n'
                 f'Content-Type: image/png\r\n\r\n'.encode() + image + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--key")
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--stop-after", type=int, help="answers after which --stop-cmd runs")
    ap.add_argument("--stop-cmd")
    ap.add_argument("--timeout", type=float, default=120.0, help="per request (a hang detector)")
    args = ap.parse_args()

    body, content_type = multipart({"num_beams": "1", "max_new_tokens": "12"}, png(96, 72))
    lock = threading.Lock()
    state = {"sent": 0, "answered": 0, "statuses": {}, "sent_after_stop": 0, "stop": None}
    stop_due = threading.Event()
    stop_begun = threading.Event()
    started = time.monotonic()

    def client():
        while True:
            with lock:
                if state["sent"] >= args.requests:
                    return
                state["sent"] += 1
                if stop_begun.is_set():
                    state["sent_after_stop"] += 1
            request = urllib.request.Request(args.url, data=body, method="POST", headers={"Content-Type": content_type})
            if args.key:
                request.add_header("X-Api-Key", args.key)
            try:
                with urllib.request.urlopen(request, timeout=args.timeout) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                error.read()
                status = error.code
            except (urllib.error.URLError, OSError) as error:   # no HTTP answer at all
                status = f"no-answer:{type(error).__name__}"
            with lock:
                state["answered"] += 1
                state["statuses"][str(status)] = state["statuses"].get(str(status), 0) + 1
                if args.stop_after and state["answered"] == args.stop_after:
                    stop_due.set()

    def stopper():
        stop_due.wait()
        if not args.stop_cmd:
            return
        stop_begun.set()
        begun = time.monotonic()
        rc = subprocess.run(args.stop_cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        state["stop"] = {"rc": rc, "seconds": round(time.monotonic() - begun, 2), "at_s": round(begun - started, 2)}

    stop_thread = threading.Thread(target=stopper, daemon=True)
    stop_thread.start()
    clients = [threading.Thread(target=client) for _ in range(args.concurrency)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    if args.stop_cmd and args.stop_after:
        stop_due.set()
        stop_thread.join(timeout=120)
    statuses = state["statuses"]
    print(json.dumps({
        "sent": state["sent"], "answered": state["answered"], "lost": state["sent"] - state["answered"],
        "ok": statuses.get("200", 0),
        "server_errors": sum(n for s, n in statuses.items() if not s.isdigit() or int(s) >= 500),
        "statuses": statuses, "sent_after_stop": state["sent_after_stop"], "stop": state["stop"],
        "duration_s": round(time.monotonic() - started, 1),
    }))


if __name__ == "__main__":
    main()
