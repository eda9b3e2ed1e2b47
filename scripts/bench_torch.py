#!/usr/bin/python3
"""PyTorch peer for `advisor bench torch` (a benchmark peer only, never a dependency).

Trains the fmnist-cnn architecture (conv3x3-BN-ReLU x4 with 2x2 max pools after blocks 1 and 2,
dense 128-BN-ReLU, linear output) on the same raw images the DL4J side used, with the same batch
size and thread count, and prints one JSON line: images/s per epoch.
Usage: bench_torch.py IMAGES.f32 LABELS.i32 N CLASSES EPOCHS BATCH THREADS
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def model(classes):
    layers = []
    c = 1
    for width, pool in ((16, True), (32, True), (64, False), (64, False)):
        layers += [nn.Conv2d(c, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        if pool:
            layers.append(nn.MaxPool2d(2))
        c = width
    layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, classes)]
    return nn.Sequential(*layers)


def main():
    images, labels, n, classes, epochs, batch, threads = sys.argv[1:8]
    n, classes, epochs, batch, threads = int(n), int(classes), int(epochs), int(batch), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x = torch.from_numpy(np.fromfile(images, dtype="<f4").reshape(n, 1, 28, 28))
    y = torch.from_numpy(np.fromfile(labels, dtype="<i4").astype(np.int64))
    net = model(classes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(42)
    per_epoch = []
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(n, generator=g)
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        per_epoch.append(n / (time.perf_counter() - t0))
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "imagesPerSecond": per_epoch, "finalLoss": float(loss)}))


if __name__ == "__main__":
    main()
