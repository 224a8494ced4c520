#!/usr/bin/env python3
"""Vectorised numpy implementation of the two Monte Carlo benchmark markets.

The comparison side of `docs/benchmarks.md`: the same episodes as
`cargo bench -p aftermarket --bench monte_carlo`, written the way a numpy
user would (no Python loop over episodes, numpy's Generator, large batches).

1. single item, two bidders with values U[0,1]; A bids v/2, B bids 0.4·v in a
   first-price auction; only the allocation is disclosed, so the winner
   knows the loser bid less than it did: the loser's value is U[0, h] with
   h = min(1, own bid / loser's slope). The winner offers the item at the
   price maximising p·(1 - p/h) + w·p/h, i.e. p = (h + w)/2 (no sale when that
   exceeds h); the loser accepts when its value >= p.
2. 10 units, 5 bidders, marginal values = 10 sorted U[0,1] draws, bidder i
   bids (1 - 0.1 i)·v per unit, uniform-price auction (price = highest losing
   bid), then Nash bargaining (equal weights) to the efficient allocation.

Usage: python3 bench/numpy_episodes.py [episodes] [batch]
Prints episodes per second and the mean measures (to cross-check with ours).
"""
import sys
import time

import numpy as np


def fp_tioli(rng, n):
    slope = np.array([0.5, 0.4])
    v = rng.random((n, 2))
    b = v * slope
    w = np.argmax(b, axis=1)
    rows = np.arange(n)
    vw = v[rows, w]
    vl = v[rows, 1 - w]
    pay = b[rows, w]
    h = np.minimum(1.0, pay / slope[1 - w])
    price = 0.5 * (h + vw)
    trade = (vl >= price) & (price < h)
    final = np.where(trade, vl, vw)
    opt = v.max(axis=1)
    return {
        "optimal_welfare": opt.mean(),
        "final_welfare": final.mean(),
        "auction_welfare": np.where(w == 0, v[:, 0], v[:, 1]).mean(),
        "revenue": pay.mean(),
        "resale_probability": trade.mean(),
    }


def up_nash(rng, n, bidders=5, m=10):
    v = -np.sort(-rng.random((n, bidders, m)), axis=2)  # non-increasing marginals
    shade = 1.0 - 0.1 * np.arange(bidders)
    b = shade[None, :, None] * v
    flat = b.reshape(n, bidders * m)
    order = np.argsort(-flat, axis=1, kind="stable")
    owner = order // m
    won = np.zeros((n, bidders), dtype=np.int64)
    for k in range(m):  # m units, not episodes: a fixed small loop
        np.add.at(won, (np.arange(n), owner[:, k]), 1)
    price = np.take_along_axis(flat, order[:, m : m + 1], axis=1)[:, 0]
    cum = np.concatenate([np.zeros((n, bidders, 1)), np.cumsum(v, axis=2)], axis=2)
    idx = np.arange(n)[:, None]
    val_auction = cum[idx, np.arange(bidders)[None, :], won]
    vflat = v.reshape(n, bidders * m)
    vorder = np.argsort(-vflat, axis=1, kind="stable")
    eff = np.zeros((n, bidders), dtype=np.int64)
    for k in range(m):
        np.add.at(eff, (np.arange(n), vorder[:, k] // m), 1)
    val_eff = cum[idx, np.arange(bidders)[None, :], eff]
    gain = val_eff.sum(axis=1) - val_auction.sum(axis=1)
    resale_pay = (val_eff - val_auction) - gain[:, None] / bidders
    payoff = val_eff - won * price[:, None] - resale_pay
    return {
        "optimal_welfare": val_eff.sum(axis=1).mean(),
        "auction_welfare": val_auction.sum(axis=1).mean(),
        "final_welfare": val_eff.sum(axis=1).mean(),
        "revenue": (m * price).mean(),
        "payoff[0]": payoff[:, 0].mean(),
        "resale_probability": (gain > 1e-12).mean(),
    }


def bench(name, f, episodes, batch, seed=1):
    rng = np.random.default_rng(seed)
    f(rng, min(batch, 1000))  # warm up
    t0 = time.perf_counter()
    done = 0
    acc = {}
    while done < episodes:
        k = min(batch, episodes - done)
        r = f(rng, k)
        for key, val in r.items():
            acc[key] = acc.get(key, 0.0) + val * k
        done += k
    dt = time.perf_counter() - t0
    print(f"{name}: {episodes} episodes in {dt:.3f} s = {episodes / dt:,.0f} episodes/s")
    for key, val in acc.items():
        print(f"  {key} = {val / episodes:.5f}")


if __name__ == "__main__":
    episodes = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(f"numpy {np.__version__}")
    bench("first-price + take-it-or-leave-it, 2 bidders", fp_tioli, episodes, batch)
    bench("uniform-price + Nash bargaining, 10 units, 5 bidders", up_nash, episodes // 10, batch // 10)
