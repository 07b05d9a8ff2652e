"""An aiortc peer for tests/e2e/aiortc.test.mjs: offers or answers on
command and echoes every data channel message back unchanged.

Signaling is JSON lines: the test writes to stdin
  {"type": "offer" | "answer", "sdp": ...}
  {"type": "candidate", "candidate": {"candidate", "sdpMid", "sdpMLineIndex"} | null}
and reads from stdout
  {"type": "offer" | "answer", "sdp": ...}  (one complete description:
                                             aiortc gathers before it answers)
  {"type": "open", "label": ...}            (a data channel is open here)
  {"type": "added", "end": bool}            (addIceCandidate succeeded)
  {"type": "echoed", "kind": "text" | "binary", "length": N}  (bytes; UTF-8 for text)
  {"type": "state", "connectionState": ...}
  {"type": "error", "message": ...}

Topology (DESIGN.md, "Testing topology: loopback only"): the only ICE
server is the relay's TURN UDP listener on 127.0.0.1, and the transport
policy is relay, so aioice gathers no host candidate (it skips the host
addresses entirely under TransportPolicy.RELAY) and contacts nothing but
that server. Any local candidate other than a 127.0.0.1 relay candidate is
an error, reported before the description leaves.
"""

import argparse
import asyncio
import json
import sys

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.sdp import candidate_from_sdp


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def loopback_relay_only(sdp):
    """The a=candidate lines of `sdp` that are not 127.0.0.1 relay candidates."""
    bad = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            fields = line.split()
            if len(fields) < 8 or fields[4] != "127.0.0.1" or fields[7] != "relay":
                bad.append(line)
    return bad


def echo(channel):
    emit({"type": "open", "label": channel.label})

    @channel.on("message")
    def on_message(message):
        channel.send(message)
        kind = "binary" if isinstance(message, bytes) else "text"
        length = len(message) if kind == "binary" else len(message.encode())
        emit({"type": "echoed", "kind": kind, "length": length})


async def send_description(pc):
    sdp = pc.localDescription.sdp
    bad = loopback_relay_only(sdp)
    if bad:
        raise RuntimeError(f"non-loopback or non-relay local candidates: {bad}")
    emit({"type": pc.localDescription.type, "sdp": sdp})


async def handle(pc, message):
    kind = message["type"]
    if kind in ("offer", "answer"):
        await pc.setRemoteDescription(RTCSessionDescription(sdp=message["sdp"], type=kind))
        if kind == "offer":
            await pc.setLocalDescription(await pc.createAnswer())
            await send_description(pc)
    elif kind == "candidate":
        init = message["candidate"]
        if init is None or not init.get("candidate"):
            await pc.addIceCandidate(None)
            emit({"type": "added", "end": True})
            return
        line = init["candidate"]
        candidate = candidate_from_sdp(line.split(":", 1)[1] if line.startswith("candidate:") else line)
        candidate.sdpMid = init.get("sdpMid")
        candidate.sdpMLineIndex = init.get("sdpMLineIndex")
        await pc.addIceCandidate(candidate)
        emit({"type": "added", "end": False})
    else:
        raise ValueError(f"unknown message {kind!r}")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--turn-port", type=int, required=True)
    parser.add_argument("--offer", action="store_true", help="create the data channel and offer")
    args = parser.parse_args()

    pc = RTCPeerConnection(
        RTCConfiguration(
            iceServers=[
                RTCIceServer(
                    urls=f"turn:127.0.0.1:{args.turn_port}?transport=udp",
                    username="alice",
                    credential="secret",
                )
            ],
            iceTransportPolicy=RTCIceTransportPolicy.RELAY,
        )
    )

    @pc.on("connectionstatechange")
    def on_state():
        emit({"type": "state", "connectionState": pc.connectionState})

    @pc.on("datachannel")
    def on_datachannel(channel):
        echo(channel)

    if args.offer:
        channel = pc.createDataChannel("aiortc-echo")
        channel.on("open", lambda: echo(channel))
        await pc.setLocalDescription(await pc.createOffer())
        await send_description(pc)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        # One message at a time, in order: a candidate never overtakes the
        # description it belongs to.
        while line := await reader.readline():
            if line.strip():
                await handle(pc, json.loads(line))
    finally:
        await pc.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # reported to the test, which fails on it
        emit({"type": "error", "message": f"{type(e).__name__}: {e}"})
        sys.exit(1)
