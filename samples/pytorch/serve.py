#!/usr/bin/env python3
"""serve.py: batch-1 inference with Poisson arrivals, for `gpupack pack`.

Loads a real model from torchvision (resnet50 by default) or, failing that,
transformers (bert-base-uncased), with random weights (no download), and
serves single-sample requests arriving as a Poisson process at --rate per
second for --seconds. Each request is one NVTX range "request" (the
convention gpupack pack measures serving latency by). Prints one JSON line:
  {"job":"serve","model":...,"requests":N,"rate":R,"p50_ms":..,"p95_ms":..,"p99_ms":..}
Latency runs from a request's arrival to its result on the host.

  python serve.py --rate 50 --seconds 30
"""
import argparse
import json
import math
import random
import time

import torch


def load_model(name):
    try:
        import torchvision
        model = getattr(torchvision.models, name)(weights=None)
        return name, model, lambda: torch.randn(1, 3, 224, 224)
    except (ImportError, AttributeError):
        from transformers import AutoConfig, AutoModel
        cfg = AutoConfig.for_model("bert")
        model = AutoModel.from_config(cfg)
        return "bert-base", model, lambda: torch.randint(0, cfg.vocab_size, (1, 128))


def quantile(v, q):
    v = sorted(v)
    if not v:
        return 0.0
    r = max(1, min(len(v), math.ceil(q * len(v))))  # nearest rank
    return v[r - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="resnet50")
    ap.add_argument("--rate", type=float, default=50.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("serve.py: no CUDA device")
    random.seed(a.seed)
    name, model, make_input = load_model(a.model)
    model = model.cuda().eval()
    x = make_input().cuda()
    with torch.inference_mode():
        for _ in range(10):  # warm-up
            model(x)
        torch.cuda.synchronize()
        lat = []
        t0 = time.perf_counter()
        arrival = t0
        while arrival - t0 < a.seconds:
            arrival += random.expovariate(a.rate)
            delay = arrival - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            torch.cuda.nvtx.range_push("request")
            out = model(x)
            out = out if torch.is_tensor(out) else out[0]
            out.float().sum().item()  # the result reaches the host
            torch.cuda.nvtx.range_pop()
            lat.append((time.perf_counter() - arrival) * 1e3)
    print(json.dumps({"job": "serve", "model": name, "requests": len(lat), "rate": a.rate,
                      "p50_ms": round(quantile(lat, 0.50), 3),
                      "p95_ms": round(quantile(lat, 0.95), 3),
                      "p99_ms": round(quantile(lat, 0.99), 3)}), flush=True)


if __name__ == "__main__":
    main()
