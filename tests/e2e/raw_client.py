"""A client that speaks to the app as a script would, not a browser: Streamlit's websocket
protocol (protobuf BackMsg / ForwardMsg) and plain HTTP, for the probes a person with `curl` and a
websocket library makes (issue 22)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
import uuid
from contextlib import asynccontextmanager

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def run(coroutine):
    """Run `coroutine` to its end in a thread of its own (the browser tests' Playwright keeps an
    event loop running in the main thread, where asyncio.run is refused)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def http_status(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
                opener: urllib.request.OpenerDirector | None = None) -> tuple[int, dict]:
    """(status, headers) a client without a browser gets for `url`."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as r:
            r.read()
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


@asynccontextmanager
async def session(base: str, page_name: str = "", query: str = ""):
    """A websocket session on the app, its script run once on `page_name`; yields (session id, ws)."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page_name
        await ws.send(msg.SerializeToString())
        session_id = ""
        while True:  # until the script's run is over
            f = ForwardMsg()
            f.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = f.WhichOneof("type")
            if kind == "new_session":
                session_id = f.new_session.initialize.session_id
            if kind == "script_finished":
                break
        yield session_id, ws


async def send_clear_cache(ws) -> None:
    msg = BackMsg()
    msg.clear_cache = True
    await ws.send(msg.SerializeToString())


def upload(base: str, session_id: str, size: int) -> int:
    """PUT `size` bytes as a file to the session, with an XSRF cookie and header of its own making
    (XSRF protection guards a browser against other sites, not a client against itself); returns
    the HTTP status. The headers go first: a server that refuses without reading the body answers
    then (a client still sending would meet a closed connection), else the body follows."""
    import http.client
    import select
    from urllib.parse import urlsplit

    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    xsrf = generate_xsrf_token_string()
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        conn.putrequest("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}")
        for name, value in (("Content-Type", f"multipart/form-data; boundary={boundary}"),
                            ("Content-Length", str(len(body))), ("X-Xsrftoken", xsrf),
                            ("Cookie", f"_streamlit_xsrf={xsrf}")):
            conn.putheader(name, value)
        conn.endheaders()
        answered, _, _ = select.select([conn.sock], [], [], 1.0)
        if not answered:
            conn.send(body)
        return conn.getresponse().status
    finally:
        conn.close()
