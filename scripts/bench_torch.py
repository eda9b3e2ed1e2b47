#!/usr/bin/python3
"""PyTorch peer for `advisor bench torch` (a benchmark peer only, never a dependency).

Trains the fmnist-cnn architecture (conv3x3-BN-ReLU x4 with 2x2 max pools after blocks 1 and 2,
dense 128-BN-ReLU, linear output) on the same raw images the DL4J side used, with the same batch
size and thread count, and prints one JSON line: images/s per epoch.
Usage: bench_torch.py IMAGES.f32 LABELS.i32 N CLASSES EPOCHS BATCH THREADS
       bench_torch.py finetune WEIGHTS_DIR TRAIN.f32 TRAIN.i32 NTRAIN TEST.f32 TEST.i32 NTEST CLASSES EPOCHS BATCH THREADS
       bench_torch.py zoo resnet50|squeezenet infer|train BATCH ITERATIONS THREADS
The zoo form times torchvision's resnet50 or squeezenet1_1 (the architecture of DL4J's zoo
SqueezeNet) with random weights on random 224x224x3 batches: inference (eval, no_grad) or training
steps (Adam), after two untimed warm-up batches, and prints images/s and the parameter count.
The second form loads the pretrained fmnist-cnn weights exported by the DL4J side (raw float32
files + manifest.json), puts a new head on it and fine-tunes everything, printing test accuracy
and cumulative training seconds after every epoch (the "fine-tune everything" baseline).
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


def load_pretrained(net, wdir):
    """DL4J layout -> PyTorch: conv W [out,in,kh,kw] as is; dense W [in,out] transposed;
    BN running_var = 10^(2*log10stdev) (DL4J stores the variance without eps, both add eps)."""
    man = json.load(open(wdir + "/manifest.json"))

    def arr(name):
        m = man[name]
        return torch.from_numpy(np.fromfile(wdir + "/" + m["file"], dtype="<f4").reshape(m["shape"]).copy())

    convs = [m for m in net if isinstance(m, nn.Conv2d)]
    bns = [m for m in net if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d))]
    lins = [m for m in net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for i, c in enumerate(convs):
            c.weight.copy_(arr("b%d_conv/W" % (i + 1)).reshape(c.weight.shape))
        names = ["b1_bn", "b2_bn", "b3_bn", "b4_bn", "fc1_bn"]
        for b, n in zip(bns, names):
            b.weight.copy_(arr(n + "/gamma").reshape(-1))
            b.bias.copy_(arr(n + "/beta").reshape(-1))
            b.running_mean.copy_(arr(n + "/mean").reshape(-1))
            b.running_var.copy_(torch.pow(10.0, 2 * arr(n + "/log10stdev").reshape(-1)))
        lins[0].weight.copy_(arr("fc1/W").reshape(lins[0].in_features, lins[0].out_features).t())


def finetune(args):
    wdir, trx, tr_y, ntr, tex, tey, nte, classes, epochs, batch, threads = args
    ntr, nte, classes, epochs, batch, threads = int(ntr), int(nte), int(classes), int(epochs), int(batch), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x = torch.from_numpy(np.fromfile(trx, dtype="<f4").reshape(ntr, 1, 28, 28))
    y = torch.from_numpy(np.fromfile(tr_y, dtype="<i4").astype(np.int64))
    xt = torch.from_numpy(np.fromfile(tex, dtype="<f4").reshape(nte, 1, 28, 28))
    yt = torch.from_numpy(np.fromfile(tey, dtype="<i4").astype(np.int64))
    net = model(classes)
    load_pretrained(net, wdir)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(42)
    spent = 0.0
    curve = []
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(ntr, generator=g)
        t0 = time.perf_counter()
        for i in range(0, ntr, batch):
            idx = perm[i:i + batch]
            if len(idx) < 2:
                continue
            opt.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
        spent += time.perf_counter() - t0
        net.eval()
        with torch.no_grad():
            acc = float((net(xt).argmax(1) == yt).float().mean())
        curve.append([spent, acc])
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(), "curve": curve}))


def zoo(args):
    name, mode, batch, iters, threads = args[0], args[1], int(args[2]), int(args[3]), int(args[4])
    import torchvision.models as tvm
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    net = {"resnet50": tvm.resnet50, "squeezenet": tvm.squeezenet1_1}[name](num_classes=1000)
    x = torch.rand(batch, 3, 224, 224)
    if mode == "infer":
        net.eval()
        with torch.no_grad():
            for _ in range(2):
                net(x)
            t0 = time.perf_counter()
            for _ in range(iters):
                net(x)
            dt = time.perf_counter() - t0
    else:
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        y = torch.randint(0, 1000, (batch,))
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        for _ in range(2):
            step()
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        dt = time.perf_counter() - t0
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
                      "imagesPerSecond": batch * iters / dt, "parameters": sum(p.numel() for p in net.parameters())}))


def main():
    if sys.argv[1] == "zoo":
        zoo(sys.argv[2:7])
        return
    if sys.argv[1] == "finetune":
        finetune(sys.argv[2:13])
        return
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
