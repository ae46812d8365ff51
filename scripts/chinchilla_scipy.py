#!/usr/bin/env python3
"""The field's Chinchilla procedure in scipy, for scripts/bench's side-by-side case (never part of lawfit itself).

Hoffmann et al. 2022, approach 3, as Besiroglu et al. 2024 replicate it: minimise the sum over points of
Huber_delta(LSE(a - alpha log N, b - beta log D, e) - log L), delta = 1e-3, by L-BFGS-B from every point of the
grid e in {-1, -.5, ..., 1}, a and b in {0, 5, ..., 25}, alpha and beta in {0, .5, ..., 2} (4,500 starts), keeping
the best, with scipy's default tolerances on the unscaled sum, as Besiroglu et al.'s replication code calls it. The objective and its gradient are vectorised with numpy (the fair way to write it in Python).

Input: a CSV with columns group,params,tokens,loss. Output: one JSON line per group with its optimum
(e, a, b, alpha, beta), the summed Huber loss there and the seconds the search took; the last line has the totals.
"""
import itertools
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

DELTA = 1e-3
GRID = list(itertools.product(
    np.arange(-1, 1.01, 0.5),   # e
    np.arange(0, 26, 5),        # a
    np.arange(0, 26, 5),        # b
    np.arange(0, 2.01, 0.5),    # alpha
    np.arange(0, 2.01, 0.5),    # beta
))


def objective(theta, log_n, log_d, log_l):
    e, a, b, alpha, beta = theta
    t = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
    lse = logsumexp(t, axis=0)
    r = lse - log_l
    small = np.abs(r) <= DELTA
    value = np.where(small, 0.5 * r * r, DELTA * (np.abs(r) - 0.5 * DELTA)).sum()
    slope = np.where(small, r, DELTA * np.sign(r))
    w = np.exp(t - lse)  # softmax weights: d lse / d (a, b, e)
    grad = np.array([
        (slope * w[2]).sum(),
        (slope * w[0]).sum(),
        (slope * w[1]).sum(),
        -(slope * w[0] * log_n).sum(),
        -(slope * w[1] * log_d).sum(),
    ])
    return value, grad


def fit(log_n, log_d, log_l):
    best = None
    for start in GRID:
        res = minimize(objective, np.array(start, dtype=float), args=(log_n, log_d, log_l), jac=True, method="L-BFGS-B")
        if best is None or res.fun < best.fun:
            best = res
    return best


def main(path):
    groups = {}
    with open(path) as f:
        header = f.readline().strip().split(",")
        assert header == ["group", "params", "tokens", "loss"], header
        for line in f:
            g, n, d, l = line.strip().split(",")
            groups.setdefault(g, []).append((float(n), float(d), float(l)))
    total = 0.0
    for g, rows in groups.items():
        arr = np.array(rows)
        started = time.perf_counter()
        best = fit(np.log(arr[:, 0]), np.log(arr[:, 1]), np.log(arr[:, 2]))
        seconds = time.perf_counter() - started
        total += seconds
        print(json.dumps({"group": g, "theta": [float(v) for v in best.x], "objective": float(best.fun), "seconds": seconds}), flush=True)
    print(json.dumps({"groups": len(groups), "seconds": total, "starts_per_group": len(GRID)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
