"""Times VelocityGAN's critic step and generator step in PyTorch eager, with the networks built
from the reference tables (shared/reference/VELOCITYGAN.md sections 3 and 4: OpenFWI's InversionNet
and Discriminator, WGAN-GP with lambda_gp 10, L1 weight 100, AdamW betas (0, 0.9)), and records
the peak memory after each step, so that `npm run bench -- train` can print the tf.js/PyTorch
ratios. Prints one JSON line: {"critic_s", "generator_s": median seconds, "threads", "torch",
"device", "batch", "memory": "rss" | "cuda", "setup_peak_bytes", "critic_peak_bytes",
"generator_peak_bytes"}. On the CPU the peaks are the process's peak resident memory (run it once
per batch size and take the difference for the memory per sample); on CUDA they are
torch.cuda.max_memory_allocated.

usage: python3 bench/train_torch.py [--batch 4] [--repeats 3] [--widths 32,64,128,256,512] [--device cpu|cuda]
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Conv (or ConvTranspose) -> BatchNorm -> activation, named `layers` as in OpenFWI."""

    def __init__(self, cin, cout, kernel, stride, padding, transpose=False, act=None):
        super().__init__()
        conv = (nn.ConvTranspose2d if transpose else nn.Conv2d)(cin, cout, kernel, stride, padding)
        self.layers = nn.Sequential(conv, nn.BatchNorm2d(cout), act if act is not None else nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.layers(x)


class Generator(nn.Module):
    def __init__(self, d1, d2, d3, d4, d5):
        super().__init__()
        self.encoder = nn.Sequential(
            Block(5, d1, (7, 1), (2, 1), (3, 0)),
            Block(d1, d2, (3, 1), (2, 1), (1, 0)), Block(d2, d2, (3, 1), 1, (1, 0)),
            Block(d2, d2, (3, 1), (2, 1), (1, 0)), Block(d2, d2, (3, 1), 1, (1, 0)),
            Block(d2, d3, (3, 1), (2, 1), (1, 0)), Block(d3, d3, (3, 1), 1, (1, 0)),
            Block(d3, d3, 3, 2, 1), Block(d3, d3, 3, 1, 1),
            Block(d3, d4, 3, 2, 1), Block(d4, d4, 3, 1, 1),
            Block(d4, d4, 3, 2, 1), Block(d4, d4, 3, 1, 1),
            Block(d4, d5, (8, 9), 1, 0),
        )
        self.decoder = nn.Sequential(
            Block(d5, d5, 5, 2, 0, transpose=True), Block(d5, d5, 3, 1, 1),
            Block(d5, d4, 4, 2, 1, transpose=True), Block(d4, d4, 3, 1, 1),
            Block(d4, d3, 4, 2, 1, transpose=True), Block(d3, d3, 3, 1, 1),
            Block(d3, d2, 4, 2, 1, transpose=True), Block(d2, d2, 3, 1, 1),
            Block(d2, d1, 4, 2, 1, transpose=True), Block(d1, d1, 3, 1, 1),
        )
        self.head = Block(d1, 1, 3, 1, 1, act=nn.Tanh())

    def forward(self, x):
        x = self.decoder(self.encoder(x))
        return self.head(F.pad(x, [-5, -5, -5, -5]))


class Critic(nn.Module):
    def __init__(self, d1, d2, d3, d4):
        super().__init__()
        self.body = nn.Sequential(
            Block(1, d1, 3, 2, 1), Block(d1, d1, 3, 1, 1),
            Block(d1, d2, 3, 2, 1), Block(d2, d2, 3, 1, 1),
            Block(d2, d3, 3, 2, 1), Block(d3, d3, 3, 1, 1),
            Block(d3, d4, 3, 2, 1), Block(d4, d4, 3, 1, 1),
            Block(d4, 1, 5, 1, 0),
        )

    def forward(self, x):
        return self.body(x).view(x.shape[0], -1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--widths", default="32,64,128,256,512")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    d = [int(w) for w in args.widths.split(",")]
    device = torch.device(args.device)
    cuda = device.type == "cuda"

    def peak_bytes():
        if cuda:
            torch.cuda.synchronize()
            return torch.cuda.max_memory_allocated()
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)

    torch.manual_seed(0)
    G, D = Generator(*d).to(device), Critic(*d[:4]).to(device)
    G.train()
    D.train()
    opt = dict(lr=1e-4, betas=(0.0, 0.9), eps=1e-8, weight_decay=1e-4)
    opt_g, opt_d = torch.optim.AdamW(G.parameters(), **opt), torch.optim.AdamW(D.parameters(), **opt)
    b = args.batch
    data = torch.rand(b, 5, 1000, 70, device=device) * 2 - 1
    label = torch.rand(b, 1, 70, 70, device=device) * 2 - 1
    peaks = {"setup_peak_bytes": peak_bytes()}

    def critic_step():
        opt_d.zero_grad()
        with torch.no_grad():
            fake = G(data)
        alpha = torch.rand(b, 1, 1, 1, device=device)
        interp = (alpha * label + (1 - alpha) * fake).requires_grad_(True)
        grad = torch.autograd.grad(D(interp).sum(), interp, create_graph=True)[0]
        gp = ((grad.reshape(b, -1).norm(2, dim=1) - 1) ** 2).mean()
        loss = -D(label).mean() + D(fake).mean() + 10 * gp
        loss.backward()
        opt_d.step()
        peaks.setdefault("critic_peak_bytes", peak_bytes())

    def generator_step():
        opt_g.zero_grad()
        pred = G(data)
        loss = 100 * F.l1_loss(pred, label) - D(pred).mean()
        loss.backward()
        opt_g.step()
        peaks["generator_peak_bytes"] = peak_bytes()

    def timed(step):
        step()  # warm-up
        times = []
        for _ in range(args.repeats):
            if cuda:
                torch.cuda.synchronize()
            t = time.perf_counter()
            step()
            if cuda:
                torch.cuda.synchronize()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    # The critic step's peak is taken at the first one (no generator step has run yet); the
    # iteration's peak after every step has run, in the steady state the timed steps reach.
    critic_step()
    generator_step()
    result = {
        "critic_s": timed(critic_step),
        "generator_s": timed(generator_step),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": args.device,
        "batch": b,
        "memory": "cuda" if cuda else "rss",
        **peaks,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
