"""TCP proxy emulating a remote link: fixed one-way delay plus a bandwidth cap per direction.

Each direction ("up" = client->server, "down" = server->client) has ONE serialisation
queue shared by all connections, like a real access link. A chunk read at time `now`
finishes serialising at link_free_at = max(now, link_free_at) + bits/bandwidth and is
delivered one_way_delay later. Readers never wait on the delay (a per-connection,
per-direction queue + writer task does), so the delay is paid once, not per chunk.

CLI: python benchmarks/link_emulator.py --target 127.0.0.1:8080 --listen 9090 --delay-ms 50 --mbit 10
"""

import argparse
import asyncio
import contextlib
import threading

CHUNK = 16 * 1024  # small reads so big websocket frames serialise realistically
_EOF, _RESET = b"", None  # queue sentinels: graceful half-close vs. abort


class LinkEmulator:
    def __init__(
        self,
        target_host: str,
        target_port: int,
        one_way_delay_s: float = 0.05,
        bandwidth_bps: float = 10e6,
        listen_port: int = 0,
    ):
        self.target_host, self.target_port = target_host, target_port
        self.one_way_delay_s, self.bandwidth_bps = one_way_delay_s, bandwidth_bps
        self.listen_port = listen_port
        self.bytes_forwarded = {"up": 0, "down": 0}
        self._link_free_at = {"up": 0.0, "down": 0.0}  # shared by all connections
        self._server = None
        self._handlers: set = set()  # one task per proxied connection
        self._writers: set = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)
        self.listen_port = self._server.sockets[0].getsockname()[1]
        return self.listen_port

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        for w in list(self._writers):
            w.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()  # 3.12+ waits for connections, hence closing them first
        self._server = None

    async def _handle(self, c_reader, c_writer):
        task = asyncio.current_task()
        self._handlers.add(task)
        self._writers.add(c_writer)
        s_writer = None
        try:
            s_reader, s_writer = await asyncio.open_connection(self.target_host, self.target_port)
            self._writers.add(s_writer)
            await asyncio.gather(self._pipe("up", c_reader, s_writer), self._pipe("down", s_reader, c_writer))
        except (OSError, asyncio.CancelledError):
            # Top-level connection task: nobody awaits it except stop(), and asyncio.streams
            # (3.11) logs a traceback if a connected-callback task ends cancelled.
            c_writer.transport.abort()
        finally:
            for w in (c_writer, s_writer):  # both directions done (or cancelled): close fully
                if w is not None:
                    w.close()
                    self._writers.discard(w)
            self._handlers.discard(task)

    async def _pipe(self, direction, reader, writer):
        queue: asyncio.Queue = asyncio.Queue()
        deliver = asyncio.ensure_future(self._deliver(direction, queue, writer))
        loop = asyncio.get_running_loop()
        try:
            while True:
                try:
                    chunk = await reader.read(CHUNK)
                except OSError:  # includes ConnectionResetError
                    chunk = _RESET
                now = loop.time()
                if chunk:  # data occupies the shared link; sentinels only pay the delay
                    free = max(now, self._link_free_at[direction]) + len(chunk) * 8 / self.bandwidth_bps
                    self._link_free_at[direction] = free
                    now = free
                queue.put_nowait((now + self.one_way_delay_s, chunk))
                if not chunk:
                    break
            await deliver
        finally:
            deliver.cancel()

    async def _deliver(self, direction, queue, writer):
        loop = asyncio.get_running_loop()
        while True:
            due, chunk = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                if chunk is _RESET:  # peer reset: propagate as abort, after what was queued
                    writer.transport.abort()
                    return
                if chunk == _EOF:  # graceful close: half-close so in-flight replies still flow
                    if writer.can_write_eof():
                        writer.write_eof()
                    else:
                        writer.close()
                    return
                writer.write(chunk)
                await writer.drain()
                self.bytes_forwarded[direction] += len(chunk)
            except (OSError, RuntimeError):
                writer.transport.abort()  # far side is gone; drop the rest silently
                return


class LinkEmulatorThread:
    """Runs a LinkEmulator on its own event loop in a daemon thread (for sync callers)."""

    def __init__(self, target_host, target_port, one_way_delay_s=0.05, bandwidth_bps=10e6, listen_port=0):
        self.emulator = LinkEmulator(target_host, target_port, one_way_delay_s, bandwidth_bps, listen_port)
        self._loop = self._thread = None

    @property
    def bytes_forwarded(self) -> dict:
        return dict(self.emulator.bytes_forwarded)

    def start(self) -> int:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="link-emulator", daemon=True)
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.emulator.start(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self.emulator.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = None


async def _main(args):
    host, port = args.target.rsplit(":", 1)
    emu = LinkEmulator(host, int(port), args.delay_ms / 1000, args.mbit * 1e6, args.listen)
    listen = await emu.start()
    print(
        f"127.0.0.1:{listen} -> {args.target}  delay {args.delay_ms} ms one-way, {args.mbit} Mbit/s per direction",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()
        print(f"bytes forwarded: {emu.bytes_forwarded}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port to forward to")
    parser.add_argument("--listen", type=int, default=0, help="listen port on 127.0.0.1 (0 = any)")
    parser.add_argument("--delay-ms", type=float, default=50.0, help="one-way delay per direction")
    parser.add_argument("--mbit", type=float, default=10.0, help="bandwidth cap per direction, Mbit/s")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop it
        asyncio.run(_main(parser.parse_args()))
