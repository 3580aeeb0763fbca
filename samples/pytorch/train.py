#!/usr/bin/env python3
"""train.py: a training loop printing its throughput, for `gpupack pack`.

Trains a real torchvision model (resnet18 by default; random weights and
synthetic data, so nothing is downloaded) with SGD for --seconds, and
prints one JSON line:
  {"job":"train","model":...,"steps":N,"seconds":T,"samples_per_s":X}

  python train.py --batch 32 --seconds 30
"""
import argparse
import json
import time

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=30.0)
    a = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("train.py: no CUDA device")
    import torchvision
    model = getattr(torchvision.models, a.model)(weights=None).cuda().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(a.batch, 3, 224, 224, device="cuda")
    y = torch.randint(0, 1000, (a.batch,), device="cuda")
    loss_fn = torch.nn.CrossEntropyLoss()
    steps = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()  # one synchronize per step, as most loops log the loss
        steps += 1
    t = time.perf_counter() - t0
    print(json.dumps({"job": "train", "model": a.model, "steps": steps, "seconds": round(t, 3),
                      "samples_per_s": round(steps * a.batch / t, 1)}), flush=True)


if __name__ == "__main__":
    main()
