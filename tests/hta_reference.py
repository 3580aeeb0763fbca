#!/usr/bin/env python3
"""An independent implementation of Holistic Trace Analysis's temporal and
idle-time breakdowns (HTA v0.6.1), written from docs/hta-semantics.md with
nothing but json and gzip. tests/hta.sh compares gpupack's results with it
on real PyTorch profiler traces.

    hta_reference.py TRACE.json[.gz] [--include-last]   -> JSON on stdout
"""
import gzip
import json
import math
import re
import sys


class Frac(float):
    """A JSON number written with a fraction or exponent (HTA 2.1)."""


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw, parse_float=lambda s: Frac(float(s)))


STEP = re.compile(r"^ProfilerStep#\d+")


def to_int(v):
    if isinstance(v, bool):
        return -1
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            return -1
    return -1


def hta_type(n):
    """Section 5."""
    if n.startswith(("nccl", "hip", "hccl")) or "ncclKernel" in n:
        return "comm"
    if n.startswith(("Memcpy", "Memset", "hipMemcpy", "hipMemset", "dma")):
        return "memory"
    if n.startswith(("nccl", "hip", "hccl", "runFunction", "job_exe", "packet", "pe_exe",
                     "cpum_exe_subgraph", "collective_subgraph_execution", "Stream Wait Event")):
        return "other"
    if n.startswith("cuda") and "LaunchKernel" in n[4:]:
        return "other"
    if any(s in n for s in ("Memcpy", "Memset", "dma", "Sync")):
        return "other"
    return "compute"


def breakdown(path, include_last=False, threshold=30.0):
    data = load(path)
    evs = data["traceEvents"] if isinstance(data, dict) else data
    # 2.1 rounding switch: any ts written as a non-integer, or missing/null
    rounding = any(not isinstance(e, dict) or e.get("ts") is None or isinstance(e.get("ts"), Frac)
                   for e in evs)
    out = []
    for e in evs:  # 2.3
        if not isinstance(e, dict) or e.get("dur") is None or e.get("cat") is None:
            continue
        if e["cat"] == "Trace":
            continue
        ts, dur = float(e["ts"]), float(e["dur"])
        if rounding:  # 2.2
            end = math.floor(ts + dur)
            ts = math.ceil(ts)
        else:
            end = ts + dur
        args = e.get("args") or {}
        out.append({"ts": ts, "end": end, "cat": e["cat"], "name": e.get("name", ""),
                    "stream": to_int(args.get("stream", -1)),
                    "corr": to_int(args.get("correlation", -1)) if "correlation" in args else -1})
    for x in out:  # 3
        x["gpu"] = (x["stream"] >= 0 and x["corr"] >= 0) or x["name"] in ("Event Sync", "Context Sync")
    last_cpu = {}
    for i, x in enumerate(out):
        if not x["gpu"]:
            last_cpu[x["corr"]] = i
    step_names = {x["name"] for x in out if STEP.match(x["name"])}
    filtered = len(step_names) >= 2
    if filtered:  # 4
        cpu = [x for x in out if not x["gpu"]]
        steps = [x["ts"] for x in cpu if STEP.match(x["name"])]
        cut = max(steps) if steps else min(x["ts"] for x in cpu)
        if include_last:
            cut = math.inf
        kept_cpu = {}
        for i, x in enumerate(out):
            if not x["gpu"]:
                x["copies"] = 1 if x["ts"] < cut else 0
                if x["copies"]:
                    kept_cpu[x["corr"]] = kept_cpu.get(x["corr"], 0) + 1
        for x in out:
            if x["gpu"]:
                x["copies"] = kept_cpu.get(x["corr"], 0)
    else:
        for x in out:
            x["copies"] = 1
    for x in out:  # 7: launch time of the partner if kept
        x["runtime"] = None
        if x["gpu"] and x["corr"] != -1 and x["copies"]:
            p = last_cpu.get(x["corr"])
            if p is not None and out[p]["copies"]:
                x["runtime"] = out[p]["ts"]

    def merge(items):
        items = sorted(items, key=lambda x: x["ts"])
        busy, first, last, gs, ge = 0.0, None, None, None, None
        for x in items:
            if gs is None:
                gs, ge, first = x["ts"], x["end"], x["ts"]
            elif x["ts"] > ge:
                busy += ge - gs
                gs, ge = x["ts"], x["end"]
            elif x["end"] > ge:
                ge = x["end"]
        if gs is not None:
            busy += ge - gs
            last = ge
        return busy, first, last

    E = [x for x in out if x["copies"] and x["stream"] != -1]  # 6
    res = {"valid": bool(E), "step_filter": filtered, "rounding": rounding}
    if E:
        busy, first, last = merge(E)
        compute, _, _ = merge([x for x in E if hta_type(x["name"]) == "compute"])
        span = last - first
        idle = span - busy
        non = span - compute - idle
        res.update(span_us=span, idle_us=idle, compute_us=compute, non_compute_us=non,
                   idle_pct=round(100 * idle / span * 100) / 100 if span else 0,
                   compute_pct=round(100 * compute / span * 100) / 100 if span else 0,
                   non_compute_pct=round(100 * non / span * 100) / 100 if span else 0)
    K = []
    for x in out:  # 7
        if x["copies"] and x["stream"] != -1 and x["cat"] in (
                "kernel", "Kernel", "gpu_memcpy", "Memcpy", "gpu_memset", "Memset", "mtia_ccp_events"):
            K.extend([x] * x["copies"])
    streams = []
    for x in K:
        if x["stream"] not in streams:
            streams.append(x["stream"])
    res["streams"] = []
    for s in streams:
        ks = sorted([x for x in K if x["stream"] == s], key=lambda x: x["ts"])
        host = kern = other = 0.0
        has_h = has_k = False
        for prev, cur in zip(ks, ks[1:]):
            gap = cur["ts"] - prev["end"]
            if cur["runtime"] is not None and cur["runtime"] > prev["end"]:
                host += gap
                has_h = True
            elif gap < threshold:
                kern += gap
                has_k = True
            else:
                other += gap
        res["streams"].append({"stream": s, "host_wait_us": host if has_h else None,
                               "kernel_wait_us": kern if has_k else None, "other_us": other})
    return res


if __name__ == "__main__":
    print(json.dumps(breakdown(sys.argv[1], "--include-last" in sys.argv[2:])))
