#!/usr/bin/env python3
"""Reference implicit-feedback ALS (Hu, Koren & Volinsky 2008) in numpy/scipy: a benchmark peer for
bench/quality.ts, not a dependency. Exact per-row solves of
    (YᵀY + λI + Yᵤᵀ(Cᵤ − I)Yᵤ) xᵤ = Yᵤᵀ Cᵤ 1,   c = 1 + alpha·r
alternating users and items. Evaluation protocol (same as bench/quality.ts): for each user with at
least 2 ratings, the newest max(1, round(n/10)) ratings (ties by file order) are held out; nDCG@10
over those users, items seen in training excluded. Prints one JSON object."""
import argparse
import json
import time

import numpy as np
import scipy.linalg
import scipy.sparse as sp


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    users = data[:, 0].astype(np.int64)
    items = data[:, 1].astype(np.int64)
    stamps = data[:, 3]
    return users, items, stamps


def split(users, items, stamps):
    order = np.lexsort((np.arange(len(users)), stamps, users))  # by user, then time, then row
    train = np.ones(len(users), dtype=bool)
    held = {}
    boundaries = np.flatnonzero(np.diff(users[order])) + 1
    for rows in np.split(order, boundaries):
        n = len(rows)
        if n < 2:
            continue
        h = max(1, int(np.floor(n / 10 + 0.5)))
        out = rows[n - h:]
        train[out] = False
        held[int(users[rows[0]])] = set(int(i) for i in items[out])
    return train, held


def solve_side(target, fixed, csr, alpha, lam):
    k = fixed.shape[1]
    gram = fixed.T @ fixed + lam * np.eye(k)
    indptr, indices, values = csr.indptr, csr.indices, csr.data
    for row in range(csr.shape[0]):
        start, end = indptr[row], indptr[row + 1]
        if start == end:
            target[row] = 0
            continue
        ys = fixed[indices[start:end]]
        c = 1.0 + alpha * values[start:end]
        a = gram + (ys.T * (c - 1.0)) @ ys
        b = ys.T @ c
        target[row] = scipy.linalg.solve(a, b, assume_a="pos")


def time_epochs_on_csr(args):
    """--csr DIR: the interaction matrix as written by bench/scale.ts (indptr.i32, indices.i32,
    values.f32 by user, shape.json); times whole epochs on it, with no split and no metric."""
    with open(f"{args.csr}/shape.json", encoding="utf8") as file:
        shape = json.load(file)
    indptr = np.fromfile(f"{args.csr}/indptr.i32", dtype=np.int32)
    indices = np.fromfile(f"{args.csr}/indices.i32", dtype=np.int32)
    values = np.fromfile(f"{args.csr}/values.f32", dtype=np.float32).astype(np.float64)
    by_user = sp.csr_matrix((values, indices, indptr), shape=(shape["users"], shape["items"]))
    by_item = by_user.T.tocsr()
    rng = np.random.default_rng(args.seed)
    scale = 0.1 / np.sqrt(args.factors)
    item_f = (rng.random((shape["items"], args.factors)) - 0.5) * 2 * scale
    user_f = (rng.random((shape["users"], args.factors)) - 0.5) * 2 * scale
    epoch_seconds = []
    for _ in range(args.epochs):
        started = time.perf_counter()
        solve_side(user_f, item_f, by_user, args.alpha, args.regularization)
        solve_side(item_f, user_f, by_item, args.alpha, args.regularization)
        epoch_seconds.append(time.perf_counter() - started)
    print(json.dumps({"epoch_seconds": epoch_seconds, "cells": int(by_user.nnz)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratings")
    parser.add_argument("--csr")
    parser.add_argument("--factors", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--regularization", type=float, default=3.0)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.csr:
        time_epochs_on_csr(args)
        return
    if not args.ratings:
        parser.error("--ratings or --csr is required")

    users, items, stamps = load(args.ratings)
    train, held = split(users, items, stamps)
    user_ids, user_idx = np.unique(users, return_inverse=True)
    item_ids, item_idx = np.unique(items, return_inverse=True)
    n_users, n_items = len(user_ids), len(item_ids)

    started = time.perf_counter()
    ones = np.ones(int(train.sum()), dtype=np.float64)
    by_user = sp.csr_matrix((ones, (user_idx[train], item_idx[train])), shape=(n_users, n_items))
    by_user.sum_duplicates()
    by_item = by_user.T.tocsr()
    rng = np.random.default_rng(args.seed)
    scale = 0.1 / np.sqrt(args.factors)
    item_f = (rng.random((n_items, args.factors)) - 0.5) * 2 * scale
    user_f = (rng.random((n_users, args.factors)) - 0.5) * 2 * scale
    for _ in range(args.epochs):
        solve_side(user_f, item_f, by_user, args.alpha, args.regularization)
        solve_side(item_f, user_f, by_item, args.alpha, args.regularization)
    seconds = time.perf_counter() - started

    discounts = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    position = {int(u): i for i, u in enumerate(user_ids)}
    item_position = {int(v): i for i, v in enumerate(item_ids)}
    for user, relevant_ids in held.items():
        u = position[user]
        scores = item_f @ user_f[u]
        scores[by_user.indices[by_user.indptr[u]:by_user.indptr[u + 1]]] = -np.inf
        top = np.argpartition(-scores, 10)[:10]
        top = top[np.lexsort((top, -scores[top]))]
        relevant = {item_position[i] for i in relevant_ids}
        dcg = sum(discounts[r] for r, i in enumerate(top) if int(i) in relevant)
        ideal = discounts[: min(10, len(relevant))].sum()
        total += dcg / ideal
    print(json.dumps({
        "ndcg_at_10": total / len(held),
        "training_seconds": seconds,
        "users": n_users,
        "items": n_items,
        "train_interactions": int(by_user.nnz),
        "factors": args.factors,
        "epochs": args.epochs,
        "regularization": args.regularization,
        "alpha": args.alpha,
    }))


if __name__ == "__main__":
    main()
